// @ts-check
// Runs only the randomized convergence harness (projects/offline-sync-kit/src/reliability) in
// Karma, with its reference server and fault proxy, then updates docs/reliability.md.
//
//   npm run convergence                             200 runs (not in `npm test` yet: issue 10)
//   npm run convergence -- --seed 123456          one seed again (what a failure prints)
//   npm run convergence -- --runs 50 [--actions 80] [--seed N]
//   npm run soak                                    5,000 runs (`--runs 5000`)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';
import { ensureChromium, ensureDependencies, root } from '../setup.mjs';
import { writeReliabilityReport } from './report.mjs';

const args = process.argv.slice(2);
const env = { ...process.env, NG_CLI_ANALYTICS: 'false', CI: 'true' };
for (let i = 0; i < args.length; i++) {
  const value = args[i + 1];
  if (args[i] === '--seed' && value) env.CONVERGENCE_SEED = value;
  else if (args[i] === '--runs' && value) env.CONVERGENCE_RUNS = value;
  else if (args[i] === '--actions' && value) env.CONVERGENCE_ACTIONS = value;
  else throw new Error(`unknown option ${args[i]} (use --seed N, --runs N, --actions N)`);
  i++;
}
// One seed given and no run count: that seed alone; nothing given: the size issue 10 asks of CI.
if (!args.includes('--runs')) env.CONVERGENCE_RUNS = env.CONVERGENCE_SEED ? '1' : '200';

ensureDependencies();
env.CHROME_BIN = ensureChromium();
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
