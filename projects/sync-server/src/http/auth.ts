import { createHash } from 'node:crypto';
import { unauthorized } from '../errors';
import type { SyncAuthOptions, VerifiedToken } from '../options';
import type { Actor } from '../sync-engine';

/**
 * Who a token acts for, and until when: `expiresAt` in epoch ms, or null for a token that does
 * not expire (static tokens, a `verify` that returns a plain user id, no auth).
 */
export interface AuthenticatedActor extends Actor {
  expiresAt: number | null;
}

/** Resolves the `Authorization` header of a request to the actor it acts for. */
export type Authenticate = (authorization: string | undefined) => Promise<AuthenticatedActor>;

const ANONYMOUS: AuthenticatedActor = { userId: null, scope: '', expiresAt: null };

/**
 * Epoch ms below this are taken for seconds: 1e11 ms is March 1973, while 1e11 s is the year
 * 5138. A JWT's `exp` passed as is would otherwise expire every token at once.
 */
const SMALLEST_EPOCH_MS = 1e11;

/**
 * Builds the auth check from the options: without auth everyone is anonymous and shares the
 * records; with it, a bearer token must resolve to a user (static `tokens` first, then
 * `verify`), or the request answers 401. A token `verify` gave an expiry answers 401
 * `token_expired` from that moment on `now()`'s clock.
 *
 * @example
 * const authenticate = createAuthenticator({ tokens: { secret: 'alice' } }, () => new Date());
 * await authenticate('Bearer secret'); // { userId: 'alice', scope: 'alice', expiresAt: null }
 */
export function createAuthenticator(auth: SyncAuthOptions | null, now: () => Date): Authenticate {
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
    const verified = readVerified(tokens.get(digest(token)) ?? (await auth.verify?.(token)));
    if (!verified) throw unauthorized('The bearer token is not valid');
    const { userId, expiresAt } = verified;
    if (expiresAt !== null && expiresAt <= now().getTime()) {
      const when = new Date(expiresAt).toISOString();
      throw unauthorized(`The bearer token expired at ${when}; get a new one`, 'token_expired');
    }
    return { userId, scope: scopeRecords ? userId : '', expiresAt };
  };
}

/**
 * The `WWW-Authenticate` value of a 401 with `code`: RFC 6750's `invalid_token` error for an
 * expired token, so a client library can tell "refresh" from "sign in".
 *
 * @example
 * bearerChallenge('token_expired'); // 'Bearer error="invalid_token", error_description="…"'
 */
export function bearerChallenge(code: string): string {
  return code === 'token_expired'
    ? 'Bearer error="invalid_token", error_description="The access token expired"'
    : 'Bearer';
}

/**
 * Reads what a token resolved to: a user id, `{ userId, expiresAt }`, or a refusal (null).
 * An expiry that is no time at all is the embedder's bug, thrown as such (a 500 with the
 * reason in the log), not a refusal the user could do nothing about.
 */
function readVerified(
  value: string | VerifiedToken | null | undefined
): { userId: string; expiresAt: number | null } | null {
  if (typeof value === 'string') return value === '' ? null : { userId: value, expiresAt: null };
  if (typeof value !== 'object' || value === null) return null;
  const { userId, expiresAt } = value;
  if (typeof userId !== 'string' || userId === '') return null;
  if (expiresAt === null || expiresAt === undefined) return { userId, expiresAt: null };
  const ms = expiresAt instanceof Date ? expiresAt.getTime() : expiresAt;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new Error(`auth.verify returned expiresAt ${String(expiresAt)}: use a Date or epoch ms`);
  }
  if (typeof expiresAt === 'number' && ms < SMALLEST_EPOCH_MS) {
    throw new Error(
      `auth.verify returned expiresAt ${ms}, which looks like seconds (a JWT's exp): ` +
        'give milliseconds, exp * 1000'
    );
  }
  return { userId, expiresAt: ms };
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
