/**
 * Writes `{"suite":"server","passed":N,"failed":N,"skipped":N}` to the file named by
 * TEST_SUMMARY_FILE when the run ends, for the test orchestration to read. Pending and
 * excluded specs count as skipped; an error in a beforeAll/afterAll (which fails the run
 * without failing a spec) counts as one failure, so the summary never says 0 failed for a
 * failed run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const counts = { passed: 0, failed: 0, skipped: 0 };

jasmine.getEnv().addReporter({
  specDone(result) {
    if (result.status === 'passed') counts.passed += 1;
    else if (result.status === 'failed') counts.failed += 1;
    else counts.skipped += 1;
  },
  suiteDone(result) {
    if (result.failedExpectations.length > 0) counts.failed += 1;
  },
  jasmineDone(result) {
    if (result.failedExpectations.length > 0) counts.failed += 1;
    const file = process.env['TEST_SUMMARY_FILE'];
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ suite: 'server', ...counts }) + '\n');
  },
});
