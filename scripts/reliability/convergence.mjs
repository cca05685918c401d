// @ts-check
// Runs only the randomized convergence harness (projects/offline-sync-kit/src/reliability) in
// Karma, with its reference server and fault proxy, then updates docs/reliability.md.
//
//   npm run convergence                             200 runs (as in `npm test`)
//   npm run convergence -- --seed 123456          one seed again (what a failure prints)
//   npm run convergence -- --runs 50 [--actions 80] [--seed N]
//   npm run soak                                    5,000 runs (`--runs 5000`)
//
// `npm test` runs it as a suite of its own, in Karma runs of its own (a fresh browser every
// BATCH runs): after the other specs, or after a few hundred runs, a page got several times
// slower. Prints and writes ($TEST_SUMMARY_FILE) the counts of all batches together.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { ensureChromium, ensureDependencies, root } from '../setup.mjs';
import { reportTestSummary } from '../test-summary.cjs';
import { FIGURES_DIR, recordReliabilityFigures } from './figures.cjs';
import { writeReliabilityReport } from './report.mjs';

/**
 * Runs per browser: a page that has hosted a few hundred of the harness's apps slows down (and
 * once lost its browser), so each batch gets a fresh Karma run.
 */
const BATCH = 50;

const OPTIONS = {
  '--seed': 'CONVERGENCE_SEED',
  '--runs': 'CONVERGENCE_RUNS',
  '--actions': 'CONVERGENCE_ACTIONS',
};
const args = process.argv.slice(2);
const env = { ...process.env, NG_CLI_ANALYTICS: 'false', CI: 'true' };
for (let i = 0; i < args.length; i += 2) {
  const [name, value] = [args[i], args[i + 1]];
  const variable = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : null;
  if (!variable) throw new Error(`unknown option ${name} (use --seed N, --runs N, --actions N)`);
  if (!/^\d+$/.test(value ?? '') || (name !== '--seed' && Number(value) === 0)) {
    throw new Error(
      `${name} needs a whole number${name === '--seed' ? '' : ' above 0'}, not ${value}`
    );
  }
  env[variable] = value;
}
// One seed given and no run count: that seed alone; nothing given: the size issue 10 asks of CI.
const runs = Number(env.CONVERGENCE_RUNS ?? (env.CONVERGENCE_SEED ? 1 : 200));
const firstSeed = Number(env.CONVERGENCE_SEED ?? Math.floor(Math.random() * 1_000_000_000));

ensureDependencies();
env.CHROME_BIN = ensureChromium();
// Only this run's figures reach the report (a replay writes none; see the spec); as a suite of
// `npm test` (which names a summary file) the other suites' figures stay.
if (!process.env.TEST_SUMMARY_FILE) rmSync(FIGURES_DIR, { recursive: true, force: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const work = mkdtempSync(join(tmpdir(), 'osk-convergence-'));
for (let done = 0; done < runs; done += BATCH) {
  const batch = Math.min(BATCH, runs - done);
  const summary = join(work, `batch-${done}.json`);
  const result = spawnSync(
    join(root, 'node_modules', '.bin', 'ng'),
    [
      'test',
      'offline-sync-kit',
      '--watch=false',
      '--include=**/reliability/convergence.integration.spec.ts',
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...env,
        CONVERGENCE_SEED: String(firstSeed + done),
        CONVERGENCE_RUNS: String(batch),
        CONVERGENCE_TOTAL: String(runs),
        TEST_SUMMARY_FILE: summary,
      },
    }
  );
  const counts = existsSync(summary) ? JSON.parse(readFileSync(summary, 'utf8')) : null;
  if (!counts)
    console.error(`[convergence] the batch from seed ${firstSeed + done} did not report`);
  totals.passed += counts?.passed ?? 0;
  totals.failed += counts?.failed ?? 1;
  totals.skipped += counts?.skipped ?? 0;
  if (counts && result.status !== 0 && counts.failed === 0) totals.failed++;
}
rmSync(work, { recursive: true, force: true });
if (runs >= 200) mergeParts(runs, firstSeed);
await writeReliabilityReport();
reportTestSummary(totals, 'convergence');
process.exit(totals.failed > 0 ? 1 : 0);

/**
 * Adds up the figures each batch wrote (`convergence-part-<seed>`) into the command's own entry,
 * `convergence` (CI size) or `convergence-soak`; a batch that wrote none counts as runs failed.
 */
function mergeParts(total, seed) {
  const parts = (existsSync(FIGURES_DIR) ? readdirSync(FIGURES_DIR) : [])
    .filter((name) => name.startsWith('convergence-part-'))
    .map((name) => {
      const path = join(FIGURES_DIR, name);
      const part = JSON.parse(readFileSync(path, 'utf8'));
      rmSync(path);
      return part;
    });
  /** @type {Record<string, number>} */
  const figures = {};
  for (const part of parts) {
    for (const [name, value] of Object.entries(part.figures)) {
      figures[name] = (figures[name] ?? 0) + Number(value);
    }
  }
  const missing = total - (figures.runs ?? 0);
  figures['runs failed'] = (figures['runs failed'] ?? 0) + Math.max(0, missing);
  const soak = total >= 1000;
  recordReliabilityFigures({
    id: soak ? 'convergence-soak' : 'convergence',
    title:
      'Randomized convergence with faults (proxy + reloads + offline + strategy changes + encryption)',
    size: `${total} runs × 3 clients × ${env.CONVERGENCE_ACTIONS ?? 50} actions, seeds ${seed}–${seed + total - 1}, ${BATCH} per browser`,
    command: soak ? 'npm run soak' : 'npm test, npm run convergence',
    figures,
    passed: missing === 0 && parts.every((part) => part.passed),
  });
}
