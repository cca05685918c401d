// Karma settings shared by the library and the demo: headless Debian Chromium as root, loopback
// only, a summary reporter whose counts the test orchestrator (scripts/test.mjs) adds up, and for
// the library the reference sync server and its fault proxy (the `sync-server` framework below).

const CHROMIUM_FLAGS = require('./chromium-flags.cjs');
const { reportTestSummary } = require('./test-summary.cjs');
const { recordReliabilityFigures } = require('./reliability/figures.cjs');

/** A browser console line carrying a reliability test's figures (see scripts/reliability). */
const FIGURES_PREFIX = '[reliability-figures]';

/**
 * Prints `N passed, N failed, N skipped` and writes it to $TEST_SUMMARY_FILE as JSON; writes the
 * figures reliability specs log (`[reliability-figures] {json}`) for docs/reliability.md.
 */
function SummaryReporter(baseReporterDecorator, config) {
  baseReporterDecorator(this);
  let unwritten = 0;
  // The progress/dots reporter already prints browser console lines and errors.
  this.onBrowserLog = (_browser, log) => {
    const text = String(log);
    if (!text.includes(FIGURES_PREFIX)) return;
    try {
      recordReliabilityFigures(
        JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1))
      );
    } catch (error) {
      console.error(`[reliability] figures not written: ${error.message}`);
      unwritten++;
    }
  };
  this.onBrowserError = () => undefined;
  const counts = { passed: 0, failed: 0, skipped: 0 };
  this.onSpecComplete = (_browser, result) => {
    if (result.skipped || result.pending) counts.skipped++;
    else if (result.success) counts.passed++;
    else counts.failed++;
  };
  this.onRunComplete = (_browsers, results) => {
    // A browser that crashed or a suite that failed to load counts as a failure too.
    if (results.error || results.disconnected) counts.failed = Math.max(counts.failed, 1);
    counts.failed += unwritten;
    reportTestSummary(counts, config.summaryName);
  };
}
SummaryReporter.$inject = ['baseReporterDecorator', 'config'];

/**
 * Karma framework `sync-server`: before the browser starts, runs the reference sync server on a
 * temporary SQLite file and the fault proxy in front of it (scripts/test-servers.mjs, a child
 * process, both on 127.0.0.1 and free ports), and hands their URLs to the page as
 * `__karma__.config.syncServer = { url, proxyUrl, controlUrl, securedUrl, renamedUrl }` (read them with
 * `syncServer()` from projects/offline-sync-kit/src/testing-support/sync-server-under-test.ts).
 * Karma's exit stops both and removes the directory; so does this process ending any other way
 * (the child stops when its stdin closes).
 *
 * With SYNC_SERVER_URL and SYNC_PROXY_URL set (SYNC_PROXY_CONTROL_URL defaults to
 * `${SYNC_PROXY_URL}/__faults`) it starts nothing and passes those on: to run the specs against
 * servers started by hand (`node --import tsx scripts/test-servers.mjs` prints the three URLs).
 */
function SyncServerFramework(config, emitter, logger) {
  const log = logger.create('sync-server');
  const { SYNC_SERVER_URL, SYNC_PROXY_URL, SYNC_PROXY_CONTROL_URL } = process.env;
  if (SYNC_SERVER_URL && SYNC_PROXY_URL) {
    const controlUrl = SYNC_PROXY_CONTROL_URL || `${SYNC_PROXY_URL.replace(/\/+$/, '')}/__faults`;
    config.client.syncServer = { url: SYNC_SERVER_URL, proxyUrl: SYNC_PROXY_URL, controlUrl };
    log.info(`using the sync server at ${SYNC_SERVER_URL}, fault proxy ${SYNC_PROXY_URL}`);
    return undefined;
  }
  // Karma awaits a framework's promise before it starts the web server and the browsers.
  return import('./test-servers.mjs')
    .then(({ startTestServers }) => startTestServers())
    .then((servers) => {
      const { url, proxyUrl, controlUrl, securedUrl, renamedUrl } = servers;
      config.client.syncServer = { url, proxyUrl, controlUrl, securedUrl, renamedUrl };
      emitter.on('exit', (done) => servers.stop().then(() => done()));
      log.info(`reference sync server at ${url}, fault proxy at ${proxyUrl}`);
    })
    .catch((error) => {
      // Karma does not exit when a framework fails; run anyway and let the specs that need the
      // server fail with this reason (syncServer() throws it).
      log.error(error.message);
      config.client.syncServer = { error: error.reason ?? error.message };
    });
}
SyncServerFramework.$inject = ['config', 'emitter', 'logger'];

/** Projects whose specs talk to the reference sync server, unless the project says otherwise. */
const PROJECTS_WITH_SYNC_SERVER = new Set(['offline-sync-kit']);

/**
 * @param {import('karma').Config} config
 * @param {{ name: string, coverageDir: string, syncServer?: boolean }} project `syncServer`:
 *   start the reference sync server and fault proxy for the run (default: for offline-sync-kit).
 */
module.exports = function applySharedKarmaConfig(config, project) {
  process.env.CHROME_BIN ||= '/usr/bin/chromium';
  const syncServer = project.syncServer ?? PROJECTS_WITH_SYNC_SERVER.has(project.name);
  config.set({
    basePath: '',
    frameworks: syncServer ? ['jasmine', 'sync-server'] : ['jasmine'],
    plugins: [
      require('karma-jasmine'),
      require('karma-chrome-launcher'),
      require('karma-jasmine-html-reporter'),
      require('karma-coverage'),
      { 'reporter:summary': ['type', SummaryReporter] },
      { 'framework:sync-server': ['factory', SyncServerFramework] },
    ],
    client: {
      jasmine: { random: true, timeoutInterval: 20000 },
      clearContext: false,
      // The randomized convergence harness (src/reliability): 200 runs in `npm test` and
      // `npm run convergence`, 5,000 in `npm run soak`, none in a plain `ng test` (minutes).
      convergence: {
        runs: Number(process.env.CONVERGENCE_RUNS ?? 0),
        total: Number(process.env.CONVERGENCE_TOTAL ?? process.env.CONVERGENCE_RUNS ?? 0),
        seed: process.env.CONVERGENCE_SEED ? Number(process.env.CONVERGENCE_SEED) : null,
        actions: Number(process.env.CONVERGENCE_ACTIONS ?? 50),
      },
    },
    jasmineHtmlReporter: { suppressAll: true },
    coverageReporter: {
      dir: project.coverageDir,
      subdir: '.',
      reporters: [{ type: 'html' }, { type: 'text-summary' }],
    },
    summaryName: project.name,
    reporters: [process.env.CI ? 'dots' : 'progress', 'summary'],
    colors: !process.env.CI,
    listenAddress: '127.0.0.1',
    hostname: '127.0.0.1',
    customLaunchers: {
      ChromiumHeadlessCI: { base: 'ChromeHeadless', flags: CHROMIUM_FLAGS },
    },
    browsers: ['ChromiumHeadlessCI'],
    browserNoActivityTimeout: 120000,
    browserDisconnectTimeout: 30000,
    captureTimeout: 120000,
    restartOnFileChange: true,
  });
};
