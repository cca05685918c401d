import { createActionGroup, emptyProps, props } from '@ngrx/store';
import { SyncErrorInfo } from '../model/sync-error';
import { SyncOptions } from '../model/sync-options';

/**
 * Events of the sync engine: connectivity, pushes, pulls. Dispatched by the kit, so
 * every step of a sync shows in Redux DevTools; apps listen with `ofType`.
 *
 * @example
 * actions$.pipe(ofType(OfflineSyncEngineActions.syncAuthFailed)).subscribe(() => router.navigate(['/login']));
 */
export const OfflineSyncEngineActions = createActionGroup({
  source: 'Offline Sync Engine',
  events: {
    'Went Online': emptyProps(),
    'Went Offline': emptyProps(),
    'Push Started': emptyProps(),
    'Push Completed': props<{ applied: number; pendingCount: number; failedCount: number }>(),
    'Push Failed': props<{ error: SyncErrorInfo; nextRetryAt: number | null }>(),
    /**
     * The server took a change but its answer could not be used (kind `invalid-response`); the
     * kit counted the change applied and read the record back (or the conflict's record).
     */
    'Push Answer Invalid': props<{ error: SyncErrorInfo }>(),
    'Pull Started': props<{ modelType: string }>(),
    'Pull Completed': props<{ modelType: string; count: number }>(),
    'Pull Failed': props<{ modelType: string; error: SyncErrorInfo }>(),
    'Sync Completed': props<{ at: number }>(),
    'Sync Auth Failed': props<{ error: SyncErrorInfo }>(),
    'Outbox Counted': props<{ pendingCount: number; failedCount: number }>(),
    'Periodic Sync Started': emptyProps(),
    'Periodic Sync Stopped': emptyProps(),
    'Sync Options Updated': props<{ options: SyncOptions }>(),
  },
});
