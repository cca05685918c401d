import type { SyncAuthOptions, VerifiedToken } from '../../src';

/**
 * A server clock the spec moves by hand. Token expiry is judged on it, so "the token has
 * expired" happens when the spec says so, not when a loaded machine gets round to it.
 *
 * @example
 * const clock = new VirtualClock();
 * useTestServer({ now: clock.now, auth: expiringTokenAuth() });
 * clock.advance(1000);
 */
export class VirtualClock {
  /** A fixed start, so failure messages are the same from run to run. */
  ms = Date.parse('2030-01-01T00:00:00.000Z');

  readonly now = (): Date => new Date(this.ms);

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * Auth whose `verify` reads the user and the expiry out of the token itself, as a JWT's claims
 * would be read, so each spec mints the tokens it needs:
 * - `expiring:<user>:<epoch ms>` → `{ userId, expiresAt: <epoch ms> }`
 * - `dated:<user>:<epoch ms>` → `{ userId, expiresAt: new Date(<epoch ms>) }`
 * - `forever:<user>` → the plain user id, a token that never expires
 * - `raw:<json>` → the JSON as it is (a broken `verify`, for the checks of its answer)
 * Anything else is refused. `tokens` adds static tokens.
 *
 * @example
 * const auth = expiringTokenAuth({ 'alice-token': 'alice' });
 * await t().get('/todos', { token: expiringToken('carol', clock.ms + 1000) });
 */
export function expiringTokenAuth(tokens: Record<string, string> = {}): SyncAuthOptions {
  return {
    tokens,
    verify: async (token) => {
      const [kind, user = '', rest = ''] = token.split(':');
      if (kind === 'expiring') return { userId: user, expiresAt: Number(rest) };
      if (kind === 'dated') return { userId: user, expiresAt: new Date(Number(rest)) };
      if (kind === 'forever') return user;
      if (kind === 'raw') return JSON.parse(token.slice(4)) as VerifiedToken;
      return null;
    },
  };
}

/**
 * A token `expiringTokenAuth` resolves to `user`, expiring at `expiresAt` (epoch ms).
 *
 * @example
 * expiringToken('carol', clock.ms + 100); // 'expiring:carol:1893456000100'
 */
export function expiringToken(user: string, expiresAt: number): string {
  return `expiring:${user}:${expiresAt}`;
}
