import { benchTodos } from '../bench-todo';
import { createKitApplication, KitApp, startKitApp } from '../kit-app';
import { deleteDatabase, openRawDatabase } from '../raw-dexie';
import { rawPull, rawPush } from '../raw-server';
import { RunOptions } from './local-writes';

/** Where the bench page reaches the reference server (the bench server proxies it). */
export const API_URL = '/api';

/** A run of a scenario that talks to the server. */
export interface ServerRunOptions extends RunOptions {
  /** The server collection: a fresh one per push run, the seeded one for pulls. */
  readonly endpoint: string;
  /** Outbox entries per `POST /sync/batch` (push) or records per page (pull). */
  readonly batchSize: number;
  /** Keep the pulled database (the cold-start and memory scenarios read it). */
  readonly keep?: boolean;
}

/**
 * Scenario 4: `n` changes made while offline, then timed from going online until the server has
 * acknowledged all of them; the baseline POSTs the same batches with `fetch`. Milliseconds.
 *
 * @example
 * const ms = await push({ variant: 'kit', n: 10_000, run: '1', endpoint: 'push-1', batchSize: 100 });
 */
export async function push({
  variant,
  n,
  run,
  endpoint,
  batchSize,
}: ServerRunOptions): Promise<number> {
  const todos = benchTodos(n, `push-${run}`);
  if (variant === 'raw') {
    const start = performance.now();
    await rawPush(API_URL, endpoint, todos, batchSize);
    return performance.now() - start;
  }
  const databaseName = `bench-push-${run}`;
  try {
    const kit = await startKitApp({
      databaseName,
      serverUrl: API_URL,
      endpoint,
      online: false,
      useBatchEndpoint: true,
      batchSize,
    });
    await Promise.all(todos.map((todo) => kit.sync.saveModel('todo', todo)));
    const start = performance.now();
    kit.goOnline();
    await kit.untilNothingPending();
    const elapsed = performance.now() - start;
    const failed = kit.failedCount();
    await kit.destroy();
    if (failed > 0) throw new Error(`push: the server refused ${failed} changes`);
    return elapsed;
  } finally {
    await deleteDatabase(databaseName);
  }
}

/**
 * Scenario 5: a new app on an empty database pulls the `n` records of `endpoint`, timed from its
 * creation until all are stored and in the store; the baseline fetches the same pages and
 * `bulkPut`s each. Milliseconds. With `keep`, the database stays (named as {@link pulledDatabase}).
 *
 * @example
 * const ms = await pull({ variant: 'kit', n: 100_000, run: '1', endpoint: 'todos', batchSize: 1000 });
 */
export async function pull(options: ServerRunOptions): Promise<number> {
  const { variant, n, endpoint, batchSize, keep } = options;
  const databaseName = pulledDatabase(options);
  await deleteDatabase(databaseName);
  try {
    if (variant === 'raw') {
      const start = performance.now();
      const db = openRawDatabase(databaseName);
      const stored = await rawPull(API_URL, endpoint, batchSize, db);
      const elapsed = performance.now() - start;
      db.close();
      if (stored !== n) throw new Error(`raw pull stored ${stored} of ${n}`);
      return elapsed;
    }
    const start = performance.now();
    const kit = await createKitApplication({
      databaseName,
      serverUrl: API_URL,
      endpoint,
      encrypted: variant === 'kitEncrypted',
      pullPageSize: batchSize,
    });
    await kit.untilTotal(n);
    const elapsed = performance.now() - start;
    await kit.destroy();
    return elapsed;
  } finally {
    if (!keep) await deleteDatabase(databaseName);
  }
}

/**
 * The database a pull run fills.
 *
 * @example
 * pulledDatabase({ variant: 'kit', run: 'seed' }); // 'bench-pull-kit-seed'
 */
export function pulledDatabase({ variant, run }: Pick<RunOptions, 'variant' | 'run'>): string {
  return `bench-pull-${variant}-${run}`;
}

let pulling: KitApp | null = null;

/**
 * Scenario 8, first half: an app, offline and hydrated (empty), ready to pull `endpoint`.
 *
 * @example
 * await preparePull({ variant: 'kit', n: 20_000, run: '1', endpoint: 'main-thread', batchSize: 100 });
 */
export async function preparePull({ run, endpoint, batchSize }: ServerRunOptions): Promise<void> {
  const databaseName = `bench-main-thread-${run}`;
  await deleteDatabase(databaseName);
  pulling = await startKitApp({
    databaseName,
    serverUrl: API_URL,
    endpoint,
    online: false,
    pullPageSize: batchSize,
  });
}

/**
 * Scenario 8, second half (the runner traces it): goes online and waits until all `n` records are
 * in the store.
 *
 * @example
 * await runPreparedPull({ n: 20_000, run: '1' });
 */
export async function runPreparedPull({ n, run }: Pick<RunOptions, 'n' | 'run'>): Promise<void> {
  const kit = pulling;
  if (!kit) throw new Error('preparePull() first');
  try {
    kit.goOnline();
    await kit.untilTotal(n);
  } finally {
    await kit.destroy();
    pulling = null;
    await deleteDatabase(`bench-main-thread-${run}`);
  }
}
