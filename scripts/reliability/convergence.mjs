// @ts-check
// Runs only the randomized convergence harness (projects/offline-sync-kit/src/reliability) in
// Karma, with its reference server and fault proxy, then updates docs/reliability.md.
//
//   npm run convergence                             200 runs (as in `npm test`)
//   npm run convergence -- --seed 123456          one seed again (what a failure prints)
//   npm run convergence -- --runs 50 [--actions 80] [--seed N]
//   npm run soak                                    5,000 runs (`--runs 5000`)
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { ensureChromium, ensureDependencies, root } from '../setup.mjs';
import { FIGURES_DIR } from './figures.cjs';
import { writeReliabilityReport } from './report.mjs';

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
if (!args.includes('--runs')) env.CONVERGENCE_RUNS = env.CONVERGENCE_SEED ? '1' : '200';

ensureDependencies();
env.CHROME_BIN = ensureChromium();
// Only this run's figures reach the report (a replay writes none; see the spec).
rmSync(FIGURES_DIR, { recursive: true, force: true });
const result = spawnSync(
  join(root, 'node_modules', '.bin', 'ng'),
  [
    'test',
    'offline-sync-kit',
    '--watch=false',
    '--include=**/reliability/convergence.integration.spec.ts',
  ],
  { cwd: root, stdio: 'inherit', env }
);
writeReliabilityReport();
process.exit(result.status ?? 1);
