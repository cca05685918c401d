// How every test suite of `npm test` reports: the line `[suite] N passed, N failed, N skipped`,
// and the same counts as JSON in $TEST_SUMMARY_FILE, which scripts/test.mjs adds up (a suite that
// writes none has crashed). CommonJS, so Karma's config can require it too.
const fs = require('node:fs');
const path = require('node:path');

/**
 * Prints a suite's counts and writes them for scripts/test.mjs. The suite is named by
 * $TEST_SUITE_NAME when scripts/test.mjs runs it, else by `name`.
 *
 * @example
 * reportTestSummary({ passed: 3, failed: 0, skipped: 0 }, 'e2e');
 */
exports.reportTestSummary = function reportTestSummary(counts, name) {
  const { passed, failed, skipped } = counts;
  const suite = process.env.TEST_SUITE_NAME ?? name;
  process.stdout.write(`\n[${suite}] ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  const file = process.env.TEST_SUMMARY_FILE;
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ passed, failed, skipped }) + '\n');
};
