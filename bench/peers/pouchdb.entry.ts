/**
 * Browser side of the PouchDB peer in the sync benchmark: the same scenarios as the kit's and
 * RxDB's, done the idiomatic PouchDB way: `pouchdb-browser` (IndexedDB adapter) and CouchDB
 * replication from a CouchDB-protocol server (`bench/peers/pouchdb-server.mjs`), since PouchDB
 * speaks only that protocol, not the reference server's REST contract.
 *
 * Not run on its own: bundled with `bundleForBrowser()` (scripts/browser-harness.mjs) and driven
 * through `window.pouchdbBench`.
 */
import PouchDB from 'pouchdb-browser';
import { benchTodos, type BenchTodo } from '../app/src/bench-todo';
import { PeerBench, PullOptions, WriteOptions } from './peer-bench';

/** A todo as PouchDB stores it: the id becomes `_id`, the rest stays as it is. */
export type TodoDoc = Omit<BenchTodo, 'id'> & { _id: string };

/**
 * `BenchTodo` → PouchDB document (bench/peers/pouchdb-server.mjs maps the same way).
 *
 * @example
 * toDoc(benchTodo(1, 'x')); // { _id: 'x-000001', title: 'Buy milk #1', … }
 */
export function toDoc({ id, ...rest }: BenchTodo): TodoDoc {
  return { _id: id, ...rest };
}

/** Opens `name` for real: PouchDB opens lazily, and the opening must not be on the clock. */
async function open(name: string): Promise<PouchDB.Database<TodoDoc>> {
  const db = new PouchDB<TodoDoc>(name);
  await db.info();
  return db;
}

async function burstWrite({ dbName, n, prefix }: WriteOptions): Promise<number> {
  const docs = benchTodos(n, prefix).map(toDoc);
  const db = await open(dbName);
  try {
    const start = performance.now();
    await Promise.all(docs.map((doc) => db.put(doc)));
    return performance.now() - start;
  } finally {
    await db.close();
  }
}

async function seed({ dbName, n, prefix }: WriteOptions): Promise<void> {
  const db = await open(dbName);
  try {
    // bulkDocs reports failed documents in its answer instead of throwing.
    const results = await db.bulkDocs(benchTodos(n, prefix).map(toDoc));
    const failed = results.filter((result) => 'error' in result && result.error);
    if (failed.length > 0) throw new Error(`seed: ${failed.length} of ${n} writes failed`);
  } finally {
    await db.close();
  }
}

async function coldStart({ dbName, n }: { dbName: string; n: number }): Promise<number> {
  const start = performance.now();
  const db = new PouchDB<TodoDoc>(dbName);
  try {
    const { rows } = await db.allDocs({ include_docs: true });
    const todos = rows.map((row) => row.doc);
    const elapsed = performance.now() - start;
    if (todos.length !== n) throw new Error(`coldStart: read ${todos.length} documents, not ${n}`);
    return elapsed;
  } finally {
    await db.close();
  }
}

async function initialPull({ dbName, n, apiUrl, pageSize }: PullOptions): Promise<number> {
  const db = await open(dbName);
  try {
    const remote = `${apiUrl.replace(/\/+$/, '')}/todos`;
    const start = performance.now();
    // Two-way like the RxDB peer's replication; not live, so it resolves once both sides
    // have caught up (and rejects on an error instead of retrying forever).
    await db.sync(remote, { batch_size: pageSize });
    const elapsed = performance.now() - start;
    const { doc_count } = await db.info();
    if (doc_count !== n) throw new Error(`initialPull: stored ${doc_count} documents, not ${n}`);
    return elapsed;
  } finally {
    await db.destroy();
  }
}

async function remove({ dbName }: { dbName: string }): Promise<void> {
  await new PouchDB(dbName).destroy();
}

declare global {
  interface Window {
    pouchdbBench: PeerBench;
  }
}

window.pouchdbBench = {
  version: PouchDB.version,
  burstWrite,
  seed,
  coldStart,
  initialPull,
  remove,
};
