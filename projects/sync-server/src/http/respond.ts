import type { Context } from 'hono';
import { SyncError } from '../errors';
import type { SyncEntry } from '../model';
import { bearerChallenge } from './auth';

/**
 * The entity tag of a record: its version, quoted as HTTP wants (`"3"`). Clients send it back
 * in `If-Match`.
 *
 * @example
 * etag({ id: 't1', version: 3, updatedAt: '…' }); // '"3"'
 */
export function etag(entry: SyncEntry): string {
  return `"${entry.version}"`;
}

/**
 * Answers with a record: JSON body and `ETag`, or no body for 204 (a delete). `replayed`
 * marks an answer served from an idempotency key, which helps when reading logs.
 */
export function entryResponse(
  c: Context,
  status: number,
  entry: SyncEntry,
  replayed = false
): Response {
  c.header('ETag', etag(entry));
  if (replayed) c.header('Idempotent-Replayed', 'true');
  return status === 204 ? c.body(null, 204) : c.json(entry, status as 200 | 201);
}

/**
 * Answers with `{ error: { code, message } }` (plus `current` and its `ETag` on a 409).
 * A 401 names the scheme in `WWW-Authenticate`, as HTTP requires (and says when the token
 * expired).
 */
export function errorResponse(c: Context, error: SyncError): Response {
  if (error.current) c.header('ETag', etag(error.current));
  if (error.status === 401) c.header('WWW-Authenticate', bearerChallenge(error.code));
  return c.json(error.toBody(), error.status as 400);
}

/** 405 `method_not_allowed`, with the `Allow` header listing what the route takes. */
export function methodNotAllowed(c: Context, allow: string): Response {
  c.header('Allow', allow);
  return errorResponse(
    c,
    new SyncError(405, 'method_not_allowed', `Use ${allow} here, not ${c.req.method}`)
  );
}
