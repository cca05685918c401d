import { inject, Injectable } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { concatMap, EMPTY, from, map, catchError, mergeMap, of } from 'rxjs';
import { toSyncErrorInfo } from '../model/sync-error';
import { OfflineSyncConflictActions } from '../state/offline-sync-conflict.actions';
import { OfflineSyncStorageActions } from '../state/offline-sync-storage.actions';
import { ConflictCoordinator } from './conflict-coordinator';

const C = OfflineSyncConflictActions;

/**
 * Connects conflicts to the store: the app's `resolveConflict` actions, and resolvers a reload
 * interrupted, resumed once their type is loaded.
 *
 * @example
 * store.dispatch(resolveConflict({ modelType: 'todo', id: 't1', resolution: 'server' })); // handled here
 */
@Injectable()
export class ConflictEffects {
  private readonly actions$ = inject(Actions);
  private readonly coordinator = inject(ConflictCoordinator);

  readonly resolve$ = createEffect(() =>
    this.actions$.pipe(
      ofType(C.resolveConflict),
      // One at a time, in order: two decisions for one record apply as the app dispatched them.
      concatMap(({ modelType, id, resolution }) =>
        from(this.coordinator.resolve(modelType, id, resolution)).pipe(
          mergeMap(() => EMPTY),
          catchError((error: unknown) =>
            of(
              C.conflictResolutionFailed({
                modelType,
                id,
                error: toSyncErrorInfo(error, 'conflict', `Resolving ${modelType} "${id}" failed`),
              })
            )
          )
        )
      )
    )
  );

  readonly resume$ = createEffect(
    () =>
      this.actions$.pipe(
        ofType(OfflineSyncStorageActions.entityTypeHydrated),
        map(({ modelType }) => modelType),
        concatMap((modelType) =>
          from(this.coordinator.resumeType(modelType)).pipe(catchError(() => EMPTY))
        )
      ),
    { dispatch: false }
  );
}
