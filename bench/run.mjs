// @ts-check
/**
 * `npm run bench`: every scenario of BENCHMARKS.md in headless Chromium (playwright-core, Debian's
 * Chromium) against the reference server on loopback, each figure next to a baseline measured in
 * the same run (raw Dexie, raw fetch, raw WebSocket) and, for scenarios 1, 3 and 5, a peer
 * (RxDB, PouchDB). Prints one table, writes `bench/results/latest.json` and the table of BENCHMARKS.md.
 *
 * The kit runs as an app ships it: the `bench` Angular application (bench/app, AOT, zoneless,
 * production build) calls the public API only. The page is served with the reference server
 * behind `/api` (scripts/demo-server.mjs), as the demo is, on a throw-away on-disk profile.
 *
 * Never part of a build: missed targets are reported, not failed. It exits 1 only when the
 * harness itself broke (a scenario, or one of its variants, a peer's included, could not run),
 * which is what the CI smoke run checks. Quick runs write `bench/results/quick.json`, runs of
 * some scenarios (`--only`) `bench/results/partial.json`; neither touches BENCHMARKS.md.
 *
 *   npm run bench                    # full sizes, 5 runs per scenario (~20 minutes here)
 *   npm run bench -- --quick         # tiny sizes, 2 runs: the harness works (CI)
 *   npm run bench -- --only 1,3 --runs 7
 *   npm run bench -- --no-build      # reuse dist/ from the last build
 *   npm run bench -- --no-peers      # skip RxDB and PouchDB
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { bundleForBrowser, forwardPageLogs } from '../scripts/browser-harness.mjs';
import { ng } from '../scripts/setup.mjs';
import { openBenchSession } from './lib/bench-session.mjs';
import { benchTodos } from './app/src/bench-todo.ts';
import { prettierFormat } from '../scripts/prettier-format.mjs';
import { consoleTable, markdownTable, replaceLatest } from './lib/report.mjs';
import { startCouchServer } from './peers/pouchdb-server.mjs';
import { runScenarios, SEEDED } from './lib/scenarios.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const appRoot = join(root, 'dist', 'bench', 'browser');

/** @type {import('./lib/scenarios.mjs').Sizes} */
const FULL = {
  burst: 5_000,
  single: 500,
  stored: 100_000,
  push: 10_000,
  pull: 100_000,
  realtime: 200,
  mainThread: 20_000,
  batchSize: 100,
  pageSize: 1_000,
};
/** @type {import('./lib/scenarios.mjs').Sizes} */
const QUICK = {
  burst: 200,
  single: 30,
  stored: 1_000,
  push: 300,
  pull: 1_000,
  realtime: 10,
  mainThread: 500,
  batchSize: 100,
  pageSize: 1_000,
};

/**
 * The peers: an entry in bench/peers bundled into the bench app's folder, and its global.
 * RxDB replicates with the reference server; PouchDB speaks CouchDB's protocol, so it pulls from
 * a CouchDB-protocol server seeded with the same records.
 */
const PEERS = [
  { name: 'RxDB', file: 'rxdb', global: 'rxdbBench', couch: false },
  { name: 'PouchDB', file: 'pouchdb', global: 'pouchdbBench', couch: true },
];
const COUCH_NOTE =
  'PouchDB pulls from a CouchDB-protocol server (express-pouchdb over in-memory PouchDB, same ' +
  'records, same machine); the kit, the baseline and RxDB from the reference server.';

function parseArgs(argv) {
  const options = {
    quick: false,
    runs: 5,
    only: /** @type {Set<string> | null} */ (null),
    build: true,
    peers: true,
  };
  let runsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = /** @type {[string, string | undefined]} */ (argv[i].split('=', 2));
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--quick') options.quick = true;
    else if (flag === '--runs') {
      options.runs = Number(value());
      runsGiven = true;
      if (!Number.isInteger(options.runs) || options.runs < 1)
        throw new Error('--runs needs a positive integer');
    } else if (flag === '--only')
      options.only = new Set(
        value()
          .split(',')
          .map((id) => id.trim())
      );
    else if (flag === '--no-build') options.build = false;
    else if (flag === '--no-peers') options.peers = false;
    else
      throw new Error(
        `unknown option ${argv[i]} (use --quick, --runs N, --only 1,3, --no-build, --no-peers)`
      );
  }
  if (options.quick && !runsGiven) options.runs = 2;
  return options;
}

function build(withPeers) {
  console.error('[bench] building the library and the bench app…');
  ng(['build', 'offline-sync-kit']);
  ng(['build', 'bench']);
  return withPeers ? bundlePeers() : Promise.resolve([]);
}

/** Bundles each peer into dist/bench/browser/peers/, beside a page that loads it. */
async function bundlePeers() {
  const bundled = [];
  for (const peer of PEERS) {
    const { code } = await bundleForBrowser(join(here, 'peers', `${peer.file}.entry.ts`));
    await mkdir(join(appRoot, 'peers'), { recursive: true });
    await writeFile(join(appRoot, 'peers', `${peer.file}.js`), code);
    await writeFile(
      join(appRoot, 'peers', `${peer.file}.html`),
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${peer.name}</title></head>` +
        `<body><script src="/peers/${peer.file}.js"></script></body></html>`
    );
    bundled.push(peer);
  }
  return bundled;
}

function machine(chromium) {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium,
    indexedDb: 'on disk (throw-away profile)',
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const sizes = options.quick ? QUICK : FULL;
  const started = Date.now();
  const peers = options.build ? await build(options.peers) : options.peers ? PEERS : [];
  const session = await openBenchSession(appRoot);
  /** @type {Awaited<ReturnType<typeof startCouchServer>> | null} */
  let couch = null;
  try {
    const { page, call, open } = session;
    /** @type {import('./lib/scenarios.mjs').Peer[]} */
    const peerContexts = [];
    for (const setup of peers) {
      const peerPage = await page.context().newPage();
      forwardPageLogs(peerPage, { types: ['error'] });
      await open(peerPage, `/peers/${setup.file}.html`, setup.global);
      let apiUrl = '/api';
      if (setup.couch) {
        couch = await startCouchServer();
        await couch.seed(benchTodos(sizes.pull, 'seed'));
        apiUrl = couch.url;
      }
      peerContexts.push({
        name: setup.name,
        version: await peerPage.evaluate((name) => globalThis[name].version, setup.global),
        apiUrl,
        note: setup.couch ? COUCH_NOTE : undefined,
        call: async (name, args) => {
          await peerPage.bringToFront();
          return peerPage.evaluate(
            ([global, fn, arg]) => globalThis[global][fn](arg),
            [setup.global, name, args]
          );
        },
      });
    }
    const cdp = await page.context().newCDPSession(page);
    const setup = machine(session.version);
    console.error(
      `[bench] ${options.quick ? 'quick' : 'full'} run, ${options.runs} runs, Chromium ${session.version}, ${setup.cpu}`
    );
    console.error(
      `[bench] seeding the server: ${sizes.pull} records in "${SEEDED.pull}", ${sizes.mainThread} in "${SEEDED.mainThread}"`
    );
    await call('seedServer', { endpoint: SEEDED.pull, n: sizes.pull, prefix: 'seed' });
    await call('seedServer', { endpoint: SEEDED.mainThread, n: sizes.mainThread, prefix: 'main' });

    const results = await runScenarios(
      {
        call,
        peers: peerContexts,
        page,
        cdp,
        reload: session.reload,
        runs: options.runs,
        sizes,
        log: (line) => console.error(`  ${line}`),
      },
      options.only
    );
    const peerNames = peerContexts.map((peer) => peer.name);
    const report = {
      generatedAt: new Date().toISOString(),
      mode: options.quick ? 'quick' : 'full',
      runs: options.runs,
      sizes,
      machine: setup,
      peers: Object.fromEntries(peerContexts.map((peer) => [peer.name, peer.version])),
      results,
    };
    console.log('');
    console.log(consoleTable(results, peerNames));
    for (const result of results)
      for (const note of result.notes) console.log(`${result.id}: ${note}`);

    // Only a full run of every scenario is "the latest" (and goes into BENCHMARKS.md).
    const complete = !options.quick && !options.only;
    const resultsFile = join(
      here,
      'results',
      options.quick ? 'quick.json' : complete ? 'latest.json' : 'partial.json'
    );
    await mkdir(dirname(resultsFile), { recursive: true });
    await writeFile(resultsFile, await prettierFormat(JSON.stringify(report), resultsFile));
    if (!options.quick && !options.only)
      await updateBenchmarksMd(report, markdownTable(results, peerNames));
    console.log(
      `\n[bench] wrote ${relative(root, resultsFile)} in ${((Date.now() - started) / 60_000).toFixed(1)} min.`
    );
    const failed = results.filter((result) => result.failed);
    if (failed.length > 0) {
      console.error(
        `[bench] the harness could not run: ${failed.map((r) => `#${r.id}`).join(', ')}`
      );
      process.exitCode = 1;
    }
  } finally {
    await couch?.stop();
    await session.close();
  }
}

async function updateBenchmarksMd(report, table) {
  const file = join(root, 'BENCHMARKS.md');
  const { machine: m, sizes, runs } = report;
  const section = [
    `Measured ${report.generatedAt.slice(0, 10)} on ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ` +
      `Chromium ${m.chromium}, IndexedDB ${m.indexedDb}; ${runs} runs per scenario, median [min–max]` +
      `${
        Object.keys(report.peers).length
          ? `; peers: ${Object.entries(report.peers)
              .map(([name, version]) => `${name} ${version}`)
              .join(', ')}`
          : ''
      }.`,
    `Sizes: ${JSON.stringify(sizes)}.`,
    '',
    table,
  ].join('\n');
  await writeFile(
    file,
    await prettierFormat(replaceLatest(await readFile(file, 'utf8'), section), file)
  );
  console.error('[bench] updated the table in BENCHMARKS.md');
}

main().catch((error) => {
  console.error(`bench/run.mjs: ${error?.stack ?? error}`);
  process.exit(1);
});
