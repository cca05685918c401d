// @ts-check
// Statistics of benchmark samples: medians over runs, percentiles within a run.

/**
 * Median, min and max of the per-run values (the table's "median [min–max]").
 *
 * @param {number[]} values
 * @returns {{ median: number, min: number, max: number, runs: number, values: number[] }}
 * @example
 *   summarize([3, 1, 2]); // { median: 2, min: 1, max: 3, runs: 3, values: [3, 1, 2] }
 */
export function summarize(values) {
  if (values.length === 0) throw new Error('no samples to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? /** @type {number} */ (sorted[middle])
      : /** @type {number} */ (sorted[middle - 1] + /** @type {number} */ (sorted[middle])) / 2;
  return {
    median,
    min: /** @type {number} */ (sorted[0]),
    max: /** @type {number} */ (sorted[sorted.length - 1]),
    runs: values.length,
    values,
  };
}

/**
 * The nearest-rank percentile `p` (0–100) of one run's samples.
 *
 * @param {number[]} samples
 * @param {number} p
 * @example
 *   percentile([5, 1, 3, 2, 4], 50); // 3
 */
export function percentile(samples, p) {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return /** @type {number} */ (sorted[rank - 1]);
}

/**
 * Records per second of `n` records done in `ms`.
 *
 * @param {number} n
 * @param {number} ms
 * @example
 *   perSecond(5_000, 250); // 20000
 */
export function perSecond(n, ms) {
  return (n * 1000) / ms;
}
