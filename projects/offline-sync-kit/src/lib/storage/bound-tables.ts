import { Transaction } from 'dexie';
import { SyncDatabase } from './sync-database';

const TABLES = ['records', 'outbox', 'meta', 'conflicts'] as const;

/**
 * The database as seen from inside one transaction: its tables are bound to `tx`, so every
 * operation on them joins that transaction whatever the async context. Dexie otherwise finds the
 * transaction through its zone, which native `async`/`await` (kept by zoneless Angular builds)
 * can lose between two awaits: the next operation then runs outside, and the transaction commits
 * too early. A table outside the transaction's scope throws Dexie's `NotFoundError`.
 *
 * @example
 * await db.transaction('rw', ['records', 'outbox'], (tx) => applyLocalWrites(boundTo(db, tx), writes, context));
 */
export function boundTo(db: SyncDatabase, tx: Transaction): SyncDatabase {
  const view = Object.create(db) as SyncDatabase;
  for (const name of TABLES) {
    Object.defineProperty(view, name, { get: () => tx.table(name) });
  }
  Object.defineProperty(view, 'table', { value: (name: string) => tx.table(name) });
  return view;
}
