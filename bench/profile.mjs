// @ts-check
/**
 * Where a scenario spends its time: runs one function of the bench app under Chromium's CPU
 * profiler and prints the functions with the most self time, mapped to the kit's (and its
 * dependencies') sources through the build's source map. How the misses of BENCHMARKS.md were
 * found; run it before and after a change that is meant to make something faster.
 *
 *   npm run bench:profile -- burstWrite '{"variant":"kit","n":5000,"run":"p"}'
 *   npm run bench:profile -- pull '{"variant":"kit","n":20000,"run":"p","endpoint":"todos","batchSize":1000}' --seed 20000
 *   npm run bench:profile -- push '{"variant":"kit","n":5000,"run":"p","endpoint":"push-p","batchSize":100}' --no-build
 *
 *   npm run bench:profile -- coldStart '{"variant":"kitEncrypted","n":20000,"databaseName":"$before"}' --seed 20000 \
 *     --before pull '{"variant":"kitEncrypted","n":20000,"run":"s","endpoint":"todos","batchSize":1000,"keep":true}' \
 *     --before pulledDatabase '{"variant":"kitEncrypted","n":20000,"run":"s","endpoint":"todos","keep":true}'
 *
 * `--seed N` first puts N records into the server's `todos` collection; `--before F JSON` calls F
 * first, unprofiled (repeatable, in order; an argument `"$before"` takes the last one's result);
 * `--top K` prints K rows.
 * Builds the bench app (production, with source maps) into dist/bench-profile unless --no-build.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { SourceMapConsumer } from 'source-map-js';
import { ng } from '../scripts/setup.mjs';
import { openBenchSession } from './lib/bench-session.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputPath = join(root, 'dist', 'bench-profile');

function parseArgs(argv) {
  const [scenario, json = '{}', ...flags] = argv;
  if (!scenario)
    throw new Error(
      'usage: npm run bench:profile -- <function> [json args] [--seed N] [--before F JSON] [--top K] [--no-build]'
    );
  const options = {
    scenario,
    args: JSON.parse(json),
    seed: 0,
    top: 25,
    build: true,
    /** @type {{ scenario: string, args: Record<string, unknown> }[]} */
    before: [],
  };
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === '--seed') options.seed = Number(flags[++i]);
    else if (flags[i] === '--top') options.top = Number(flags[++i]);
    else if (flags[i] === '--no-build') options.build = false;
    else if (flags[i] === '--before')
      options.before.push({ scenario: flags[++i] ?? '', args: JSON.parse(flags[++i] ?? '{}') });
    else throw new Error(`unknown option ${flags[i]}`);
  }
  return options;
}

/** Self time per function (µs), keyed by `name source:line` from the source map. */
function selfTimes(profile, map) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  /** @type {Map<string, number>} */
  const times = new Map();
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id).callFrame;
    let key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}`;
    if (frame.lineNumber >= 0 && frame.url.endsWith('.js')) {
      const original = map.originalPositionFor({
        line: frame.lineNumber + 1,
        column: frame.columnNumber,
      });
      if (original.source) {
        key = `${original.name ?? frame.functionName} ${original.source.split('node_modules/').pop()}:${original.line}`;
      }
    }
    times.set(key, (times.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return times;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.build) {
    ng(['build', 'offline-sync-kit']);
    ng(['build', 'bench', '--source-map', '--output-path', outputPath]);
  }
  const appRoot = join(outputPath, 'browser');
  const map = new SourceMapConsumer(JSON.parse(readFileSync(join(appRoot, 'main.js.map'), 'utf8')));
  const session = await openBenchSession(appRoot);
  try {
    if (options.seed > 0)
      await session.call('seedServer', { endpoint: 'todos', n: options.seed, prefix: 'seed' });
    let before;
    for (const step of options.before) before = await session.call(step.scenario, step.args);
    const args = Object.fromEntries(
      Object.entries(options.args).map(([key, value]) => [
        key,
        value === '$before' ? before : value,
      ])
    );
    const cdp = await session.page.context().newCDPSession(session.page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const result = await session.call(options.scenario, args);
    const { profile } = await cdp.send('Profiler.stop');
    const times = selfTimes(profile, map);
    const total = [...times.values()].reduce((sum, us) => sum + us, 0);
    console.log(`${options.scenario} → ${JSON.stringify(result).slice(0, 120)}`);
    console.log(`profiled ${(total / 1000).toFixed(0)} ms; self time by function:`);
    for (const [key, us] of [...times].sort((a, b) => b[1] - a[1]).slice(0, options.top)) {
      console.log(`${(us / 1000).toFixed(1).padStart(9)} ms  ${key}`);
    }
  } finally {
    await session.close();
  }
}

main().catch((error) => {
  console.error(`bench/profile.mjs: ${error?.stack ?? error}`);
  process.exit(1);
});
