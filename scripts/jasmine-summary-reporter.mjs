// Jasmine (Node) helper: prints the suite's counts and writes {"passed":N,"failed":N,"skipped":N} to $TEST_SUMMARY_FILE when the
// run ends, for scripts/test.mjs to add up. Errors outside specs (beforeAll/afterAll) count as a
// failure, so a broken run never reports 0 failed.
import { reportTestSummary } from './test-summary.cjs';

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
    reportTestSummary(counts, 'jasmine');
  },
});
