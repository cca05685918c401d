import { createFeature, createReducer, createSelector, on } from '@ngrx/store';
import { SyncConflict } from '../model/sync-conflict';
import { SyncErrorInfo } from '../model/sync-error';
import { WebSocketState } from '../model/web-socket-options';
import { EncryptionState } from '../model/encryption-options';
import {
  ConnectionState,
  PersistentStorageState,
  SyncPhase,
  SyncStatus,
} from '../model/sync-status';
import { OfflineSyncEngineActions } from './offline-sync-engine.actions';
import { OfflineSyncStorageActions } from './offline-sync-storage.actions';
import { OfflineSyncConflictActions } from './offline-sync-conflict.actions';
import { OfflineSyncWebSocketActions } from './offline-sync-web-socket.actions';
import { OfflineSyncEncryptionActions } from './offline-sync-encryption.actions';
import { isConflictOf, withoutConflict, withConflict, withLocalEdits } from './open-conflicts';

/**
 * The kit's own slice of the store (feature key `offlineSync`). Read it through the selectors
 * below rather than directly; `selectSyncStatus` gives the whole {@link SyncStatus}.
 *
 * @example
 * const state: OfflineSyncState = store.selectSignal(offlineSyncFeature.selectOfflineSyncState)();
 */
export interface OfflineSyncState {
  readonly storage: 'opening' | 'open' | 'unavailable';
  /** What the engine is doing with the server, if anything. */
  readonly activity: 'pushing' | 'pulling' | null;
  readonly connection: ConnectionState;
  readonly pendingCount: number;
  readonly failedCount: number;
  readonly lastSyncAt: number | null;
  readonly lastError: SyncErrorInfo | null;
  readonly nextRetryAt: number | null;
  readonly periodicSync: boolean;
  /** Per registered entity type: has it been loaded from the database into the store yet? */
  readonly hydration: Readonly<Record<string, boolean>>;
  /** Entity types whose stored records could not be loaded, with the reason. */
  readonly hydrationErrors: Readonly<Record<string, SyncErrorInfo>>;
  readonly persistentStorage: PersistentStorageState;
  /** Conflicts waiting for the app (`manual`) or for a `custom` resolver, oldest first. */
  readonly conflicts: readonly SyncConflict[];
  /** The real-time connection (`withWebSocket()`); `disconnected` without one. */
  readonly webSocket: WebSocketState;
  /** Encryption at rest: `off`, `on`, `rewriting` or `locked` (a key is missing or wrong). */
  readonly encryption: EncryptionState;
  /** Whether stored values are, or are being, encrypted. */
  readonly encryptionEnabled: boolean;
}

const initialState: OfflineSyncState = {
  storage: 'opening',
  activity: null,
  connection: 'unknown',
  pendingCount: 0,
  failedCount: 0,
  lastSyncAt: null,
  lastError: null,
  nextRetryAt: null,
  periodicSync: true,
  hydration: {},
  hydrationErrors: {},
  persistentStorage: 'not-requested',
  conflicts: [],
  webSocket: 'disconnected',
  encryption: 'off',
  encryptionEnabled: false,
};

const A = OfflineSyncStorageActions;
const E = OfflineSyncEngineActions;
const C = OfflineSyncConflictActions;
const W = OfflineSyncWebSocketActions;
const X = OfflineSyncEncryptionActions;

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
    on(A.databaseOpened, (state, { pendingCount, failedCount, conflicts }) => ({
      ...state,
      storage: 'open' as const,
      pendingCount,
      failedCount,
      conflicts,
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
      // A type loaded on a second try (after the encryption key was given) is no longer failed.
      hydrationErrors: withoutKey(state.hydrationErrors, modelType),
    })),
    on(A.hydrationFailed, (state, { modelType, error }) => ({
      ...state,
      lastError: error,
      hydrationErrors: { ...state.hydrationErrors, [modelType]: error },
    })),
    on(A.writesCommitted, (state, { pendingCount, writes }) => ({
      ...state,
      pendingCount: pendingCount ?? state.pendingCount,
      conflicts: withLocalEdits(state.conflicts, writes),
    })),
    on(A.writesFailed, (state, { error }) => ({ ...state, lastError: error })),
    on(A.persistentStorageResolved, (state, { state: persistentStorage }) => ({
      ...state,
      persistentStorage,
    })),
    on(E.wentOnline, (state) => ({ ...state, connection: 'online' as const })),
    on(E.wentOffline, (state) => ({ ...state, connection: 'offline' as const, activity: null })),
    on(E.pushStarted, (state) => ({ ...state, activity: 'pushing' as const })),
    on(E.pushCompleted, (state, { pendingCount, failedCount }) => ({
      ...state,
      activity: null,
      pendingCount,
      failedCount,
      nextRetryAt: null,
    })),
    on(E.pushFailed, (state, { error, nextRetryAt }) => ({
      ...state,
      activity: null,
      lastError: error,
      nextRetryAt,
    })),
    on(E.pushAnswerInvalid, (state, { error }) => ({ ...state, lastError: error })),
    on(E.pullStarted, (state) => ({ ...state, activity: 'pulling' as const })),
    on(E.pullCompleted, (state) => ({ ...state, activity: null })),
    on(E.pullFailed, (state, { error }) => ({ ...state, activity: null, lastError: error })),
    on(E.syncCompleted, (state, { at }) => ({
      ...state,
      activity: null,
      lastSyncAt: at,
      lastError: null,
      nextRetryAt: null,
    })),
    on(E.syncAuthFailed, (state, { error }) => ({ ...state, activity: null, lastError: error })),
    on(E.outboxCounted, (state, { pendingCount, failedCount }) => ({
      ...state,
      pendingCount,
      failedCount,
    })),
    on(E.periodicSyncStarted, (state) => ({ ...state, periodicSync: true })),
    on(E.periodicSyncStopped, (state) => ({ ...state, periodicSync: false })),
    on(C.conflictDetected, (state, { conflict }) => ({
      ...state,
      conflicts: withConflict(state.conflicts, conflict),
    })),
    on(C.conflictResolved, (state, target) => ({
      ...state,
      conflicts: withoutConflict(state.conflicts, target),
    })),
    on(C.conflictResolutionFailed, (state, { modelType, id, error }) => ({
      ...state,
      conflicts: state.conflicts.map((c) =>
        isConflictOf(c, modelType, id) ? { ...c, strategy: 'manual' as const, error } : c
      ),
    })),
    on(C.conflictsRestored, (state, { conflicts }) => ({ ...state, conflicts })),
    on(W.connecting, (state) => ({ ...state, webSocket: 'connecting' as const })),
    on(W.connected, (state) => ({ ...state, webSocket: 'connected' as const })),
    on(W.reconnecting, (state) => ({ ...state, webSocket: 'reconnecting' as const })),
    on(W.disconnected, (state, { error }) => ({
      ...state,
      webSocket: 'disconnected' as const,
      lastError: error ?? state.lastError,
    })),
    on(X.stateChanged, (state, { state: encryption, enabled }) => ({
      ...state,
      encryption,
      encryptionEnabled: enabled,
    })),
    on(X.encryptionFailed, (state, { error }) => ({ ...state, lastError: error }))
  ),
  extraSelectors: ({
    selectStorage,
    selectActivity,
    selectHydration,
    selectConnection,
    selectNextRetryAt,
    selectWebSocket,
    ...selectors
  }) => {
    const selectIsWebSocketConnected = createSelector(
      selectWebSocket,
      (webSocket) => webSocket === 'connected'
    );
    const selectIsHydrated = createSelector(
      selectStorage,
      selectHydration,
      (storage, hydration) => storage === 'open' && Object.values(hydration).every(Boolean)
    );
    // Every type loaded or given up on: what syncing waits for (a type that failed to load is
    // left out of syncs; it must not hold back the others).
    const selectHydrationSettled = createSelector(
      selectStorage,
      selectHydration,
      selectors.selectHydrationErrors,
      (storage, hydration, errors) =>
        storage === 'open' &&
        Object.entries(hydration).every(([type, done]) => done || type in errors)
    );
    const selectSyncPhase = createSelector(
      selectStorage,
      selectIsHydrated,
      selectActivity,
      selectConnection,
      selectNextRetryAt,
      (storage, hydrated, activity, connection, nextRetryAt): SyncPhase => {
        if (storage === 'unavailable') return 'error';
        if (!hydrated) return 'hydrating';
        if (activity) return activity;
        if (connection === 'offline') return 'offline';
        return nextRetryAt === null ? 'idle' : 'error';
      }
    );
    const selectSyncStatus = createSelector(
      selectSyncPhase,
      selectConnection,
      selectActivity,
      selectors.selectPendingCount,
      selectors.selectFailedCount,
      selectors.selectLastSyncAt,
      selectors.selectLastError,
      selectNextRetryAt,
      selectors.selectConflicts,
      selectWebSocket,
      selectors.selectEncryption,
      (
        phase,
        connection,
        activity,
        pendingChanges,
        failedChanges,
        lastSyncTime,
        lastError,
        nextRetryAt,
        conflicts,
        webSocket,
        encryption
      ): SyncStatus => ({
        phase,
        connection,
        isOnline: connection === 'online',
        isSyncing: activity !== null,
        pendingChanges,
        failedChanges,
        lastSyncTime,
        lastError,
        nextRetryAt,
        openConflicts: conflicts.length,
        webSocket,
        encryption,
      })
    );
    return {
      selectIsHydrated,
      selectHydrationSettled,
      selectSyncPhase,
      selectSyncStatus,
      selectIsWebSocketConnected,
    };
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
 * `hydrating` until the database is open and every registered entity type is hydrated, then
 * `idle`, `pushing`, `pulling`, `offline`, or `error` (see {@link SyncPhase}).
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

/**
 * Number of dead letters: changes the server refused for good.
 *
 * @example
 * readonly failed = inject(Store).selectSignal(selectFailedCount);
 */
export const selectFailedCount = offlineSyncFeature.selectFailedCount;

/**
 * When the next retry of a failed push is due (ms since epoch), or `null`.
 *
 * @example
 * readonly nextRetryAt = inject(Store).selectSignal(selectNextRetryAt);
 */
export const selectNextRetryAt = offlineSyncFeature.selectNextRetryAt;

/**
 * Conflicts waiting for the app (strategy `manual`, or a `custom` resolver that failed, with its
 * `error`) or for a resolver, oldest first; resolve one with `resolveConflict`.
 *
 * @example
 * readonly conflicts = inject(Store).selectSignal(selectConflicts);
 */
export const selectConflicts = offlineSyncFeature.selectConflicts;

/**
 * The open conflict of one record, or `undefined` when it has none.
 *
 * @example
 * readonly conflict = inject(Store).selectSignal(selectConflictFor('todo', this.id));
 */
export const selectConflictFor = (modelType: string, id: string) =>
  createSelector(selectConflicts, (conflicts) =>
    conflicts.find((c) => isConflictOf(c, modelType, id))
  );

/**
 * The real-time connection's state: `connecting`, `connected`, `reconnecting` or `disconnected`
 * (always `disconnected` without `withWebSocket()`).
 *
 * @example
 * readonly live = inject(Store).selectSignal(selectWebSocketState);
 */
export const selectWebSocketState = offlineSyncFeature.selectWebSocket;

/**
 * Encryption at rest: `off`, `on`, `rewriting` (values being re-encrypted) or `locked` (the key
 * is missing or wrong; pass it to `OfflineSyncService.enableEncryption()`).
 *
 * @example
 * readonly locked = computed(() => inject(Store).selectSignal(selectEncryptionState)() === 'locked');
 */
export const selectEncryptionState = offlineSyncFeature.selectEncryption;

/**
 * True while stored values are, or are being, encrypted.
 *
 * @example
 * readonly encrypted = inject(Store).selectSignal(selectIsEncryptionEnabled);
 */
export const selectIsEncryptionEnabled = offlineSyncFeature.selectEncryptionEnabled;

/**
 * True while the real-time connection is open and authenticated.
 *
 * @example
 * readonly live = inject(Store).selectSignal(selectIsWebSocketConnected);
 */
export const selectIsWebSocketConnected = offlineSyncFeature.selectIsWebSocketConnected;

function withoutKey<V>(map: Readonly<Record<string, V>>, key: string): Readonly<Record<string, V>> {
  if (!(key in map)) return map;
  const { [key]: _removed, ...rest } = map;
  return rest;
}
