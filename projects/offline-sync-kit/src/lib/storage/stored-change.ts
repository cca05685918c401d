import { indexKeys } from '../core/index-keys';
import { rebase } from '../core/merge-patch';
import { SerializedRecord } from '../model/mutation';
import { EntityStorageSpec } from './local-write';
import { SyncMeta, SyncRecordState } from '../model/sync-meta';
import { StoredMutation, SyncDatabase } from './sync-database';

/**
 * A record as a storage operation left it, for the store to follow: its data and metadata, or
 * `null` for both once it is gone.
 *
 * @example
 * for (const c of changes) c.data ? upsert(c) : remove(c.id);
 */
export interface StoredChange {
  readonly modelType: string;
  readonly id: string;
  readonly data: SerializedRecord | null;
  readonly meta: SyncMeta | null;
}

/**
 * Stores a record row with its index entries and returns it as a {@link StoredChange}.
 *
 * @example
 * return putRecord(db, spec, ['todo', 't1'], data, meta);
 */
export async function putRecord(
  db: SyncDatabase,
  spec: Pick<EntityStorageSpec, 'indexes'>,
  [modelType, id]: [string, string],
  data: SerializedRecord,
  meta: SyncMeta
): Promise<StoredChange> {
  await db.records.put({
    modelType,
    id,
    data,
    meta,
    idx: indexKeys(modelType, spec.indexes, data),
  });
  return { modelType, id, data, meta };
}

/**
 * Re-applies a record's pending entries on a new base, in outbox order, rebasing each `queued`
 * one on that base (with the entries before it applied, so coalescing diffs against what the
 * device held) and `version`. Returns the record with every entry applied (`null`: deleted).
 *
 * @example
 * const data = await rebaseEntries(db, server.data, server.version, pending);
 */
export async function rebaseEntries(
  db: SyncDatabase,
  base: SerializedRecord | null,
  version: number | null,
  entries: readonly StoredMutation[]
): Promise<SerializedRecord | null> {
  let data = base;
  for (const entry of entries) {
    // The entry is in hand: one put (an `update` would read it again first).
    if (entry.status === 'queued')
      await db.outbox.put({ ...entry, base: data, baseVersion: version });
    data = rebase(data ?? {}, [entry]);
  }
  return data;
}

/** Deletes every outbox entry of one record. */
export function deleteEntriesOf(db: SyncDatabase, key: [string, string]): Promise<number> {
  return db.outbox.where('[modelType+recordId]').equals(key).delete();
}

/** The outbox entries of one record, oldest first. */
export function entriesFor(db: SyncDatabase, key: [string, string]): Promise<StoredMutation[]> {
  return db.outbox.where('[modelType+recordId]').equals(key).sortBy('seq');
}

/**
 * The sync state a record's outbox entries give it: `failed` when its oldest entry is a dead
 * letter (the entries behind it wait for it), `pending` while any is queued or being sent,
 * `synced` when none; `conflict` sticks until resolved.
 *
 * @example
 * const state = stateFromEntries(await entriesFor(db, key), previous?.meta.state);
 */
export function stateFromEntries(
  entries: readonly StoredMutation[],
  previous?: SyncRecordState
): SyncRecordState {
  if (previous === 'conflict') return 'conflict';
  if (entries.length === 0) return 'synced';
  return entries[0]?.status === 'failed' ? 'failed' : 'pending';
}
