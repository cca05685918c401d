// @ts-check
// One benchmark session: the reference server on a fresh SQLite file, the bench app (a built
// `dist/…/browser` folder) served with that server behind `/api`, and headless Chromium on a
// throw-away on-disk profile with the app loaded. Used by bench/run.mjs and bench/profile.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { forwardPageLogs, launchChromium, loadPage } from '../../scripts/browser-harness.mjs';
import { startDemoServer } from '../../scripts/demo-server.mjs';
import { ensureChromium } from '../../scripts/setup.mjs';
import { startSyncServerProcess } from '../../scripts/sync-server-process.mjs';

/**
 * Opens a session on the bench app built into `appRoot`.
 *
 * @param {string} appRoot e.g. `dist/bench/browser`
 * @returns {Promise<{ page: import('playwright-core').Page, version: string,
 *   call: (name: string, args?: object) => Promise<any>,
 *   open: (page: import('playwright-core').Page, path: string, global: string) => Promise<void>,
 *   reload: () => Promise<void>, close: () => Promise<void> }>} `call(name, args)` runs
 *   `window.offlineSyncBench[name](args)` in the page; `open` loads a page and waits for its global.
 * @example
 *   const session = await openBenchSession('dist/bench/browser');
 *   const ms = await session.call('burstWrite', { variant: 'kit', n: 100, run: '1' });
 *   await session.close();
 */
export async function openBenchSession(appRoot) {
  const dir = mkdtempSync(join(os.tmpdir(), 'osk-bench-'));
  const server = await startSyncServerProcess({ db: join(dir, 'sync.sqlite'), logLevel: 'warn' });
  /** @type {Awaited<ReturnType<typeof startDemoServer>> | null} */
  let web = null;
  /** @type {Awaited<ReturnType<typeof launchChromium>> | null} */
  let browser = null;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await web?.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  // From here on a failure stops the sync server too; on success the caller's close() does.
  try {
    web = await startDemoServer({ root: appRoot, syncServerUrl: server.url });
    const { url } = web;
    browser = await launchChromium({ executablePath: ensureChromium() });
    const { page } = browser;
    forwardPageLogs(page, { types: ['error'] });
    const open = (
      /** @type {import('playwright-core').Page} */ target,
      /** @type {string} */ path,
      /** @type {string} */ global
    ) => loadPage(target, `${url}${path}`, global);
    await open(page, '/', 'offlineSyncBench');
    return {
      page,
      version: browser.version,
      open,
      reload: () => open(page, '/', 'offlineSyncBench'),
      call: async (name, args) => {
        await page.bringToFront(); // a background page's timers are throttled
        return page.evaluate(([fn, arg]) => globalThis.offlineSyncBench[fn](arg), [name, args]);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
