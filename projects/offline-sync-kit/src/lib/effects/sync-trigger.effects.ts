import { inject, Injectable } from '@angular/core';
import { Actions, createEffect, ofType } from '@ngrx/effects';
import { Store } from '@ngrx/store';
import { combineLatest, debounce, EMPTY, filter, interval, map, switchMap, tap, timer } from 'rxjs';
import { SyncOptionsRef } from '../providers/sync-options-ref';
import { SYNC_SCHEDULER } from '../providers/tokens';
import { offlineSyncFeature, selectIsWebSocketConnected } from '../state/offline-sync.feature';
import { WEB_SOCKET_OPTIONS } from '../providers/web-socket-tokens';
import { OfflineSyncEngineActions } from '../state/offline-sync-engine.actions';
import { OfflineSyncStorageActions } from '../state/offline-sync-storage.actions';
import { OfflineSyncConflictActions } from '../state/offline-sync-conflict.actions';
import { NetworkStatus } from '../transport/network-status';
import { SyncEngine } from './sync-engine';

/**
 * When to sync: after local writes and conflicts resolved by the app or a resolver (debounced, so
 * a burst goes in one push; a resolution may have queued its outcome for the server; push only
 * while the WebSocket brings the server's changes), when the server
 * becomes reachable, once the store is hydrated, and on the sync interval while periodic sync is
 * on. The engine merges overlapping requests, so these triggers never run two cycles at once.
 *
 * @example
 * // registered by provideOfflineSync(); turn the interval off with:
 * inject(OfflineSyncService).stopPeriodicSync();
 */
@Injectable()
export class SyncTriggerEffects {
  private readonly actions$ = inject(Actions);
  private readonly store = inject(Store);
  private readonly engine = inject(SyncEngine);
  private readonly network = inject(NetworkStatus);
  private readonly options = inject(SyncOptionsRef);
  private readonly scheduler = inject(SYNC_SCHEDULER);
  private readonly webSocket = inject(WEB_SOCKET_OPTIONS, { optional: true });

  readonly connectivity$ = createEffect(() =>
    this.network.online$.pipe(
      map((online) =>
        online ? OfflineSyncEngineActions.wentOnline() : OfflineSyncEngineActions.wentOffline()
      )
    )
  );

  readonly syncAfterLocalWrites$ = createEffect(
    () =>
      this.actions$.pipe(
        ofType(
          OfflineSyncStorageActions.writesCommitted,
          OfflineSyncConflictActions.conflictResolved
        ),
        filter((action) =>
          'writes' in action
            ? action.writes.some((write) => write.change !== 'unchanged')
            : // Settled by the app or a resolver, outside a sync; the engine pushes its own.
              action.strategy === 'manual' || action.strategy === 'custom'
        ),
        debounce(() => timer(this.options.current().pushDebounce, this.scheduler)),
        tap(() => void this.engine.sync(undefined, { pull: !this.socketBringsChanges() }))
      ),
    { dispatch: false }
  );

  /**
   * Whether the server's changes reach this app over the WebSocket anyway: connected, on the
   * default channels (every registered type's collection, unfiltered). Then a push made for local
   * writes needs no pull after it; the interval, going online and `syncAll()` still pull.
   */
  private socketBringsChanges(): boolean {
    return (
      this.webSocket?.channels === null && this.store.selectSignal(selectIsWebSocketConnected)()
    );
  }

  readonly syncWhenOnline$ = createEffect(
    () =>
      this.actions$.pipe(
        ofType(OfflineSyncEngineActions.wentOnline),
        tap(() => void this.engine.sync())
      ),
    { dispatch: false }
  );

  readonly syncWhenHydrated$ = createEffect(
    () =>
      this.store.select(offlineSyncFeature.selectHydrationSettled).pipe(
        filter(Boolean),
        tap(() => void this.engine.sync())
      ),
    { dispatch: false }
  );

  readonly periodicSync$ = createEffect(
    () =>
      combineLatest([
        this.options.changes$,
        this.store.select(offlineSyncFeature.selectPeriodicSync),
      ]).pipe(
        switchMap(([{ syncInterval }, enabled]) =>
          enabled && syncInterval > 0 ? interval(syncInterval, this.scheduler) : EMPTY
        ),
        tap(() => {
          // Offline, the interval re-checks reachability instead (navigator.onLine may lie).
          const offline =
            this.store.selectSignal(offlineSyncFeature.selectConnection)() === 'offline';
          void (offline ? this.network.check() : this.engine.sync());
        })
      ),
    { dispatch: false }
  );
}
