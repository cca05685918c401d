import { SyncMeta } from '../model/sync-meta';
import { EntityStorageSpec } from './local-write';
import {
  entriesFor,
  putRecord,
  rebaseEntries,
  stateFromEntries,
  StoredChange,
} from './stored-change';
import { SyncDatabase } from './sync-database';

/**
 * Puts a record's dead letters back in line to be pushed again, unchanged and under the same
 * idempotency keys (an entry that gave up after timeouts may have reached the server: resending
 * it under its key cannot apply it twice). Runs inside a `rw` transaction over `records` and `outbox`.
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
 * Drops a record's dead letters and puts the record back as it was before the first of them (its
 * base, at the base version), with the record's later pending changes re-applied on top and
 * rebased on it. If the first dropped change created the record, the server never had it: the
 * record and every change of it go. Runs inside a `rw` transaction over `records` and `outbox`.
 *
 * @example
 * await db.transaction('rw', db.records, db.outbox, () => discardFailed(db, ['todo', 't1'], context));
 */
export async function discardFailed(
  db: SyncDatabase,
  key: [string, string],
  context: { readonly specFor: (modelType: string) => EntityStorageSpec; readonly now: number }
): Promise<StoredChange | null> {
  const [modelType, id] = key;
  const entries = await entriesFor(db, key);
  const first = entries.find((entry) => entry.status === 'failed');
  if (!first) return null;
  const base = first.base;
  const dropped = base === null ? entries : entries.filter((entry) => entry.status === 'failed');
  await db.outbox.bulkDelete(dropped.map((entry) => entry.seq as number));
  if (base === null) {
    await db.records.delete(key);
    return { modelType, id, data: null, meta: null };
  }
  const later = entries.filter((entry) => !dropped.includes(entry));
  const data = await rebaseEntries(db, base, first.baseVersion, later);
  if (data === null) {
    await db.records.delete(key); // a later pending delete still stands
    return { modelType, id, data: null, meta: null };
  }
  const existing = await db.records.get(key);
  const meta: SyncMeta = {
    state: stateFromEntries(later),
    version: first.baseVersion,
    lastError: null,
    attempts: 0,
    localUpdatedAt: existing?.meta.localUpdatedAt ?? context.now,
  };
  return putRecord(db, context.specFor(modelType), key, data, meta);
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
