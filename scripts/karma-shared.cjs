// Karma settings shared by the library and the demo: headless Debian Chromium as root, loopback
// only, and a summary reporter whose counts the test orchestrator (scripts/test.mjs) adds up.
const fs = require('node:fs');
const path = require('node:path');

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Prints `N passed, N failed, N skipped` and writes it to $TEST_SUMMARY_FILE as JSON. */
function SummaryReporter(baseReporterDecorator, config) {
  baseReporterDecorator(this);
  // The progress/dots reporter already prints browser console lines and errors.
  this.onBrowserLog = () => undefined;
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
    const line = `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`;
    process.stdout.write(`\n[${config.summaryName}] ${line}\n`);
    const file = process.env.TEST_SUMMARY_FILE;
    if (file) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify({ suite: config.summaryName, ...counts }));
    }
  };
}
SummaryReporter.$inject = ['baseReporterDecorator', 'config'];

/**
 * @param {import('karma').Config} config
 * @param {{ name: string, coverageDir: string }} project
 */
module.exports = function applySharedKarmaConfig(config, project) {
  process.env.CHROME_BIN ||= '/usr/bin/chromium';
  config.set({
    basePath: '',
    frameworks: ['jasmine'],
    plugins: [
      require('karma-jasmine'),
      require('karma-chrome-launcher'),
      require('karma-jasmine-html-reporter'),
      require('karma-coverage'),
      { 'reporter:summary': ['type', SummaryReporter] },
    ],
    client: { jasmine: { random: true, timeoutInterval: 20000 }, clearContext: false },
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
