import { BenchTodo, benchTodos } from '../bench-todo';
import { KitApp, startKitApp } from '../kit-app';
import { deleteDatabase, openRawDatabase, RawDatabase, rawWrite } from '../raw-dexie';

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
export function burstWrite({ variant, n, run }: RunOptions): Promise<number> {
  const todos = benchTodos(n, `burst-${run}`);
  return withVariant(`bench-burst-${variant}-${run}`, variant, {
    raw: async (db) => {
      const start = performance.now();
      await rawWrite(db, todos);
      return performance.now() - start;
    },
    kit: async (kit) => {
      const start = performance.now();
      await Promise.all(todos.map((todo) => kit.sync.saveModel('todo', todo)));
      const elapsed = performance.now() - start;
      const pending = kit.pendingCount();
      if (pending !== n) throw new Error(`burst write: ${pending} changes pending, expected ${n}`);
      return elapsed;
    },
  });
}

/**
 * Scenario 2: `n` writes one after another, each timed from `saveModel` until durable; raw Dexie
 * writes one record and one outbox row per transaction. Resolves with every write's milliseconds.
 *
 * @example
 * const samples = await singleWrites({ variant: 'raw', n: 500, run: '1' });
 */
export function singleWrites({ variant, n, run }: RunOptions): Promise<number[]> {
  const todos = benchTodos(n, `single-${run}`);
  const timeEach = async (write: (todo: BenchTodo) => Promise<unknown>) => {
    const samples: number[] = [];
    for (const todo of todos) {
      const start = performance.now();
      await write(todo);
      samples.push(performance.now() - start);
    }
    return samples;
  };
  return withVariant(`bench-single-${variant}-${run}`, variant, {
    raw: (db) => timeEach((todo) => rawWrite(db, [todo])),
    kit: (kit) => timeEach((todo) => kit.sync.saveModel('todo', todo)),
  });
}

/**
 * Runs `work` on a fresh database of `variant`: a raw Dexie one, or an app with the kit (its
 * encryption on for `kitEncrypted`); closes it and deletes the database afterwards, also when
 * the work failed.
 */
async function withVariant<T>(
  databaseName: string,
  variant: Variant,
  work: { raw: (db: RawDatabase) => Promise<T>; kit: (kit: KitApp) => Promise<T> }
): Promise<T> {
  try {
    if (variant === 'raw') {
      const db = openRawDatabase(databaseName);
      try {
        await db.open();
        return await work.raw(db);
      } finally {
        db.close();
      }
    }
    const kit = await startKitApp({
      databaseName,
      serverUrl: null,
      encrypted: variant === 'kitEncrypted',
    });
    try {
      return await work.kit(kit);
    } finally {
      await kit.destroy();
    }
  } finally {
    await deleteDatabase(databaseName);
  }
}
