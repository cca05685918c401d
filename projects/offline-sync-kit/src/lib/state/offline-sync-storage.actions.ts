import { createActionGroup, props } from '@ngrx/store';
import { SerializedRecord } from '../model/mutation';
import { SyncConflict } from '../model/sync-conflict';
import { SyncErrorInfo } from '../model/sync-error';
import { SyncMeta } from '../model/sync-meta';
import { PersistentStorageState } from '../model/sync-status';

/**
 * One write the database committed: the record's new sync metadata, or `null` once it is gone.
 *
 * @example
 * const written: CommittedWrite = { writeId: 'w1', change: 'created', modelType: 'todo', id: 't1', record, meta };
 */
export interface CommittedWrite {
  readonly writeId: string;
  readonly change: 'created' | 'updated' | 'removed' | 'unchanged';
  readonly modelType: string;
  readonly id: string;
  /** The stored record after the write (serialized form), `null` once it is gone. */
  readonly record: SerializedRecord | null;
  readonly meta: SyncMeta | null;
  /**
   * For an edit of a record whose conflict is open: the conflict's `revision` after the edit (pass
   * it to `resolveConflict`).
   */
  readonly conflictRevision?: number;
}

/**
 * What the database holds for a record after a failed write, so the store can be rolled back to
 * it; `record` is `null` when nothing is stored. The record is in the app's (deserialized) form.
 *
 * @example
 * const row: RestoredRecord = { modelType: 'todo', id: 't1', record: null, meta: null };
 */
export interface RestoredRecord {
  readonly modelType: string;
  readonly id: string;
  readonly record: unknown;
  readonly meta: SyncMeta | null;
}

/**
 * Events the kit's storage layer reports: the database opening, hydration of each entity type,
 * group commits of local writes, and failures. Dispatched by the kit, not by apps.
 *
 * @example
 * actions$.pipe(ofType(OfflineSyncStorageActions.writesFailed)).subscribe(({ error }) => toast(error.message));
 */
export const OfflineSyncStorageActions = createActionGroup({
  source: 'Offline Sync Storage',
  events: {
    'Database Opened': props<{
      pendingCount: number;
      failedCount: number;
      /** Conflicts left open by an earlier session. */
      conflicts: SyncConflict[];
    }>(),
    'Database Unavailable': props<{ error: SyncErrorInfo }>(),
    'Database Blocked': props<{ error: SyncErrorInfo }>(),
    'Entity Types Registered': props<{ modelTypes: string[] }>(),
    'Entity Type Hydrated': props<{ modelType: string; count: number }>(),
    'Hydration Failed': props<{ modelType: string; error: SyncErrorInfo }>(),
    'Writes Committed': props<{
      writes: CommittedWrite[];
      /** Outbox entries still to be sent after the commit; `null` if not counted. */
      pendingCount: number | null;
    }>(),
    'Writes Failed': props<{
      writes: { writeId: string; modelType: string; id: string }[];
      error: SyncErrorInfo;
      /** What the database holds for those records, or `null` if it could not be read. */
      restored: RestoredRecord[] | null;
    }>(),
    'Persistent Storage Resolved': props<{ state: PersistentStorageState }>(),
  },
});
