import { Dexie, Table } from 'dexie';
import { BenchTodo } from './bench-todo';

/**
 * The baselines: what an app would write by hand with Dexie alone, in the kit's own table layout
 * (a record row and an outbox row per change), with no kit code in between.
 *
 * @example
 * const db = openRawDatabase('bench-raw-1');
 * await rawWrite(db, benchTodos(5_000, 'r'));
 */
export interface RawRecordRow {
  modelType: string;
  id: string;
  data: BenchTodo;
  meta: { state: string; version: number | null; localUpdatedAt: number };
  idx: unknown[];
}

interface RawOutboxRow {
  seq?: number;
  mutationId: string;
  modelType: string;
  recordId: string;
  op: string;
  patch: BenchTodo;
  status: string;
  createdAt: number;
}

/** A Dexie database with the kit's two hot tables and their indexes. */
export class RawDatabase extends Dexie {
  declare readonly records: Table<RawRecordRow, [string, string]>;
  declare readonly outbox: Table<RawOutboxRow, number>;

  constructor(name: string) {
    // The kit's default durability, so both commit alike.
    super(name, { chromeTransactionDurability: 'default' });
    this.version(1).stores({
      records: '[modelType+id], modelType, *idx',
      outbox: '++seq, &mutationId, [modelType+recordId], status',
    });
  }
}

/**
 * A fresh raw database.
 *
 * @example
 * const db = openRawDatabase('bench-raw-burst-1');
 */
export function openRawDatabase(name: string): RawDatabase {
  return new RawDatabase(name);
}

/** The record row of a todo as the bench stores it. */
export function rawRecordRow(todo: BenchTodo, version: number | null = null): RawRecordRow {
  const state = version === null ? 'pending' : 'synced';
  return {
    modelType: 'todo',
    id: todo.id,
    data: todo,
    meta: { state, version, localUpdatedAt: Date.now() },
    idx: [],
  };
}

function rawOutboxRow(todo: BenchTodo): RawOutboxRow {
  return {
    mutationId: crypto.randomUUID(),
    modelType: 'todo',
    recordId: todo.id,
    op: 'create',
    patch: todo,
    status: 'queued',
    createdAt: Date.now(),
  };
}

/**
 * Writes records and their outbox rows in ONE transaction (what the kit's burst is compared
 * with). Rows are built inside, as the kit builds its rows inside its timing.
 *
 * @example
 * await rawWrite(db, todos);
 */
export async function rawWrite(db: RawDatabase, todos: readonly BenchTodo[]): Promise<void> {
  await db.transaction('rw', [db.records, db.outbox], async () => {
    await db.records.bulkPut(todos.map((todo) => rawRecordRow(todo)));
    await db.outbox.bulkAdd(todos.map(rawOutboxRow));
  });
}

/**
 * The plain-array baseline of the memory scenario: the same records, read the same way, kept in
 * an array.
 *
 * @example
 * const records = await rawReadAll('bench-memory');
 */
export async function rawReadAll(databaseName: string): Promise<BenchTodo[]> {
  const db = new Dexie(databaseName);
  try {
    await db.open();
    const rows = (await db
      .table('records')
      .where('modelType')
      .equals('todo')
      .toArray()) as RawRecordRow[];
    return rows.map((row) => row.data);
  } finally {
    db.close();
  }
}

/**
 * Deletes a database, whoever made it.
 *
 * @example
 * await deleteDatabase('bench-burst-1');
 */
export function deleteDatabase(name: string): Promise<void> {
  return Dexie.delete(name);
}
