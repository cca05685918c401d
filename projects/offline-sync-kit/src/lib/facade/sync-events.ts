import { Actions, ofType } from '@ngrx/effects';
import { mergeMap, Observable } from 'rxjs';
import { SyncEvent } from '../model/sync-event';
import { OfflineSyncConflictActions } from '../state/offline-sync-conflict.actions';
import { OfflineSyncEngineActions } from '../state/offline-sync-engine.actions';
import { OfflineSyncStorageActions } from '../state/offline-sync-storage.actions';

/**
 * The kit's actions as the plain {@link SyncEvent}s of `OfflineSyncService.syncEvents$`: durable
 * local changes, conflicts, finished syncs, hydration and storage errors.
 *
 * @example
 * readonly events$ = syncEventsFrom(inject(Actions));
 */
export function syncEventsFrom(actions$: Actions): Observable<SyncEvent> {
  return actions$.pipe(
    ofType(
      OfflineSyncStorageActions.writesCommitted,
      OfflineSyncStorageActions.writesFailed,
      OfflineSyncStorageActions.entityTypeHydrated,
      OfflineSyncStorageActions.databaseUnavailable,
      OfflineSyncConflictActions.conflictDetected,
      OfflineSyncConflictActions.conflictResolved,
      OfflineSyncEngineActions.syncCompleted
    ),
    mergeMap((action): SyncEvent[] => {
      switch (action.type) {
        case OfflineSyncConflictActions.conflictDetected.type: {
          const { modelType, id } = action.conflict;
          return [{ type: 'conflictDetected', modelType, id, source: 'server' }];
        }
        case OfflineSyncConflictActions.conflictResolved.type:
          return [{ type: 'conflictResolved', modelType: action.modelType, id: action.id }];
        case OfflineSyncStorageActions.writesCommitted.type:
          return action.writes
            .filter((write) => write.change !== 'unchanged')
            .map((write) => ({
              type:
                write.change === 'created'
                  ? 'modelAdded'
                  : write.change === 'updated'
                    ? 'modelUpdated'
                    : 'modelDeleted',
              modelType: write.modelType,
              id: write.id,
              source: 'local',
            }));
        case OfflineSyncEngineActions.syncCompleted.type:
          return [{ type: 'syncCompleted' }];
        case OfflineSyncStorageActions.entityTypeHydrated.type:
          return [{ type: 'hydrated', modelType: action.modelType }];
        default:
          return [{ type: 'storageError', error: action.error }];
      }
    })
  );
}
