// Native-async storage checks (part of `npm test`): the kit's storage layer (`SyncStorage`, Dexie,
// encryption at rest) bundled with async/await left NATIVE and run against real IndexedDB in
// headless Chromium. See storage-check.entry.ts for the cases.
//
// Why: the Karma specs are built with async/await downleveled (Angular's karma builder adds
// polyfills, then treats the build as zone-based), but a zoneless app keeps native async
// functions, and Dexie's transaction tracking behaves differently with them: unencrypted
// `SyncStorage.write()` failed with PrematureCommitError only there. This suite refuses to run a
// downleveled bundle (it checks the bundle text and, in the page, the kit's own methods).
//
// Bundles the entry with esbuild (no async downleveling), serves it from 127.0.0.1 (IndexedDB
// needs a real origin), runs it in Chromium (CHROME_BIN or the usual paths, as `npm test` finds
// it) with a throw-away profile (all through ../browser-harness.mjs), prints `✓ name` /
// `✗ name: error` per case and the line `N passed, N failed, 0 skipped`, writes the counts to
// $TEST_SUMMARY_FILE for scripts/test.mjs, and exits 1 when anything failed.
//
//   node scripts/native-async/run.mjs
import { dirname, join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import {
  bundleForBrowser,
  forwardPageLogs,
  launchChromium,
  loadPage,
  servePage,
} from '../browser-harness.mjs';
import { ensureChromium } from '../setup.mjs';
import { reportTestSummary } from '../test-summary.cjs';

const here = dirname(fileURLToPath(import.meta.url));
/** The whole run, bundling and browser start included; the page has its own per-case limit. */
const RUN_TIMEOUT_MS = 120_000;

/** Throws unless the bundle kept native async functions (and has no esbuild async helper). */
function assertNativeAsync(script) {
  const asyncFunctions = script.match(/\basync\s+(?:function\b|[\w$]+\s*\(|\([^)]*\)\s*=>)/g);
  const awaits = script.match(/\bawait\s/g);
  const helper = /\b__async\s*=/.test(script);
  if (!asyncFunctions || !awaits || helper) {
    throw new Error(
      'the bundle does not contain native async/await ' +
        `(${asyncFunctions?.length ?? 0} async functions, ${awaits?.length ?? 0} awaits, ` +
        `esbuild __async helper ${helper ? 'present' : 'absent'}): it was downleveled, so this ` +
        'suite would not test what a zoneless app runs. Check the esbuild options of ' +
        'bundleForBrowser() in scripts/browser-harness.mjs (target es2022, no `supported` ' +
        'override when nativeAsync).'
    );
  }
  return asyncFunctions.length;
}

/** Prints the counts line and writes them where scripts/test.mjs reads them. */
function report(counts) {
  reportTestSummary(counts, 'offline-sync-kit (native async)');
}

async function runChecks() {
  const started = Date.now();
  const { code } = await bundleForBrowser(join(here, 'storage-check.entry.ts'), {
    nativeAsync: true, // the point of the suite
  });
  const asyncCount = assertNativeAsync(code);
  const server = await servePage(code, { title: 'offline-sync-kit native-async storage checks' });
  let browser = null;
  try {
    browser = await launchChromium({ executablePath: ensureChromium() });
    const { page, version } = browser;
    forwardPageLogs(page, { types: ['error', 'warning'] });
    await loadPage(page, server.url, 'runStorageChecks');
    const methods = await page.evaluate(() => globalThis.nativeAsyncMethods());
    if (methods.length === 0) {
      throw new Error(
        'no method of SyncStorage is a native async function in the page: the kit was ' +
          'downleveled, so this suite would not test what a zoneless app runs'
      );
    }
    console.log(
      `Chromium ${version}, native async/await: ${asyncCount} async functions in the bundle, ` +
        `SyncStorage methods that are AsyncFunctions: ${methods.join(', ')}`
    );
    const results = await page.evaluate(() => globalThis.runStorageChecks());
    for (const result of results) {
      console.log(result.ok ? `✓ ${result.name}` : `✗ ${result.name}: ${result.error}`);
    }
    const failed = results.filter((result) => !result.ok).length;
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return { passed: results.length - failed, failed, skipped: 0 };
  } finally {
    await browser?.close().catch(() => undefined);
    await server.close();
  }
}

async function main() {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${RUN_TIMEOUT_MS / 1000} s`)),
      RUN_TIMEOUT_MS
    );
  });
  let counts;
  try {
    counts = await Promise.race([runChecks(), timeout]);
  } catch (error) {
    // The harness itself broke (bundle, browser, a downleveled build): one failure, never 0.
    console.error(`✗ scripts/native-async/run.mjs: ${error?.stack ?? error}`);
    counts = { passed: 0, failed: 1, skipped: 0 };
  } finally {
    clearTimeout(timer);
  }
  report(counts);
  process.exit(counts.failed > 0 ? 1 : 0);
}

main();
