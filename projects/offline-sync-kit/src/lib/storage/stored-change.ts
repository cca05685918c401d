import { SerializedRecord } from '../model/mutation';
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

/** Deletes every outbox entry of one record. */
export function deleteEntriesOf(db: SyncDatabase, key: [string, string]): Promise<number> {
  return db.outbox.where('[modelType+recordId]').equals(key).delete();
}

/** The outbox entries of one record, oldest first. */
export function entriesFor(db: SyncDatabase, key: [string, string]): Promise<StoredMutation[]> {
  return db.outbox.where('[modelType+recordId]').equals(key).sortBy('seq');
}

/**
 * The sync state a record's outbox entries give it: `pending` while any is queued or being sent,
 * `failed` when only dead letters are left, `synced` when none; `conflict` sticks until resolved.
 *
 * @example
 * const state = stateFromEntries(await entriesFor(db, key), previous?.meta.state);
 */
export function stateFromEntries(
  entries: readonly StoredMutation[],
  previous?: SyncRecordState
): SyncRecordState {
  if (previous === 'conflict') return 'conflict';
  if (entries.some((entry) => entry.status !== 'failed')) return 'pending';
  return entries.length > 0 ? 'failed' : 'synced';
}
