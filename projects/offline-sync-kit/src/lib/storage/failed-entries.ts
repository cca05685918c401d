import { entriesFor, stateFromEntries, StoredChange } from './stored-change';
import { StoredMutation, SyncDatabase } from './sync-database';

/**
 * Puts a record's dead letters back in line to be pushed again (their ids are kept: the server
 * never applied them). Runs inside a `rw` transaction over `records` and `outbox`.
 *
 * @example
 * await db.transaction('rw', db.records, db.outbox, () => requeueFailed(db, ['todo', 't1']));
 */
export async function requeueFailed(
  db: SyncDatabase,
  key: [string, string]
): Promise<StoredChange | null> {
  const failed = (await entriesFor(db, key)).filter((entry) => entry.status === 'failed');
  for (const entry of failed) {
    await db.outbox.update(entry.seq as number, {
      status: 'sending',
      attempts: 0,
      lastError: null,
    });
  }
  return refreshState(db, key, { lastError: null, attempts: 0 });
}

/**
 * Drops a record's dead letters and puts the record back as it was before the first dropped
 * change (its base), or removes it if that change created it. Runs inside a `rw` transaction
 * over `records` and `outbox`.
 *
 * @example
 * await db.transaction('rw', db.records, db.outbox, () => discardFailed(db, ['todo', 't1']));
 */
export async function discardFailed(
  db: SyncDatabase,
  key: [string, string]
): Promise<StoredChange | null> {
  const entries = await entriesFor(db, key);
  const failed = entries.filter((entry) => entry.status === 'failed');
  const first: StoredMutation | undefined = failed[0];
  if (!first) return null;
  await db.outbox.bulkDelete(failed.map((entry) => entry.seq as number));
  const remaining = entries.filter((entry) => entry.status !== 'failed');
  const existing = await db.records.get(key);
  if (remaining.length === 0 && first.base === null) {
    await db.records.delete(key);
    return { modelType: key[0], id: key[1], data: null, meta: null };
  }
  if (existing && remaining.length === 0 && first.base) {
    await db.records.put({ ...existing, data: first.base });
  }
  return refreshState(db, key, { lastError: null, attempts: 0 });
}

async function refreshState(
  db: SyncDatabase,
  key: [string, string],
  reset: { lastError: null; attempts: number }
): Promise<StoredChange | null> {
  const existing = await db.records.get(key);
  if (!existing) return null;
  const meta = { ...existing.meta, ...reset, state: stateFromEntries(await entriesFor(db, key)) };
  await db.records.put({ ...existing, meta });
  return { modelType: key[0], id: key[1], data: existing.data, meta };
}
