import { inject, Injectable } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { catchError, concatMap, EMPTY, first, from, map, mergeMap, of, tap } from 'rxjs';
import { Store } from '@ngrx/store';
import { offlineSyncFeature } from '../state/offline-sync.feature';
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
  private readonly store = inject(Store);

  readonly resolve$ = createEffect(() =>
    this.actions$.pipe(
      ofType(C.resolveConflict),
      // One at a time, in order: two decisions for one record apply as the app dispatched them.
      concatMap(({ modelType, id, resolution, revision }) =>
        from(this.coordinator.resolve(modelType, id, resolution, revision)).pipe(
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
        // The open conflicts reach state with `databaseOpened`, which may come second.
        concatMap(({ modelType }) =>
          this.store.select(offlineSyncFeature.selectStorage).pipe(
            first((storage) => storage === 'open'),
            map(() => modelType)
          )
        ),
        tap((modelType) => this.coordinator.resumeType(modelType))
      ),
    { dispatch: false }
  );
}
