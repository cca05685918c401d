import { createActionGroup, props } from '@ngrx/store';
import { SerializedRecord } from '../model/mutation';
import {
  ConflictResolution,
  ConflictResolutionStrategy,
  SyncConflict,
} from '../model/sync-conflict';
import { SyncErrorInfo } from '../model/sync-error';

/**
 * Conflicts between local changes and the server: met (`conflictDetected`, again whenever a
 * newer server version reaches an open one), settled (`conflictResolved`), left to the app after
 * a resolver failed (`conflictResolutionFailed`), and read back at start (`conflictsRestored`).
 * `resolveConflict` is the one the app dispatches, for conflicts waiting under `manual`.
 *
 * @example
 * actions$.pipe(ofType(OfflineSyncConflictActions.conflictResolved)).subscribe(({ id, outcome }) => log(id, outcome));
 */
export const OfflineSyncConflictActions = createActionGroup({
  source: 'Offline Sync Conflicts',
  events: {
    'Resolve Conflict': props<{
      modelType: string;
      id: string;
      /** Keep this device's version, take the server's, or keep a record of the app's making. */
      resolution: ConflictResolution;
      /**
       * The conflict's `revision` the decision was made on: if it changed meanwhile (a newer
       * server version, a local edit), nothing is applied and `conflictResolutionFailed` says so.
       */
      revision?: number;
    }>(),
    'Conflict Detected': props<{ conflict: SyncConflict }>(),
    'Conflict Resolved': props<{
      modelType: string;
      id: string;
      /** The strategy that settled it (`manual`: the app did). */
      strategy: ConflictResolutionStrategy;
      /** Which side the kept record came from; `merged` when it combines both. */
      outcome: 'local' | 'server' | 'merged';
      /** The record kept, serialized; `null` when it ends deleted. */
      record: SerializedRecord | null;
    }>(),
    'Conflict Resolution Failed': props<{ modelType: string; id: string; error: SyncErrorInfo }>(),
    'Conflicts Restored': props<{ conflicts: SyncConflict[] }>(),
  },
});

/**
 * Resolves a conflict that waits for the app (strategy `manual`, or a `custom` resolver that
 * failed): `'local'` keeps this device's version, `'server'` takes the server's, `{ merged }`
 * keeps the given record (in the app's own form). The outcome is pushed on the server's version,
 * so every device ends up with it.
 *
 * @example
 * store.dispatch(resolveConflict({ modelType: 'todo', id: 't1', resolution: 'local' }));
 */
export const resolveConflict = OfflineSyncConflictActions.resolveConflict;
