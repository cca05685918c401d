/**
 * Smoke run of the RxDB peer (`bench/peers/rxdb.entry.ts`) against the real stack: for each size
 * N it starts the reference sync server on a temporary SQLite file, seeds it with N todos
 * through `POST /sync/batch`, serves a page with the bundle and an `/api` proxy to the server
 * (scripts/demo-server.mjs, same origin as the real bench), and calls every `globalThis.rxdbBench`
 * function in headless Chromium, printing the times. Not part of CI or `npm run bench`.
 *
 *   node --import tsx bench/peers/try-rxdb.mjs            # N = 100 and 5,000, 3 runs each
 *   node --import tsx bench/peers/try-rxdb.mjs 1000 2     # N = 1,000, 2 runs
 *
 * tsx is needed for the shared record generator (bench/app/src/bench-todo.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import {
  bundleForBrowser,
  forwardPageLogs,
  launchChromium,
} from '../../scripts/browser-harness.mjs';
import { startDemoServer } from '../../scripts/demo-server.mjs';
import { benchTodos } from '../app/src/bench-todo.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sizes = process.argv[2] ? [Number(process.argv[2])] : [100, 5_000];
const runs = Number(process.argv[3] ?? 3);

/** Starts `projects/sync-server` on a free port; resolves once it prints its URL. */
function startSyncServer(dbPath) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'projects/sync-server/src/cli.ts',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      dbPath,
      '--log-level',
      'warn',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`sync server exited (${code}): ${output}`)));
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const url = /sync-server listening on (\S+)/.exec(output)?.[1];
      if (url) {
        child.removeAllListeners('exit');
        resolve({
          url,
          // Idempotent: the finally block may stop it a second time.
          stop: () =>
            child.exitCode !== null || child.signalCode !== null
              ? Promise.resolve()
              : new Promise((done) => (child.once('exit', done), child.kill('SIGTERM'))),
        });
      }
    });
  });
}

/** Creates N todos on the server, 1,000 per batch (its maximum). */
async function seedServer(url, n, prefix) {
  const todos = benchTodos(n, prefix);
  for (let i = 0; i < todos.length; i += 1000) {
    const mutations = todos.slice(i, i + 1000).map((todo) => ({
      mutationId: `seed-${todo.id}`,
      op: 'create',
      endpoint: 'todos',
      id: todo.id,
      data: todo,
    }));
    const response = await globalThis.fetch(`${url}/sync/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mutations }),
    });
    const { results } = await response.json();
    const failed = results.filter((result) => result.status !== 'applied');
    if (!response.ok || failed.length > 0) {
      throw new Error(`seeding failed: ${response.status} ${JSON.stringify(failed[0])}`);
    }
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const format = (values) =>
  `median ${median(values).toFixed(0)} ms  (${values.map((v) => v.toFixed(0)).join(', ')})`;

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'try-rxdb-'));
  const { code } = await bundleForBrowser(join(root, 'bench/peers/rxdb.entry.ts'));
  console.log(`bundle: ${(code.length / 1024).toFixed(0)} KiB`);
  await writeFile(join(dir, 'rxdb.js'), code);
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script src="/rxdb.js"></script>'
  );
  const browser = await launchChromium({ executablePath: '/usr/bin/chromium' });
  forwardPageLogs(browser.page, { types: ['error', 'warning'] });
  const cleanups = [];
  try {
    for (const n of sizes) {
      const server = await startSyncServer(join(dir, `sync-${n}.sqlite`));
      cleanups.push(server.stop);
      await seedServer(server.url, n, 'server');
      const demo = await startDemoServer({ root: dir, port: 0, syncServerUrl: server.url });
      cleanups.push(demo.close);
      const { page } = browser;
      await page.goto(demo.url);
      await page.waitForFunction(() => typeof globalThis.rxdbBench === 'object');
      const version = await page.evaluate(() => globalThis.rxdbBench.version);
      console.log(`\nN = ${n} (RxDB ${version}, Chromium ${browser.version})`);

      const call = (name, options) =>
        page.evaluate(([name, options]) => globalThis.rxdbBench[name](options), [name, options]);
      const times = { burstWrite: [], coldStart: [], pull100: [], pull1000: [] };
      // Run 0 is a warm-up (JIT, IndexedDB first use) and not reported.
      for (let run = 0; run <= runs; run++) {
        const id = `${n}-${run}`;
        const burst = await call('burstWrite', { dbName: `burst-${id}`, n, prefix: `b${run}` });
        await call('remove', { dbName: `burst-${id}` });
        await call('seed', { dbName: `cold-${id}`, n, prefix: `c${run}` });
        const cold = await call('coldStart', { dbName: `cold-${id}`, n });
        await call('remove', { dbName: `cold-${id}` });
        const pull100 = await call('initialPull', {
          dbName: `pull100-${id}`,
          n,
          apiUrl: '/api',
          pageSize: 100,
        });
        const pull1000 = await call('initialPull', {
          dbName: `pull1000-${id}`,
          n,
          apiUrl: '/api',
          pageSize: 1000,
        });
        if (run === 0) continue;
        times.burstWrite.push(burst);
        times.coldStart.push(cold);
        times.pull100.push(pull100);
        times.pull1000.push(pull1000);
      }
      for (const [name, values] of Object.entries(times))
        console.log(`  ${name.padEnd(10)} ${format(values)}`);
      await demo.close();
      await server.stop();
    }
  } finally {
    await browser.close();
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
