import { Dexie } from 'dexie';
import { OfflineSyncError } from '../lib/model/sync-error';
import { SyncDatabase } from '../lib/storage/sync-database';

let counter = 0;

/**
 * A database name no other spec uses, and a cleanup that deletes the database afterwards.
 * Call in `beforeEach`; the returned `cleanup` goes in `afterEach`.
 */
export function uniqueDatabase(prefix = 'spec'): { name: string; cleanup: () => Promise<void> } {
  const name = `${prefix}-${Date.now().toString(36)}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  return { name, cleanup: () => Dexie.delete(name) };
}

/** Opens the kit's database directly (no kit around it) to look at what is stored. */
export async function rawDatabase(name: string): Promise<SyncDatabase> {
  const db = new SyncDatabase(name);
  await db.open();
  return db;
}

/** Reads a database's tables with plain IndexedDB, as a fresh tab would, then closes it. */
export async function readRaw(name: string) {
  const db = await rawDatabase(name);
  try {
    const [records, outbox, meta] = await Promise.all([
      db.records.toArray(),
      db.outbox.orderBy('seq').toArray(),
      db.meta.toArray(),
    ]);
    return { records, outbox, meta };
  } finally {
    db.close();
  }
}

/** Resolves once `predicate` holds, checking after each macrotask; fails after `limit` checks. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  limit = 500
): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Opens a database with plain IndexedDB at a version, as another tab of another app version would. */
export function openRawIndexedDb(name: string, version: number): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name, version);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** The error a promise rejects with, or `null` if it resolves: for asserting on typed errors. */
export function rejectionOf<E = OfflineSyncError>(promise: Promise<unknown>): Promise<E | null> {
  return promise.then(
    () => null,
    (error: unknown) => error as E
  );
}
