/**
 * A CouchDB-protocol server for the PouchDB peer (`bench/peers/pouchdb.entry.ts`), in this
 * process: express-pouchdb ("minimumForPouchDB" routes: what PouchDB replication uses) over
 * in-memory PouchDB databases, on 127.0.0.1 and a free port. CORS is open, since the bench page
 * is served from another origin.
 *
 *   const couch = await startCouchServer();
 *   await couch.seed(benchTodos(5_000, 'server')); // into `${couch.url}/todos`
 *   // page: pouchdbBench.initialPull({ apiUrl: couch.url, … })
 *   await couch.stop();
 */
import { createServer } from 'node:http';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb-core';
import memoryAdapter from 'pouchdb-adapter-memory';

/** The database the page replicates: `${url}/todos`, as the sync server's endpoint. */
const DB_NAME = 'todos';
/** memdown keeps one global store per name: a prefix per server keeps servers apart. */
let serverCount = 0;

/**
 * Starts a CouchDB-protocol server with an empty `todos` database.
 *
 * @returns {Promise<{ url: string, seed: (records: Array<{ id: string }>) => Promise<void>,
 *   stop: () => Promise<void> }>} `url`: the server root, without a trailing slash;
 *   `seed(records)` writes bench records (`id` becomes `_id`) into `todos`; `stop()` closes the
 *   server and drops its databases.
 */
export async function startCouchServer() {
  const MemoryPouchDB = PouchDB.plugin(memoryAdapter).defaults({
    adapter: 'memory',
    prefix: `couch-${++serverCount}-`,
  });
  // inMemoryConfig: express-pouchdb would otherwise write config.json into the cwd.
  const app = expressPouchDB(MemoryPouchDB, { mode: 'minimumForPouchDB', inMemoryConfig: true });
  const todos = new MemoryPouchDB(DB_NAME);
  await todos.info();

  const server = createServer((request, response) => {
    response.setHeader('access-control-allow-origin', request.headers.origin ?? '*');
    response.setHeader('access-control-allow-credentials', 'true');
    response.setHeader('access-control-allow-methods', 'GET, HEAD, POST, PUT, DELETE, OPTIONS');
    response.setHeader(
      'access-control-allow-headers',
      request.headers['access-control-request-headers'] ?? 'content-type'
    );
    if (request.method === 'OPTIONS') {
      response.writeHead(204).end();
      return;
    }
    app(request, response);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

  let stopped = false;
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    async seed(records) {
      // bulkDocs takes any number; chunks keep each write's memory use small.
      for (let i = 0; i < records.length; i += 1000) {
        const docs = records.slice(i, i + 1000).map(({ id, ...rest }) => ({ _id: id, ...rest }));
        const failed = (await todos.bulkDocs(docs)).filter((result) => result.error);
        if (failed.length > 0) throw new Error(`seed: ${JSON.stringify(failed[0])}`);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      await todos.destroy();
    },
  };
}
