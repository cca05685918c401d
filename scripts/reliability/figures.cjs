// Figures of the reliability suite (issue 10): each test writes what it did and found here, and
// scripts/reliability/report.mjs turns them into docs/reliability.md. Nothing is typed by hand.
// CommonJS, so Karma's reporter (scripts/karma-shared.cjs) can write them synchronously too.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

/** Where the figures of the current run are written (`npm test` empties `.test-results`). */
const FIGURES_DIR = join(__dirname, '..', '..', '.test-results', 'reliability');

/**
 * What one reliability test reports.
 *
 * @typedef {{
 *   id: string,
 *   title: string,
 *   size: string,
 *   command: string,
 *   figures: Record<string, number | string>,
 *   passed: boolean,
 * }} ReliabilityFigures
 */

/**
 * Writes one test's figures for the report, stamped with the time; the same `id` replaces the
 * last ones.
 *
 * @example
 * recordReliabilityFigures({ id: 'server-hostile-requests', title: 'Server: hostile requests',
 *   size: '5,000 requests', command: 'npm run test:server', figures: { requests: 5000, '5xx': 0 },
 *   passed: true });
 *
 * @param {ReliabilityFigures} entry
 */
function recordReliabilityFigures(entry) {
  if (!/^[a-z0-9-]+$/.test(entry.id)) throw new Error(`figures id "${entry.id}": use a-z, 0-9, -`);
  mkdirSync(FIGURES_DIR, { recursive: true });
  const stamped = { ...entry, ranAt: new Date().toISOString() };
  writeFileSync(join(FIGURES_DIR, `${entry.id}.json`), `${JSON.stringify(stamped, null, 2)}\n`);
}

module.exports = { FIGURES_DIR, recordReliabilityFigures };
