import { OfflineSyncError } from './sync-error';
import { ServerChange } from './server-change';

/**
 * What became of one pushed outbox entry, one per entry and in the order they were sent.
 * - `applied`: the server committed it; `record` is the server's record (a tombstone for a delete),
 *   or `null` when the server accepted it (2xx with a JSON body, or none) but the record in its
 *   answer cannot be used: then `error` (kind `invalid-response`) says why, the record keeps its
 *   local data and the kit reads it back from the server;
 * - `conflict`: the base version was stale (409/412); `current` is the server's record now, `null`
 *   when the answer did not carry a usable one (`error` says what was wrong with it, if anything);
 * - `rejected`: refused for good (another 4xx); the entry becomes a dead letter;
 * - `retry`: not known to be applied (network, timeout, 5xx, 408, 429); send it again later,
 *   with the same idempotency key, not before `retryAfterMs` if the server said so;
 * - `auth`: 401/403; the app must renew the credentials; not counted as an attempt.
 *
 * @example
 * if (outcome.status === 'conflict') console.log('server has', outcome.current);
 */
export type PushOutcome =
  | {
      readonly mutationId: string;
      readonly status: 'applied';
      readonly record: ServerChange | null;
      readonly error?: OfflineSyncError;
    }
  | {
      readonly mutationId: string;
      readonly status: 'conflict';
      readonly current: ServerChange | null;
      readonly error?: OfflineSyncError;
    }
  | { readonly mutationId: string; readonly status: 'rejected'; readonly error: OfflineSyncError }
  | {
      readonly mutationId: string;
      readonly status: 'retry';
      readonly error: OfflineSyncError;
      readonly retryAfterMs?: number;
    }
  | { readonly mutationId: string; readonly status: 'auth'; readonly error: OfflineSyncError };
