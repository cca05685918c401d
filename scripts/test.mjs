// `npm test`: every test suite of the workspace, one after another (the demo's end-to-end tests
// last, against its production build), then one summary line
// `N passed, N failed, N skipped` (what CI reads). Exits non-zero if anything failed or did not report.
// The library's Karma run starts the reference sync server and its fault proxy for its integration
// specs itself (the `sync-server` framework in scripts/karma-shared.cjs) and stops them when it ends.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium, ensureDependencies, root, run } from './setup.mjs';
import { writeReliabilityReport } from './reliability/report.mjs';

ensureDependencies();
const chrome = ensureChromium();
const env = { ...process.env, CHROME_BIN: chrome, NG_CLI_ANALYTICS: 'false' };
// These point the library's specs at servers started by hand; `npm test` always starts its own.
for (const name of ['SYNC_SERVER_URL', 'SYNC_PROXY_URL', 'SYNC_PROXY_CONTROL_URL']) {
  delete env[name];
}
const ng = join(root, 'node_modules', '.bin', 'ng');
const resultsDir = join(root, '.test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

/** Each suite writes its counts to its summary file; a suite that writes none has crashed. */
const suites = [
  { name: 'sync-server', command: 'npm', args: ['run', '--silent', 'test:server'] },
  { name: 'offline-sync-kit', command: ng, args: ['test', 'offline-sync-kit', '--watch=false'] },
  // The randomized convergence harness at the size issue 10 asks of CI (200 runs, ~5 minutes),
  // in a browser of its own: after the other specs it ran several times slower.
  {
    name: 'convergence',
    command: process.execPath,
    args: ['scripts/reliability/convergence.mjs', '--runs', '200'],
  },
  // The storage layer with native async/await, as zoneless apps ship it (Karma downlevels it).
  {
    name: 'offline-sync-kit (native async)',
    command: process.execPath,
    args: ['scripts/native-async/run.mjs'],
  },
  // Reloads, renderer crashes and closed tabs during writes and pushes; a used-up storage quota.
  {
    name: 'reliability (browser faults)',
    command: process.execPath,
    args: ['--import', 'tsx', 'scripts/reliability/browser-faults.mjs'],
  },
  { name: 'library build', build: [ng, ['build', 'offline-sync-kit']] },
  { name: 'offline-sync-kit (node)', command: 'npm', args: ['run', '--silent', 'test:lib:node'] },
  { name: 'demo', command: ng, args: ['test', 'demo', '--watch=false'] },
  // The production build (service worker included) that the end-to-end tests load.
  { name: 'demo build', build: [ng, ['build', 'demo', '--configuration', 'production']] },
  // Fresh sync server + demo server (scripts/demo-server.mjs) + Chromium devices: e2e/run.mjs.
  { name: 'e2e', command: process.execPath, args: ['e2e/run.mjs'] },
];

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const suite of suites) {
  console.log(`\n=== ${suite.name} ===`);
  if (suite.build) {
    try {
      run(suite.build[0], suite.build[1], { env });
    } catch (error) {
      console.error(`[test] ${suite.name} failed: ${error.message}`);
      totals.failed++;
      break; // later suites need the build
    }
    continue;
  }
  const summaryFile = join(resultsDir, `${suite.name.replace(/\W+/g, '-')}.json`);
  const result = spawnSync(suite.command, suite.args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...env, ...suite.env, TEST_SUMMARY_FILE: summaryFile, TEST_SUITE_NAME: suite.name },
  });
  const counts = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : null;
  if (!counts) {
    console.error(
      `[test] ${suite.name} ended (${result.error?.message ?? `exit ${result.status ?? result.signal}`}) ` +
        'without reporting results'
    );
    totals.failed++;
    continue;
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  if (result.status !== 0 && counts.failed === 0) {
    console.error(
      `[test] ${suite.name} exited with ${result.status ?? result.signal} although no spec failed`
    );
    totals.failed++;
  }
}

// docs/reliability.md from the figures the reliability tests wrote in this run.
await writeReliabilityReport();
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
