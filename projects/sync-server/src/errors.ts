import type { ErrorInfo, SyncEntry } from './model';

/** Every `error.code` the server answers with; see docs/protocol.md for when each is used. */
export type SyncErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'invalid_id'
  | 'invalid_cursor'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthorized'
  | 'token_expired'
  | 'not_found'
  | 'unknown_collection'
  | 'method_not_allowed'
  | 'conflict'
  | 'precondition_failed'
  | 'idempotency_key_reused'
  | 'internal';

/**
 * An answer that is not a success, thrown anywhere below the routes and turned into
 * `{ error: { code, message } }` with its status by the app's error handler. A 409 carries
 * the server's `current` entry so the client can resolve the conflict without another read.
 *
 * @example
 * throw new SyncError(404, 'not_found', 'todos/t1 does not exist');
 */
export class SyncError extends Error {
  constructor(
    readonly status: number,
    readonly code: SyncErrorCode,
    message: string,
    readonly current?: SyncEntry
  ) {
    super(message);
    this.name = 'SyncError';
  }

  /** The `{ code, message }` pair, as batch results carry it. */
  get info(): ErrorInfo {
    return { code: this.code, message: this.message };
  }

  /** The JSON body of the HTTP answer. */
  toBody(): { error: ErrorInfo; current?: SyncEntry } {
    return this.current ? { error: this.info, current: this.current } : { error: this.info };
  }
}

/** 400 with `code` (default `invalid_request`). */
export function badRequest(message: string, code: SyncErrorCode = 'invalid_request'): SyncError {
  return new SyncError(400, code, message);
}

/** 404 `not_found`. */
export function notFound(message: string): SyncError {
  return new SyncError(404, 'not_found', message);
}

/** 409 `conflict` carrying the server's current record or tombstone. */
export function conflict(message: string, current: SyncEntry): SyncError {
  return new SyncError(409, 'conflict', message, current);
}

/** 401 `unauthorized`, or `token_expired` for a token that was valid until its expiry. */
export function unauthorized(
  message: string,
  code: 'unauthorized' | 'token_expired' = 'unauthorized'
): SyncError {
  return new SyncError(401, code, message);
}

/** Anything that is not a SyncError is a bug: answer 500 without leaking its details. */
export function toSyncError(err: unknown): SyncError {
  return err instanceof SyncError
    ? err
    : new SyncError(500, 'internal', 'The server failed to handle this request');
}
