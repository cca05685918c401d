import { SyncErrorInfo } from './sync-error';
import { WebSocketState } from './web-socket-options';
import { EncryptionState } from './encryption-options';

/**
 * What the kit is doing right now.
 * - `hydrating`: opening the database and loading the store;
 * - `idle`: ready, nothing in flight;
 * - `pushing` / `pulling`: talking to the server;
 * - `offline`: the server cannot be reached; changes wait in the outbox;
 * - `error`: the last sync failed and a retry is scheduled (`nextRetryAt`), or there is no
 *   usable IndexedDB (server-side rendering, a database closed by another tab's upgrade).
 *
 * @example
 * const busy = status.phase === 'pushing' || status.phase === 'pulling';
 */
export type SyncPhase = 'hydrating' | 'idle' | 'pushing' | 'pulling' | 'offline' | 'error';

/**
 * Whether the server can be reached, as far as the kit knows.
 *
 * @example
 * const showOfflineBanner = status.connection === 'offline';
 */
export type ConnectionState = 'online' | 'offline' | 'unknown';

/**
 * The outcome of asking the browser to keep the database from being evicted
 * (`navigator.storage.persist()`).
 *
 * @example
 * if (status.persistentStorage === 'denied') warnThatDataMayBeEvicted();
 */
export type PersistentStorageState = 'not-requested' | 'granted' | 'denied' | 'unsupported';

/**
 * The sync status, read through `selectSyncStatus` or `OfflineSyncService.currentStatus`.
 *
 * @example
 * const status = inject(OfflineSyncService).currentStatus();
 * const label = status.pendingChanges ? `${status.pendingChanges} to sync` : 'All saved';
 */
export interface SyncStatus {
  readonly phase: SyncPhase;
  readonly connection: ConnectionState;
  readonly isOnline: boolean;
  readonly isSyncing: boolean;
  /** Outbox entries not yet confirmed by the server (dead letters not included). */
  readonly pendingChanges: number;
  /** Dead letters: changes the server refused, waiting for `retryFailed` or `discardFailed`. */
  readonly failedChanges: number;
  /** When the last sync finished (ms since epoch), `null` if never. */
  readonly lastSyncTime: number | null;
  readonly lastError: SyncErrorInfo | null;
  /** When the next retry of a failed push is due (ms since epoch), `null` if none is. */
  readonly nextRetryAt: number | null;
  /** Conflicts waiting for the app (or a resolver); see `selectConflicts`. */
  readonly openConflicts: number;
  /** The real-time connection (`withWebSocket()`); `disconnected` without one. */
  readonly webSocket: WebSocketState;
  /** Encryption at rest (`withEncryption()`); `off` without it. */
  readonly encryption: EncryptionState;
}
