// @ts-check
// End-to-end tests of the demo (part of `npm test`; also `npm run e2e`), against the production
// build: `ng build demo` must have run (dist/demo/browser). Starts a fresh reference sync server
// (temporary SQLite file, free port, 127.0.0.1), the demo server in front of it
// (scripts/demo-server.mjs: the app, and /api → the sync server), headless Chromium
// (playwright-core, CHROME_BIN or the usual paths), then runs every test of `e2e/*.e2e.mjs`, one
// after another, each within TEST_TIMEOUT_MS.
//
// A test file exports its tests:
//
//   /** @type {import('./run.mjs').E2ETest[]} */
//   export const tests = [
//     { name: 'device A loads the app', run: async (ctx) => {
//         const { page } = await ctx.newDevice('A'); // a browser context = one device
//         await ctx.screenshot(page, 'loaded');       // e2e/artifacts/loaded.png
//     } },
//   ];
//
// Prints `✓ file › name` / `✗ file › name` and the reason per test (on failure also the page
// console of its devices and a screenshot of each: e2e/artifacts/failed-…png), then
// `[e2e] N passed, N failed, 0 skipped`, writes those counts to $TEST_SUMMARY_FILE (for
// scripts/test.mjs), and exits 1 when anything failed. Servers and browser are always stopped,
// on Ctrl-C too.
//
//   node e2e/run.mjs                  # every test
//   node e2e/run.mjs realtime smoke   # tests whose "file › name" contains one of the words
//   E2E_VERBOSE=1 node e2e/run.mjs    # page console of passing tests too; sync server log
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchBrowser } from '../scripts/browser-harness.mjs';
import { startDemoServer } from '../scripts/demo-server.mjs';
import { startSyncServerProcess } from '../scripts/sync-server-process.mjs';
import { ensureChromium, root } from '../scripts/setup.mjs';
import { reportTestSummary } from '../scripts/test-summary.cjs';
import { READY_SELECTOR } from './demo-page.mjs';

/**
 * @typedef {object} Device One device: its own browser context (storage, service worker,
 *   network switch: `context.setOffline(true)`) and a page showing the demo.
 * @property {string} name
 * @property {import('playwright-core').BrowserContext} context
 * @property {import('playwright-core').Page} page
 * @property {string[]} log The page's console messages and errors so far.
 *
 * @typedef {object} DeviceOptions
 * @property {string} [path] Where to open the demo (default `/`).
 * @property {string} [readySelector] What shows the app is ready (default: the status bar once
 *   the store is hydrated, READY_SELECTOR).
 * @property {import('playwright-core').BrowserContextOptions} [contextOptions]
 *
 * @typedef {object} E2EContext What a test gets.
 * @property {import('playwright-core').Browser} browser
 * @property {(name: string, options?: DeviceOptions) => Promise<Device>} newDevice A new device
 *   with the demo loaded and ready; closed when the test ends.
 * @property {string} demoUrl The demo server, no trailing slash (`http://127.0.0.1:PORT`); the
 *   sync server is behind `${demoUrl}/api`.
 * @property {string} syncServerUrl The sync server itself (this run's, fresh and empty at start).
 * @property {(page: import('playwright-core').Page, name: string, options?: { fullPage?: boolean }) => Promise<string>} screenshot
 *   Saves `e2e/artifacts/<name>.png`; returns its path.
 *
 * @typedef {object} E2ETest
 * @property {string} name
 * @property {(ctx: E2EContext) => Promise<void> | void} run
 */

const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS_DIR = join(here, 'artifacts');
const DIST = join(root, 'dist', 'demo', 'browser');
const TEST_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 30_000;
const ACTION_TIMEOUT_MS = 15_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;
const VERBOSE = Boolean(process.env.E2E_VERBOSE);
/** Playwright colours its call logs. */
const ANSI_COLOURS = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Everything started, for stopAll(); in reverse order of starting. */
const running = {
  /** @type {import('playwright-core').Browser | null} */ browser: null,
  /** @type {{ close(): Promise<void> } | null} */ demo: null,
  /** @type {Awaited<ReturnType<typeof startSyncServerProcess>> | null} */ syncServer: null,
  /** @type {string | null} */ dir: null,
};

/** @type {Promise<void> | undefined} */
let stopping;
/** Closes the browser, the demo server and the sync server, removes the database; idempotent. */
function stopAll() {
  stopping ??= (async () => {
    await withTimeout(running.browser?.close(), SHUTDOWN_TIMEOUT_MS).catch(() => undefined);
    await running.demo?.close().catch(() => undefined);
    await running.syncServer?.stop();
    if (running.dir) rmSync(running.dir, { recursive: true, force: true });
  })();
  return stopping;
}

/**
 * Loads the tests of `e2e/*.e2e.mjs`, keeping those whose `file › name` contains one of
 * `filters` (all without filters). A file that fails to load becomes a failing test.
 *
 * @param {string[]} filters
 * @returns {Promise<{ title: string, run: E2ETest['run'] }[]>}
 */
async function loadTests(filters) {
  const files = readdirSync(here)
    .filter((file) => file.endsWith('.e2e.mjs'))
    .sort();
  const all = [];
  for (const file of files) {
    const label = file.replace(/\.e2e\.mjs$/, '');
    try {
      const module = await import(pathToFileURL(join(here, file)).href);
      const exported = module.tests ?? module.default;
      const tests = Array.isArray(exported) ? exported : exported ? [exported] : [];
      if (tests.length === 0) throw new Error('it exports no `tests` array');
      for (const [index, test] of tests.entries()) {
        if (typeof test?.run !== 'function') {
          throw new Error(`test ${index} has no run(ctx) function`);
        }
        all.push({ title: `${label} › ${test.name ?? `test ${index}`}`, run: test.run });
      }
    } catch (error) {
      all.push({
        title: `${label} (loading ${file})`,
        run: () => {
          throw error;
        },
      });
    }
  }
  return filters.length === 0
    ? all
    : all.filter((test) => filters.some((word) => test.title.includes(word)));
}

/**
 * Runs one test within TEST_TIMEOUT_MS, with its own devices, closed afterwards.
 *
 * @param {{ title: string, run: E2ETest['run'] }} test
 * @param {{ browser: import('playwright-core').Browser, demoUrl: string, syncServerUrl: string }} env
 * @returns {Promise<{ ok: boolean, error?: unknown, devices: Device[], ms: number }>}
 */
async function runTest(test, { browser, demoUrl, syncServerUrl }) {
  /** @type {Device[]} */
  const devices = [];
  let finished = false;
  const started = Date.now();

  /** @type {E2EContext} */
  const ctx = {
    browser,
    demoUrl,
    syncServerUrl,
    async newDevice(name, options = {}) {
      if (finished) throw new Error(`newDevice('${name}') after the test ended`);
      const context = await browser.newContext({
        viewport: { width: 1024, height: 768 },
        ...options.contextOptions,
      });
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      const page = await context.newPage();
      /** @type {Device} */
      const device = { name, context, page, log: [] };
      devices.push(device);
      const note = (/** @type {string} */ line) => {
        device.log.push(line);
        if (VERBOSE) console.log(`    [${name}] ${line}`);
      };
      context.on('page', (other) => other.on('pageerror', (e) => note(`page error: ${e.message}`)));
      page.on('console', (message) => {
        // Chromium's DOM hints ("verbose") and debug output are noise here.
        if (!['verbose', 'debug'].includes(message.type())) {
          note(`${message.type()}: ${message.text()}`);
        }
      });
      page.on('pageerror', (error) => note(`page error: ${error.message}`));
      await page.goto(`${demoUrl}${options.path ?? '/'}`);
      await page.waitForSelector(options.readySelector ?? READY_SELECTOR, {
        state: 'attached',
        timeout: READY_TIMEOUT_MS,
      });
      return device;
    },
    screenshot,
  };

  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${TEST_TIMEOUT_MS / 1000} s`)),
      TEST_TIMEOUT_MS
    );
  });
  const run = Promise.resolve().then(() => test.run(ctx));
  run.catch(() => undefined); // after a timeout it may still fail, once its devices close
  try {
    await Promise.race([run, limit]);
    return { ok: true, devices, ms: Date.now() - started };
  } catch (error) {
    for (const device of devices) {
      const name = `failed-${slug(test.title)}-${slug(device.name)}`;
      await withTimeout(screenshot(device.page, name), 5_000).catch(() => undefined);
    }
    return { ok: false, error, devices, ms: Date.now() - started };
  } finally {
    finished = true;
    clearTimeout(timer);
    await Promise.all(
      devices.map((device) =>
        withTimeout(device.context.close(), SHUTDOWN_TIMEOUT_MS).catch(() => undefined)
      )
    );
  }
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${slug(name)}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** @param {string} text */
function slug(text) {
  return text
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120);
}

/**
 * @template T
 * @param {Promise<T> | undefined} promise
 * @param {number} ms
 * @returns {Promise<T | undefined>}
 */
function withTimeout(promise, ms) {
  if (!promise) return Promise.resolve(undefined);
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** @param {unknown} error */
function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  // The stack's first frames in the test files say where; Playwright's own frames do not.
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && line.includes(here) && !line.includes('run.mjs'))
    .slice(0, 3)
    .map((line) => line.trim().replace(`file://${root}/`, '').replace(`${root}/`, ''));
  const message = error.message.replace(ANSI_COLOURS, '').trimEnd();
  return [message, ...frames].join('\n');
}

/** @param {{ passed: number, failed: number, skipped: number }} counts */
function report(counts) {
  reportTestSummary(counts, 'e2e');
}

/** @param {string} message */
function indent(message, prefix = '    ') {
  return message
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

async function main() {
  if (!existsSync(join(DIST, 'index.html'))) {
    console.error(
      `[e2e] ${relative(root, DIST)}/index.html is missing: build the demo first ` +
        '(`ng build offline-sync-kit && ng build demo`, or `npm run build`).'
    );
    process.exit(1);
  }
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const tests = await loadTests(process.argv.slice(2));
  if (tests.length === 0) {
    console.error('[e2e] no test matched');
    report({ ...counts, failed: 1 });
    process.exit(1);
  }

  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
    process.on(signal, () => {
      console.error(`\n[e2e] ${signal}: stopping the servers and the browser`);
      stopAll().then(() => process.exit(130));
    });
  }

  try {
    running.dir = mkdtempSync(join(tmpdir(), 'osk-e2e-'));
    running.syncServer = await startSyncServerProcess({
      db: join(running.dir, 'sync.sqlite'),
      logLevel: VERBOSE ? 'info' : 'warn',
    });
    const syncServerUrl = running.syncServer.url;
    const demo = await startDemoServer({ root: DIST, port: 0, syncServerUrl });
    running.demo = demo;
    const executablePath = ensureChromium();
    // Ours handle the signals (stopAll); Playwright's would exit before the servers are stopped.
    const browser = await launchBrowser({ executablePath, ownSignals: true });
    running.browser = browser;
    console.log(
      `[e2e] demo ${demo.url} → sync server ${syncServerUrl}, Chromium ${browser.version()}\n`
    );

    for (const test of tests) {
      const result = await runTest(test, { browser, demoUrl: demo.url, syncServerUrl });
      const seconds = `(${(result.ms / 1000).toFixed(1)} s)`;
      if (result.ok) {
        counts.passed++;
        console.log(`✓ ${test.title} ${seconds}`);
        continue;
      }
      counts.failed++;
      console.log(`✗ ${test.title} ${seconds}`);
      console.log(indent(describeError(result.error)));
      for (const device of result.devices) {
        if (device.log.length === 0 || VERBOSE) continue;
        console.log(`    console of ${device.name}:`);
        console.log(indent(device.log.slice(-20).join('\n'), '      '));
      }
    }
  } catch (error) {
    console.error(`[e2e] could not run the tests: ${describeError(error)}`);
    counts.failed++;
  } finally {
    await stopAll();
  }
  report(counts);
  process.exit(counts.failed > 0 ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
