import { SyncErrorInfo } from './sync-error';

/**
 * What the kit is doing right now.
 * - `starting`: opening the database and hydrating the store;
 * - `idle`: ready, nothing in flight;
 * - `syncing`: talking to the server;
 * - `unavailable`: no usable IndexedDB (server-side rendering, a test without a browser, a
 *   database closed by another tab's upgrade); the kit stays idle and `lastError` says why.
 *
 * @example
 * const busy = status.phase === 'syncing';
 */
export type SyncPhase = 'starting' | 'idle' | 'syncing' | 'unavailable';

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
 * The sync status as a small union of facts, read through selectors or
 * `OfflineSyncService.currentStatus`.
 *
 * @example
 * const status = inject(OfflineSyncService).currentStatus();
 * const label = status.pendingCount ? `${status.pendingCount} to sync` : 'All saved';
 */
export interface SyncStatus {
  readonly phase: SyncPhase;
  readonly connection: ConnectionState;
  /** Outbox entries not yet confirmed by the server. */
  readonly pendingCount: number;
  /** When the last sync with the server finished (ms since epoch), `null` if never. */
  readonly lastSyncAt: number | null;
  readonly lastError: SyncErrorInfo | null;
}
