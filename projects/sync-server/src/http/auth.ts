import { createHash } from 'node:crypto';
import { unauthorized } from '../errors';
import type { SyncAuthOptions } from '../options';
import type { Actor } from '../sync-engine';

/** Resolves the `Authorization` header of a request to the actor it acts for. */
export type Authenticate = (authorization: string | undefined) => Promise<Actor>;

const ANONYMOUS: Actor = { userId: null, scope: '' };

/**
 * Builds the auth check from the options: without auth everyone is anonymous and shares the
 * records; with it, a bearer token must resolve to a user (static `tokens` first, then
 * `verify`), or the request answers 401.
 *
 * @example
 * const authenticate = createAuthenticator({ tokens: { secret: 'alice' } });
 * await authenticate('Bearer secret'); // { userId: 'alice', scope: 'alice' }
 */
export function createAuthenticator(auth: SyncAuthOptions | null): Authenticate {
  if (!auth) return async () => ANONYMOUS;
  // Keyed by a digest rather than the token: lookups then reveal nothing about how close a
  // guess came, and a token such as 'constructor' cannot hit an Object prototype member.
  const tokens = new Map(
    Object.entries(auth.tokens ?? {}).map(([token, userId]) => [digest(token), userId])
  );
  const scopeRecords = auth.scopeRecords ?? true;

  return async (authorization) => {
    const token = /^Bearer +([\x21-\x7e]{1,4096}) *$/i.exec(authorization ?? '')?.[1];
    if (!token) throw unauthorized('This server needs an Authorization: Bearer <token> header');
    const userId = tokens.get(digest(token)) ?? (await auth.verify?.(token));
    if (typeof userId !== 'string' || userId === '')
      throw unauthorized('The bearer token is not valid');
    return { userId, scope: scopeRecords ? userId : '' };
  };
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
