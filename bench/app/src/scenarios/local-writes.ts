import { benchTodos } from '../bench-todo';
import { startKitApp } from '../kit-app';
import { deleteDatabase, openRawDatabase, rawWrite } from '../raw-dexie';

/** Who does the work: the kit (encryption off or on) or raw Dexie. */
export type Variant = 'kit' | 'kitEncrypted' | 'raw';

/** One run of a scenario: its variant, its size and its number (for unique names). */
export interface RunOptions {
  readonly variant: Variant;
  readonly n: number;
  readonly run: string;
}

/**
 * Scenario 1: `n` `saveModel` calls issued together, timed until all are durable; raw Dexie
 * writes the same records and outbox rows in one transaction. Resolves with milliseconds.
 *
 * @example
 * const ms = await burstWrite({ variant: 'kit', n: 5_000, run: '1' });
 */
export async function burstWrite({ variant, n, run }: RunOptions): Promise<number> {
  const databaseName = `bench-burst-${variant}-${run}`;
  const todos = benchTodos(n, `burst-${run}`);
  try {
    if (variant === 'raw') {
      const db = openRawDatabase(databaseName);
      await db.open();
      const start = performance.now();
      await rawWrite(db, todos);
      const elapsed = performance.now() - start;
      db.close();
      return elapsed;
    }
    const kit = await startKitApp({
      databaseName,
      serverUrl: null,
      encrypted: variant === 'kitEncrypted',
    });
    const start = performance.now();
    await Promise.all(todos.map((todo) => kit.sync.saveModel('todo', todo)));
    const elapsed = performance.now() - start;
    const pending = kit.pendingCount();
    await kit.destroy();
    if (pending !== n) throw new Error(`burst write: ${pending} changes pending, expected ${n}`);
    return elapsed;
  } finally {
    await deleteDatabase(databaseName);
  }
}

/**
 * Scenario 2: `n` writes one after another, each timed from `saveModel` until durable; raw Dexie
 * writes one record and one outbox row per transaction. Resolves with every write's milliseconds.
 *
 * @example
 * const samples = await singleWrites({ variant: 'raw', n: 500, run: '1' });
 */
export async function singleWrites({ variant, n, run }: RunOptions): Promise<number[]> {
  const databaseName = `bench-single-${variant}-${run}`;
  const todos = benchTodos(n, `single-${run}`);
  const samples: number[] = [];
  try {
    if (variant === 'raw') {
      const db = openRawDatabase(databaseName);
      await db.open();
      for (const todo of todos) {
        const start = performance.now();
        await rawWrite(db, [todo]);
        samples.push(performance.now() - start);
      }
      db.close();
      return samples;
    }
    const kit = await startKitApp({
      databaseName,
      serverUrl: null,
      encrypted: variant === 'kitEncrypted',
    });
    for (const todo of todos) {
      const start = performance.now();
      await kit.sync.saveModel('todo', todo);
      samples.push(performance.now() - start);
    }
    await kit.destroy();
    return samples;
  } finally {
    await deleteDatabase(databaseName);
  }
}
