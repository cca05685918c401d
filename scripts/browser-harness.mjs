// Runs a TypeScript entry in headless Chromium for the Node scripts that need a real browser
// (bench/encryption.mjs, scripts/native-async/run.mjs): bundle it with esbuild, serve it from
// 127.0.0.1 (IndexedDB needs a real origin), launch Chromium with playwright-core, load the page.
//
//   const { code } = await bundleForBrowser(entry);
//   const server = await servePage(code, { title: 'my checks' });
//   let browser = null;
//   try {
//     browser = await launchChromium({ executablePath: ensureChromium() });
//     forwardPageLogs(browser.page);
//     await loadPage(browser.page, server.url, 'runMyChecks');
//     const results = await browser.page.evaluate(() => globalThis.runMyChecks());
//   } finally {
//     await browser?.close().catch(() => undefined);
//     await server.close();
//   }
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URL } from 'node:url';
import CHROMIUM_ARGS from './chromium-flags.cjs';

const SCRIPT_PATH = '/bundle.js';

/**
 * Bundles a TypeScript entry and its imports into one browser script (IIFE, target es2022), in
 * memory. async/await stays native unless `nativeAsync` is false: then esbuild compiles it to
 * generators, as the Angular builder does for a zone.js build.
 *
 * @param {string} entry Path of the entry file.
 * @param {{ nativeAsync?: boolean }} [options]
 * @returns {Promise<{ code: string, metafile: import('esbuild').Metafile }>}
 * @example
 *   const { code, metafile } = await bundleForBrowser('bench/encryption.entry.ts', {
 *     nativeAsync: false,
 *   });
 */
export async function bundleForBrowser(entry, { nativeAsync = true } = {}) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    supported: nativeAsync ? {} : { 'async-await': false },
    write: false,
    metafile: true,
    logLevel: 'warning',
  });
  return { code: result.outputFiles[0].text, metafile: result.metafile };
}

/**
 * Serves, on 127.0.0.1 and a free port, an HTML page titled `title` that loads `script`.
 *
 * @param {string} script The browser script, e.g. the `code` of `bundleForBrowser()`.
 * @param {{ title: string }} options
 * @returns {Promise<{ url: string, close: () => Promise<void> }>} `url` of the page; `close()`
 *   stops the server.
 * @example
 *   const server = await servePage(code, { title: 'native-async storage checks' });
 *   await page.goto(server.url);
 *   await server.close();
 */
export function servePage(script, { title }) {
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>${title}</title></head>
<body><script src="${SCRIPT_PATH}"></script></body></html>`;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/' || path === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === SCRIPT_PATH) {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      })
    );
  });
}

/**
 * Launches headless Chromium with one blank page. By default with a throw-away profile directory,
 * so IndexedDB is on disk as it is for an app's users; `inMemory` uses an off-the-record context
 * instead, where Chromium keeps IndexedDB in memory.
 *
 * @param {{ executablePath: string, inMemory?: boolean }} options
 * @returns {Promise<{ page: import('playwright-core').Page, version: string,
 *   close: () => Promise<void> }>} `version` is Chromium's; `close()` closes the browser and
 *   removes the profile.
 * @example
 *   const browser = await launchChromium({ executablePath: ensureChromium() });
 *   console.log(`Chromium ${browser.version}`);
 *   await browser.close();
 */
export async function launchChromium({ executablePath, inMemory = false }) {
  const options = { executablePath, headless: true, args: CHROMIUM_ARGS };
  if (inMemory) {
    const browser = await launchBrowser({ executablePath });
    const page = await browser.newPage();
    return { page, version: browser.version(), close: () => browser.close() };
  }
  const profile = await mkdtemp(join(tmpdir(), 'osk-chromium-profile-'));
  try {
    const context = await chromium.launchPersistentContext(profile, options);
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      page,
      version: await versionFromUserAgent(page),
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Launches headless Chromium (the shared flags) as a `Browser`, for callers that open their own
 * contexts (one per simulated device). `ownSignals`: the caller handles Ctrl-C and termination
 * itself (Playwright's handlers would exit before the caller has stopped its servers).
 *
 * @param {{ executablePath: string, ownSignals?: boolean }} options
 * @returns {Promise<import('playwright-core').Browser>}
 * @example
 *   const browser = await launchBrowser({ executablePath: ensureChromium(), ownSignals: true });
 */
export function launchBrowser({ executablePath, ownSignals = false }) {
  const signals = ownSignals
    ? { handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false }
    : {};
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, ...signals });
}

/** A persistent context has no `Browser` to ask: the version comes from the user agent. */
async function versionFromUserAgent(page) {
  const userAgent = await page.evaluate(() => globalThis.navigator.userAgent);
  return /Chrome\/([\d.]+)/.exec(userAgent)?.[1] ?? userAgent;
}

/**
 * Prints the page's console messages (all, or only those whose type is in `types`) and its
 * uncaught errors to stderr, as `  [page] …` and `  [page error] …`.
 *
 * @param {import('playwright-core').Page} page
 * @param {{ types?: string[] }} [options] Console message types to print, e.g. `['error']`.
 * @example
 *   forwardPageLogs(page, { types: ['error', 'warning'] });
 */
export function forwardPageLogs(page, { types } = {}) {
  page.on('console', (message) => {
    if (!types || types.includes(message.type())) console.error(`  [page] ${message.text()}`);
  });
  page.on('pageerror', (error) => console.error(`  [page error] ${error.message}`));
}

/**
 * Opens `url` in `page` and waits until the bundle has defined `globalThis[functionName]` (a
 * function or an object of them), the entry's way of saying it is ready.
 *
 * @param {import('playwright-core').Page} page
 * @param {string} url
 * @param {string} functionName
 * @example
 *   await loadPage(page, server.url, 'runStorageChecks');
 *   const results = await page.evaluate(() => globalThis.runStorageChecks());
 */
export async function loadPage(page, url, functionName) {
  await page.goto(url);
  await page.waitForFunction((name) => Boolean(globalThis[name]), functionName);
}
