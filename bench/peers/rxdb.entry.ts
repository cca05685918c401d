/**
 * Browser side of the RxDB peer in the sync benchmark: the same scenarios as the kit's, done the
 * idiomatic RxDB way with its free storage (Dexie.js on IndexedDB) and its HTTP replication
 * primitives (`replicateRxCollection`), whose pull and push handlers speak the reference
 * server's REST contract (`GET /todos?cursor=&limit=`, `POST /sync/batch`).
 *
 * Production mode: no dev-mode plugin and no schema validator, as an app ships RxDB.
 *
 * Not run on its own: bundled with `bundleForBrowser()` (scripts/browser-harness.mjs), loaded in
 * a page served from the sync server's origin (API under `/api`), driven through
 * `window.rxdbBench`.
 */
import {
  createRxDatabase,
  removeRxDatabase,
  RXDB_VERSION,
  type RxCollection,
  type RxDatabase,
  type RxJsonSchema,
  type RxReplicationWriteToMasterRow,
  type WithDeleted,
} from 'rxdb';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { Subject } from 'rxjs';
import { benchTodos, type BenchTodo } from '../app/src/bench-todo';
import { PeerBench, PullOptions, WriteOptions } from './peer-bench';

/** A todo as RxDB stores it: the bench record plus the server's fields once it has synced. */
export type RxTodo = BenchTodo & { version?: number; updatedAt?: string };

/** The benchmark's database: one collection of todos. */
export type TodoDatabase = RxDatabase<{ todos: RxCollection<RxTodo> }>;

/** A change-feed entry of the reference server: a record or a tombstone. */
type ServerEntry =
  | (BenchTodo & { version: number; updatedAt: string; deleted?: undefined })
  | { id: string; deleted: true; version: number; updatedAt: string };

/** `GET /{endpoint}?cursor=&limit=`. */
interface ChangesPage {
  items: ServerEntry[];
  cursor: string;
  hasMore: boolean;
}

/** One result of `POST /sync/batch`, in the order of the mutations. */
type BatchResult =
  | { mutationId: string | null; status: 'applied'; record: ServerEntry }
  | { mutationId: string | null; status: 'conflict'; current: ServerEntry }
  | { mutationId: string | null; status: 'rejected'; error: { code: string; message: string } };

/** The replication checkpoint: the server's opaque change-feed cursor. */
interface Checkpoint {
  cursor: string;
}

/** The server's largest page: a larger `limit` is capped, which RxDB would take for the end. */
const MAX_PAGE_SIZE = 1000;

const todoSchema: RxJsonSchema<RxTodo> = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    // RxDB requires a maxLength on the primary key (it is indexed).
    id: { type: 'string', maxLength: 128 },
    title: { type: 'string' },
    notes: { type: 'string' },
    done: { type: 'boolean' },
    priority: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string' } },
    version: { type: 'integer' },
    updatedAt: { type: 'string' },
  },
  required: ['id', 'title', 'notes', 'done', 'priority', 'tags'],
};

/** One storage object for all databases, as an app has. */
const storage = getRxStorageDexie();

/** Opens (or creates) database `name` with its `todos` collection. */
export async function openDatabase(name: string): Promise<TodoDatabase> {
  const db = await createRxDatabase<{ todos: RxCollection<RxTodo> }>({ name, storage });
  try {
    await db.addCollections({ todos: { schema: todoSchema } });
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** Runs `work` on an open database and closes it afterwards, also when `work` throws. */
async function withDatabase<T>(name: string, work: (db: TodoDatabase) => Promise<T>): Promise<T> {
  const db = await openDatabase(name);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

async function burstWrite({ dbName, n, prefix }: WriteOptions): Promise<number> {
  const records = benchTodos(n, prefix);
  // Closed afterwards (untimed): the free RxDB allows only 13 open collections at once.
  return withDatabase(dbName, async (db) => {
    const start = performance.now();
    await Promise.all(records.map((record) => db.todos.insert(record)));
    return performance.now() - start;
  });
}

async function seed({ dbName, n, prefix }: WriteOptions): Promise<void> {
  await withDatabase(dbName, async (db) => {
    // bulkInsert reports failed rows instead of throwing.
    const { error } = await db.todos.bulkInsert(benchTodos(n, prefix));
    if (error.length > 0) {
      throw new Error(`seed: ${error.length} of ${n} inserts failed (first: ${error[0]?.status})`);
    }
  });
}

async function coldStart({ dbName, n }: { dbName: string; n: number }): Promise<number> {
  const start = performance.now();
  const db = await openDatabase(dbName);
  try {
    const docs = await db.todos.find().exec();
    const todos = docs.map((doc) => doc.toJSON());
    const elapsed = performance.now() - start;
    if (todos.length !== n) throw new Error(`coldStart: read ${todos.length} documents, not ${n}`);
    return elapsed;
  } finally {
    await db.close();
  }
}

async function initialPull({ dbName, n, apiUrl, pageSize }: PullOptions): Promise<number> {
  // An absolute URL: it also names the replication (RxDB keys its checkpoints by it).
  const api = new URL(apiUrl.replace(/\/+$/, ''), location.href).href;
  const db = await openDatabase(dbName);
  try {
    const start = performance.now();
    const replication = replicateTodos(db.todos, api, Math.min(pageSize, MAX_PAGE_SIZE));
    // RxDB retries a failing handler forever and only reports on error$: fail the run instead.
    const failed = new Promise<never>((_, reject) => {
      replication.error$.subscribe((error) => reject(error));
    });
    await Promise.race([replication.awaitInitialReplication(), failed]);
    const elapsed = performance.now() - start;
    await replication.cancel();
    const count = await db.todos.count().exec();
    if (count !== n) throw new Error(`initialPull: stored ${count} documents, not ${n}`);
    return elapsed;
  } finally {
    await db.remove();
  }
}

async function remove({ dbName }: { dbName: string }): Promise<void> {
  await removeRxDatabase(dbName, storage);
}

/**
 * Live two-way replication of `collection` with the reference server at `api` (absolute, no
 * trailing slash): pull pages of the change feed with the server cursor as checkpoint, push
 * local writes as one `/sync/batch` per RxDB push batch.
 */
export function replicateTodos(collection: RxCollection<RxTodo>, api: string, pageSize: number) {
  // A pull after each successful push brings our own writes back with their server version,
  // so the next push of the same document can send it as baseVersion (optimistic locking).
  const resync$ = new Subject<'RESYNC'>();
  // RxDB retries a failed push with the same row objects: keeping their mutationIds makes
  // the retry idempotent on the server instead of applying a mutation twice.
  const mutationIds = new WeakMap<RxReplicationWriteToMasterRow<RxTodo>, string>();

  return replicateRxCollection<RxTodo, Checkpoint>({
    collection,
    replicationIdentifier: `todos-rest-${api}`,
    live: true,
    pull: {
      batchSize: pageSize,
      stream$: resync$.asObservable(),
      async handler(checkpoint, batchSize) {
        const query = new URLSearchParams({
          cursor: checkpoint?.cursor ?? '',
          limit: `${batchSize}`,
        });
        const page = await fetchJson<ChangesPage>(`${api}/todos?${query}`);
        return { documents: page.items.map(fromServer), checkpoint: { cursor: page.cursor } };
      },
    },
    push: {
      batchSize: MAX_PAGE_SIZE,
      async handler(rows) {
        const mutations = rows.map((row) => {
          let mutationId = mutationIds.get(row);
          if (mutationId === undefined) {
            mutationId = crypto.randomUUID();
            mutationIds.set(row, mutationId);
          }
          return toMutation(row, mutationId);
        });
        const { results } = await fetchJson<{ results: BatchResult[] }>(`${api}/sync/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ mutations }),
        });
        const rejected = results.find((result) => result.status === 'rejected');
        // Throwing makes RxDB retry the whole batch later; the applied ones replay as no-ops.
        if (rejected) throw new Error(`push rejected: ${rejected.error.message}`);
        resync$.next('RESYNC');
        // RxDB wants the server state of each conflicting document; its default conflict
        // handler then keeps the server's.
        return results.flatMap((result) =>
          result.status === 'conflict' ? [fromServer(result.current)] : []
        );
      },
    },
  });
}

/** A batch mutation for one RxDB push row; the version RxDB last saw is the baseVersion. */
function toMutation(row: RxReplicationWriteToMasterRow<RxTodo>, mutationId: string) {
  const doc = row.newDocumentState;
  // Undefined when this client wrote the document and no pull has brought it back yet:
  // the write then goes through unconditionally (last write wins).
  const baseVersion = row.assumedMasterState?.version;
  if (doc._deleted) return { mutationId, op: 'delete', endpoint: 'todos', id: doc.id, baseVersion };
  // Drop RxDB's own fields (`_deleted`, `_attachments`, …): the server would store them.
  const data = Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_')));
  return row.assumedMasterState
    ? { mutationId, op: 'replace', endpoint: 'todos', id: doc.id, data, baseVersion }
    : { mutationId, op: 'create', endpoint: 'todos', id: doc.id, data };
}

/** A change-feed entry as an RxDB document; tombstones get empty fields to fit the schema. */
function fromServer(entry: ServerEntry): WithDeleted<RxTodo> {
  if (entry.deleted) {
    const { id, version, updatedAt } = entry;
    return {
      id,
      title: '',
      notes: '',
      done: false,
      priority: 0,
      tags: [],
      version,
      updatedAt,
      _deleted: true,
    };
  }
  return { ...entry, _deleted: false };
}

async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) {
    throw new Error(
      `${init?.method ?? 'GET'} ${url} answered ${response.status}: ${await response.text()}`
    );
  }
  return (await response.json()) as T;
}

declare global {
  interface Window {
    rxdbBench: PeerBench;
  }
}

window.rxdbBench = { version: RXDB_VERSION, burstWrite, seed, coldStart, initialPull, remove };
