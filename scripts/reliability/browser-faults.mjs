// @ts-check
// Browser faults of issue 10 (part of `npm test`): the kit in a real page of headless Chromium,
// syncing with a fresh reference server, while the tab is reloaded, crashed or closed mid-write and
// mid-push (lab/crash-writes.mjs), and while the site's storage quota runs out (lab/quota.mjs).
// Bundles lab/lab.entry.ts with esbuild (native async/await, Angular JIT), serves it from
// 127.0.0.1, runs each test in a fresh browser profile, prints `✓ name` / `✗ name` with the
// violations, writes the figures for docs/reliability.md and `N passed, N failed, 0 skipped` for
// scripts/test.mjs, and exits 1 when anything failed.
//
//   node --import tsx scripts/reliability/browser-faults.mjs                # both tests
//   node --import tsx scripts/reliability/browser-faults.mjs --seed 123     # replay a crash run
//   node --import tsx scripts/reliability/browser-faults.mjs --only quota   # tests whose id has it
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import {
  bundleForBrowser,
  forwardPageLogs,
  launchChromium,
  servePage,
} from '../browser-harness.mjs';
import { ensureChromium } from '../setup.mjs';
import { startSyncServerProcess } from '../sync-server-process.mjs';
import { reportTestSummary } from '../test-summary.cjs';
import { recordReliabilityFigures } from './figures.cjs';
import { crashWrites } from './lab/crash-writes.mjs';
import { LabTab } from './lab/lab-tab.mjs';
import { quotaExceeded } from './lab/quota.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** Writes of the crash test, as issue 10 asks. */
const CRASH_WRITES = 1000;
/** Per test; a run normally takes well under a minute. */
const TEST_TIMEOUT_MS = 240_000;

/** The value after `--name` on the command line, or undefined. */
function option(/** @type {string} */ name) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}
const seed = Number(option('--seed') ?? Math.floor(Math.random() * 1_000_000_000));
if (!Number.isSafeInteger(seed)) throw new Error('--seed needs a whole number');
const only = option('--only');

/**
 * @typedef {{ id: string, title: string, size: string,
 *   run: (tab: LabTab, serverUrl: string) => Promise<{ figures: Record<string, number>, violations: string[] }> }} BrowserFaultTest
 */

/** @type {BrowserFaultTest[]} */
const tests = [
  {
    id: 'browser-crash-writes',
    title: 'Crash: reload, renderer crash or closed tab at random points during writes and pushes',
    size: `${CRASH_WRITES.toLocaleString('en-US')} writes, seed ${seed}`,
    run: (tab, serverUrl) => crashWrites(tab, { writes: CRASH_WRITES, seed, serverUrl }),
  },
  {
    id: 'browser-quota-exceeded',
    title: 'Quota exceeded (Chromium storage quota lowered through the DevTools protocol)',
    size: 'writes of ~8 KB until the quota is used up, then sync',
    run: (tab, serverUrl) => quotaExceeded(tab, { serverUrl }),
  },
];

async function main() {
  const { code } = await bundleForBrowser(join(here, 'lab', 'lab.entry.ts'));
  const page = await servePage(code, { title: 'offline-sync-kit browser-fault lab' });
  const dir = mkdtempSync(join(tmpdir(), 'osk-browser-faults-'));
  const server = await startSyncServerProcess({ db: join(dir, 'sync.sqlite'), logLevel: 'warn' });
  const counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    for (const test of tests.filter((t) => !only || t.id.includes(only))) {
      const passed = await runOne(test, page.url, server.url);
      counts[passed ? 'passed' : 'failed']++;
    }
  } finally {
    await server.stop();
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return counts;
}

/** Runs one test in a fresh profile; prints and records its figures; answers whether it passed. */
async function runOne(
  /** @type {BrowserFaultTest} */ test,
  /** @type {string} */ url,
  /** @type {string} */ serverUrl
) {
  const started = Date.now();
  const browser = await launchChromium({ executablePath: ensureChromium() });
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  try {
    forwardPageLogs(browser.page, { types: ['error'] });
    const tab = await LabTab.open(browser.page, url);
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${TEST_TIMEOUT_MS / 1000} s`)),
        TEST_TIMEOUT_MS
      );
    });
    const { figures, violations } = await Promise.race([test.run(tab, serverUrl), timeout]);
    const passed = violations.length === 0;
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    console.log(`${passed ? '✓' : '✗'} ${test.title} (${took}) ${JSON.stringify(figures)}`);
    for (const violation of violations.slice(0, 30)) console.log(`    ${violation}`);
    if (!passed && test.id === 'browser-crash-writes') {
      console.log(
        `    replay: node --import tsx scripts/reliability/browser-faults.mjs --seed ${seed}`
      );
    }
    const command = 'npm test (node --import tsx scripts/reliability/browser-faults.mjs)';
    recordReliabilityFigures({
      id: test.id,
      title: test.title,
      size: test.size,
      command,
      figures,
      passed,
    });
    return passed;
  } catch (error) {
    console.log(`✗ ${test.title}: ${/** @type {Error} */ (error)?.stack ?? error}`);
    return false;
  } finally {
    clearTimeout(timer);
    await browser.close().catch(() => undefined);
  }
}

main().then(
  (counts) => {
    reportTestSummary(counts, 'reliability (browser faults)');
    process.exit(counts.failed > 0 ? 1 : 0);
  },
  (error) => {
    // The harness itself broke (bundle, server, browser): one failure, never 0.
    console.error(`✗ scripts/reliability/browser-faults.mjs: ${error?.stack ?? error}`);
    reportTestSummary({ passed: 0, failed: 1, skipped: 0 }, 'reliability (browser faults)');
    process.exit(1);
  }
);
