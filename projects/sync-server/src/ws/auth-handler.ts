import { SyncError } from '../errors';
import type { Authenticate } from '../http/auth';
import type { SyncLogger } from '../logger';
import type { ClientSession } from './client-session';
import { WS_CLOSE_CODES, type ClientAppMessage } from './messages';

/** Tokens as the `Authorization` header may carry them; checked here so no space sneaks in. */
const TOKEN = /^[\x21-\x7e]{1,4096}$/;

/**
 * Builds the handler of `{type:'auth', token}`. The token goes through the same check as a
 * REST request's `Authorization: Bearer` header, so both doors let in the same users. Without
 * server auth every connection is already anonymous and `auth` just answers `auth_ok`. A bad
 * or expired token closes the connection (4401): the client must get a new token, not retry
 * this one. `auth_ok` names the token's expiry when it has one, so a client can re-auth
 * before it passes.
 *
 * @example
 * const authenticate = createAuthenticator(options.auth, options.now);
 * const auth = createAuthHandler(authenticate, options.auth !== null, logger);
 * await auth(session, { type: 'auth', token: 'alice-token' });
 */
export function createAuthHandler(
  authenticate: Authenticate,
  authRequired: boolean,
  logger: SyncLogger
): (session: ClientSession, message: ClientAppMessage) => void | Promise<void> {
  const refuse = (session: ClientSession, message: string) =>
    session.fail('auth_error', 'unauthorized', message, WS_CLOSE_CODES.authFailed);

  return (session, message) => {
    if (!authRequired) {
      session.send({ type: 'auth_ok', userId: null });
      return;
    }
    const token = message['token'];
    if (typeof token !== 'string' || token === '') {
      return refuse(session, 'token must be a non-empty string');
    }
    if (!TOKEN.test(token)) return refuse(session, 'The token is not valid');
    return authenticate(`Bearer ${token}`).then(
      (actor) => {
        // The client may have gone (or been closed) while a verify hook was running.
        if (!session.isOpen) return;
        session.authenticate(actor);
        const { userId, expiresAt } = actor;
        session.send(
          expiresAt === null
            ? { type: 'auth_ok', userId }
            : { type: 'auth_ok', userId, expiresAt: new Date(expiresAt).toISOString() }
        );
      },
      (err: unknown) => {
        if (err instanceof SyncError && err.code === 'token_expired') {
          const code = WS_CLOSE_CODES.authFailed;
          return session.fail('auth_error', 'token_expired', err.message, code);
        }
        if (err instanceof SyncError && err.status === 401) {
          return refuse(session, 'The token is not valid');
        }
        logger.error(`WS #${session.id} auth failed`, err);
        const text = 'The server failed to check the token';
        session.fail('auth_error', 'internal', text, WS_CLOSE_CODES.internalError);
      }
    );
  };
}
