import { SyncErrorInfo } from './sync-error';

/**
 * Where one record stands with respect to the server.
 * - `pending`: changed locally, waiting in the outbox;
 * - `synced`: equal to what the server last confirmed;
 * - `failed`: the server rejected its change for good (a dead letter);
 * - `conflict`: waiting for a conflict to be resolved.
 *
 * @example
 * const showSpinner = meta.state === 'pending';
 */
export type SyncRecordState = 'pending' | 'synced' | 'failed' | 'conflict';

/**
 * Per-record sync metadata, kept next to the record (never inside the app's own object).
 *
 * @example
 * const meta = store.selectSignal(TodoSync.selectors.selectMetaById(id))();
 * if (meta?.state === 'failed') console.warn(meta.lastError?.message);
 */
export interface SyncMeta {
  readonly state: SyncRecordState;
  /** The server version this record is based on; `null` until the server first confirmed it. */
  readonly version: number | null;
  readonly lastError: SyncErrorInfo | null;
  /** How many times pushing its current change was attempted. */
  readonly attempts: number;
  /** When the record was last changed on this device (ms since epoch, from the kit's clock). */
  readonly localUpdatedAt: number;
}
