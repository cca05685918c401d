import { createFeature, createReducer, createSelector, on } from '@ngrx/store';
import { SyncErrorInfo } from '../model/sync-error';
import {
  ConnectionState,
  PersistentStorageState,
  SyncPhase,
  SyncStatus,
} from '../model/sync-status';
import { OfflineSyncStorageActions } from './offline-sync-storage.actions';

/**
 * The kit's own slice of the store (feature key `offlineSync`). Read it through the selectors
 * below rather than directly; `selectSyncStatus` gives the whole {@link SyncStatus}.
 *
 * @example
 * const state: OfflineSyncState = store.selectSignal(offlineSyncFeature.selectOfflineSyncState)();
 */
export interface OfflineSyncState {
  readonly storage: 'opening' | 'open' | 'unavailable';
  readonly syncing: boolean;
  readonly connection: ConnectionState;
  readonly pendingCount: number;
  readonly lastSyncAt: number | null;
  readonly lastError: SyncErrorInfo | null;
  /** Per registered entity type: has it been loaded from the database into the store yet? */
  readonly hydration: Readonly<Record<string, boolean>>;
  readonly persistentStorage: PersistentStorageState;
}

const initialState: OfflineSyncState = {
  storage: 'opening',
  syncing: false,
  connection: 'unknown',
  pendingCount: 0,
  lastSyncAt: null,
  lastError: null,
  hydration: {},
  persistentStorage: 'not-requested',
};

const A = OfflineSyncStorageActions;

/**
 * The `offlineSync` feature: sync status, hydration progress and the last error, with a selector
 * for each field plus the derived `selectSyncPhase`, `selectIsHydrated` and `selectSyncStatus`.
 *
 * @example
 * const pending = store.selectSignal(offlineSyncFeature.selectPendingCount);
 */
export const offlineSyncFeature = createFeature({
  name: 'offlineSync',
  reducer: createReducer(
    initialState,
    on(A.databaseOpened, (state, { pendingCount }) => ({
      ...state,
      storage: 'open' as const,
      pendingCount,
    })),
    on(A.databaseUnavailable, (state, { error }) => ({
      ...state,
      storage: 'unavailable' as const,
      lastError: error,
    })),
    on(A.databaseBlocked, (state, { error }) => ({ ...state, lastError: error })),
    on(A.entityTypesRegistered, (state, { modelTypes }) => ({
      ...state,
      hydration: {
        ...Object.fromEntries(modelTypes.map((type) => [type, false])),
        ...state.hydration,
      },
    })),
    on(A.entityTypeHydrated, (state, { modelType }) => ({
      ...state,
      hydration: { ...state.hydration, [modelType]: true },
    })),
    on(A.hydrationFailed, (state, { error }) => ({ ...state, lastError: error })),
    on(A.writesCommitted, (state, { pendingCount }) => ({ ...state, pendingCount })),
    on(A.writesFailed, (state, { error }) => ({ ...state, lastError: error })),
    on(A.persistentStorageResolved, (state, { state: persistentStorage }) => ({
      ...state,
      persistentStorage,
    }))
  ),
  extraSelectors: ({ selectStorage, selectSyncing, selectHydration, ...selectors }) => {
    const selectIsHydrated = createSelector(
      selectStorage,
      selectHydration,
      (storage, hydration) => storage === 'open' && Object.values(hydration).every(Boolean)
    );
    const selectSyncPhase = createSelector(
      selectStorage,
      selectIsHydrated,
      selectSyncing,
      (storage, hydrated, syncing): SyncPhase =>
        storage === 'unavailable'
          ? 'unavailable'
          : !hydrated
            ? 'starting'
            : syncing
              ? 'syncing'
              : 'idle'
    );
    const selectSyncStatus = createSelector(
      selectSyncPhase,
      selectors.selectConnection,
      selectors.selectPendingCount,
      selectors.selectLastSyncAt,
      selectors.selectLastError,
      (phase, connection, pendingCount, lastSyncAt, lastError): SyncStatus => ({
        phase,
        connection,
        pendingCount,
        lastSyncAt,
        lastError,
      })
    );
    return { selectIsHydrated, selectSyncPhase, selectSyncStatus };
  },
});

/**
 * The whole sync status: phase, connection, pending count, last sync time and last error.
 *
 * @example
 * readonly status = inject(Store).selectSignal(selectSyncStatus);
 */
export const selectSyncStatus = offlineSyncFeature.selectSyncStatus;

/**
 * `starting` until the database is open and every registered entity type is hydrated, then
 * `idle`/`syncing`; `unavailable` without a usable IndexedDB.
 *
 * @example
 * const phase = store.selectSignal(selectSyncPhase);
 */
export const selectSyncPhase = offlineSyncFeature.selectSyncPhase;

/**
 * True once every registered entity type (also ones a lazy route added) is loaded from the
 * database into the store.
 *
 * @example
 * readonly isHydrated = inject(Store).selectSignal(selectIsHydrated);
 * // template: @if (isHydrated()) { <app-todo-list /> } @else { <app-spinner /> }
 */
export const selectIsHydrated = offlineSyncFeature.selectIsHydrated;

/**
 * Number of local changes the server has not confirmed yet.
 *
 * @example
 * readonly pending = inject(Store).selectSignal(selectPendingCount);
 */
export const selectPendingCount = offlineSyncFeature.selectPendingCount;

/**
 * Whether the server is reachable as far as the kit knows: `online`, `offline` or `unknown`.
 *
 * @example
 * readonly connection = inject(Store).selectSignal(selectConnectionState);
 */
export const selectConnectionState = offlineSyncFeature.selectConnection;

/**
 * When the last sync with the server finished (ms since epoch), or `null`.
 *
 * @example
 * readonly lastSync = inject(Store).selectSignal(selectLastSyncAt);
 */
export const selectLastSyncAt = offlineSyncFeature.selectLastSyncAt;

/**
 * The last error the kit met (storage or sync), as a serializable {@link SyncErrorInfo}.
 *
 * @example
 * readonly error = inject(Store).selectSignal(selectLastSyncError);
 */
export const selectLastSyncError = offlineSyncFeature.selectLastError;

/**
 * Outcome of `requestPersistentStorage`: `not-requested`, `granted`, `denied` or `unsupported`.
 *
 * @example
 * readonly persisted = inject(Store).selectSignal(selectPersistentStorage);
 */
export const selectPersistentStorage = offlineSyncFeature.selectPersistentStorage;
