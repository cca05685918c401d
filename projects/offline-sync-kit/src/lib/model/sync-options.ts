import { ConflictPolicy } from './sync-conflict';

/**
 * The retry policy for pushes that failed for a reason that may pass (network, timeout, 5xx,
 * 408, 429): exponential backoff with full jitter, capped.
 *
 * @example
 * const retry: RetryPolicy = { initialDelay: 1000, maxDelay: 60_000, multiplier: 2, maxAttempts: 10 };
 */
export interface RetryPolicy {
  /** Delay before the first retry, in ms. */
  readonly initialDelay: number;
  /** Longest delay between retries, in ms. */
  readonly maxDelay: number;
  /** Growth of the delay per attempt. */
  readonly multiplier: number;
  /** Attempts before the entry is parked as `failed`. */
  readonly maxAttempts: number;
}

/**
 * How the kit talks to the server. Given at setup in `provideOfflineSync({ sync })`; some can be
 * changed at run time with `OfflineSyncService.updateSyncOptions()`.
 *
 * @example
 * provideOfflineSync({ entities: [TodoSync], sync: { serverUrl: 'https://api.example.com', syncInterval: 30_000 } });
 */
export interface SyncOptions {
  /** Base URL of the REST API; without one the kit works offline only and never pushes. */
  readonly serverUrl?: string | null;
  /** Outbox entries per push request (or per batch). Default 50. */
  readonly batchSize?: number;
  /** Send pushes as one `POST /sync/batch`; otherwise one request per entry. Default false. */
  readonly useBatchEndpoint?: boolean;
  /** Send only changed fields (PATCH) rather than whole records. Default true. */
  readonly useDeltaSync?: boolean;
  /**
   * Pull server changes after each push and on the interval. Default true. (While the WebSocket
   * is connected on its default channels, a push for local writes is not followed by a pull: the
   * socket brings the server's changes.)
   */
  readonly bidirectionalSync?: boolean;
  /** Period of automatic sync in ms; 0 turns it off. Default 60 000. */
  readonly syncInterval?: number;
  /** Wait after a local write before pushing, so a burst goes in one push. Default 300 ms. */
  readonly pushDebounce?: number;
  /** Records per pull page. Default 100. */
  readonly pullPageSize?: number;
  /** Timeout of one request in ms. Default 30 000. */
  readonly requestTimeout?: number;
  readonly retry?: Partial<RetryPolicy>;
  /**
   * How conflicts are settled, for every type that does not set its own (see `docs/conflicts.md`).
   * Default `{ strategy: 'mergeFields', sameField: 'serverWins', deleteVsUpdate: 'updateWins' }`.
   */
  readonly conflicts?: ConflictPolicy;
}
