// @ts-check
// One browser tab with the lab page (lab.entry.ts), driven from Node: its `window.lab` calls, and
// the ways a tab goes away — a reload, a renderer crash, a closed tab — after which a new page of
// the same profile (same IndexedDB) starts the app again.
import { loadPage } from '../../browser-harness.mjs';

/**
 * @typedef {import('./lab.entry.ts').LabOptions} LabOptions
 * @typedef {import('./lab.entry.ts').LabResult} LabResult
 * @typedef {import('./lab.entry.ts').LabItem} LabItem
 */

/**
 * @example
 * const tab = await LabTab.open(browser.page, server.url);
 * await tab.start({ databaseName: 'crash-1', serverUrl, collection: 'crash_1', online: true });
 * await tab.restart('crash', options);
 */
export class LabTab {
  /**
   * @param {import('playwright-core').Page} page
   * @param {string} url
   */
  constructor(page, url) {
    this.page = page;
    this.url = url;
  }

  /** Loads the lab page into `page`. */
  static async open(/** @type {import('playwright-core').Page} */ page, /** @type {string} */ url) {
    await loadPage(page, url, 'lab');
    return new LabTab(page, url);
  }

  /** Starts the app and waits until its records are loaded. */
  start(/** @type {LabOptions} */ options) {
    return this.page.evaluate((o) => window.lab.start(o), options);
  }

  /**
   * A create (`fields` has an id), an update, or a delete (`fields` null) through the kit;
   * resolves with its outcome, rejects when the page went before answering.
   *
   * @returns {Promise<LabResult>}
   */
  write(/** @type {string} */ id, /** @type {Partial<LabItem> | null} */ fields) {
    return this.page.evaluate(
      ([recordId, changes]) =>
        changes === null
          ? window.lab.remove(recordId)
          : 'id' in changes
            ? window.lab.save(/** @type {LabItem} */ (changes))
            : window.lab.update(recordId, changes),
      /** @type {[string, Partial<LabItem> | null]} */ ([id, fields])
    );
  }

  raw(/** @type {string} */ databaseName) {
    return this.page.evaluate((name) => window.lab.raw(name), databaseName);
  }

  syncAll() {
    return this.page.evaluate(() => window.lab.syncAll());
  }

  setOnline(/** @type {boolean} */ online) {
    return this.page.evaluate((value) => window.lab.setOnline(value), online);
  }

  counts() {
    return this.page.evaluate(() => window.lab.counts());
  }

  records() {
    return this.page.evaluate(() => window.lab.records());
  }

  reportedErrors() {
    return this.page.evaluate(() => window.lab.reportedErrors());
  }

  /**
   * Ends the tab the way `fault` says, without waiting for anything in it, then loads the page
   * again in the same profile and starts the app with `options`.
   * - `reload`: a navigation (the page unloads; its transactions in flight are aborted);
   * - `crash`: the renderer process dies (`Page.crash`), as on an out-of-memory kill;
   * - `close`: the tab is closed, no `beforeunload`; a new tab opens the app.
   *
   * @param {'reload' | 'crash' | 'close'} fault
   * @param {LabOptions} options
   */
  async restart(fault, options) {
    const context = this.page.context();
    if (fault === 'reload') {
      await loadPage(this.page, this.url, 'lab');
    } else {
      if (fault === 'crash') {
        const crashed = new Promise((resolve) => this.page.once('crash', resolve));
        const cdp = await context.newCDPSession(this.page);
        cdp.send('Page.crash').catch(() => undefined); // never answered: the renderer is gone
        await crashed;
      }
      await this.page.close({ runBeforeUnload: false });
      this.page = await context.newPage();
      await loadPage(this.page, this.url, 'lab');
    }
    await this.start(options);
  }
}
