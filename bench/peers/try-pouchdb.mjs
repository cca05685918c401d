/**
 * Smoke run of the PouchDB peer (`bench/peers/pouchdb.entry.ts`): for each size N it starts the
 * CouchDB-protocol server (`bench/peers/pouchdb-server.mjs`), seeds its `todos` with N records,
 * serves a page with the bundle and calls every `globalThis.pouchdbBench` function in headless
 * Chromium, printing the times. Not part of CI or `npm run bench`.
 *
 *   node --import tsx bench/peers/try-pouchdb.mjs          # N = 100 and 5,000, 3 runs each
 *   node --import tsx bench/peers/try-pouchdb.mjs 1000 2   # N = 1,000, 2 runs
 */
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import {
  bundleForBrowser,
  forwardPageLogs,
  launchChromium,
  servePage,
} from '../../scripts/browser-harness.mjs';
import { benchTodos } from '../app/src/bench-todo.ts';
import { startCouchServer } from './pouchdb-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sizes = process.argv[2] ? [Number(process.argv[2])] : [100, 5_000];
const runs = Number(process.argv[3] ?? 3);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const format = (values) =>
  `median ${median(values).toFixed(0)} ms  (${values.map((v) => v.toFixed(0)).join(', ')})`;

async function main() {
  const { code } = await bundleForBrowser(join(root, 'bench/peers/pouchdb.entry.ts'));
  console.log(`bundle: ${(code.length / 1024).toFixed(0)} KiB`);
  const page$ = await servePage(code, { title: 'pouchdb peer' });
  const browser = await launchChromium({ executablePath: '/usr/bin/chromium' });
  forwardPageLogs(browser.page, { types: ['warning'] });
  // Every first replication asks for its checkpoint (`_local/…`), which answers 404 by design:
  // Chromium logs that as an error, so those are left out.
  browser.page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 404/.test(message.text())) {
      console.error(`  [page] ${message.text()}`);
    }
  });
  try {
    const { page } = browser;
    await page.goto(page$.url);
    await page.waitForFunction(() => typeof globalThis.pouchdbBench === 'object');
    const version = await page.evaluate(() => globalThis.pouchdbBench.version);
    const call = (name, options) =>
      page.evaluate(([name, options]) => globalThis.pouchdbBench[name](options), [name, options]);
    for (const n of sizes) {
      const couch = await startCouchServer();
      try {
        await couch.seed(benchTodos(n, 'server'));
        console.log(`\nN = ${n} (PouchDB ${version}, Chromium ${browser.version})`);
        const times = { burstWrite: [], coldStart: [], pull100: [], pull1000: [] };
        // Run 0 is a warm-up (JIT, IndexedDB first use) and not reported.
        for (let run = 0; run <= runs; run++) {
          const id = `${n}-${run}`;
          const burst = await call('burstWrite', { dbName: `burst-${id}`, n, prefix: `b${run}` });
          await call('remove', { dbName: `burst-${id}` });
          await call('seed', { dbName: `cold-${id}`, n, prefix: `c${run}` });
          const cold = await call('coldStart', { dbName: `cold-${id}`, n });
          await call('remove', { dbName: `cold-${id}` });
          const pull = (pageSize) =>
            call('initialPull', {
              dbName: `pull${pageSize}-${id}`,
              n,
              apiUrl: couch.url,
              pageSize,
            });
          const pull100 = await pull(100);
          const pull1000 = await pull(1000);
          if (run === 0) continue;
          times.burstWrite.push(burst);
          times.coldStart.push(cold);
          times.pull100.push(pull100);
          times.pull1000.push(pull1000);
        }
        for (const [name, values] of Object.entries(times)) {
          console.log(`  ${name.padEnd(10)} ${format(values)}`);
        }
      } finally {
        await couch.stop();
      }
    }
  } finally {
    await browser.close();
    await page$.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
