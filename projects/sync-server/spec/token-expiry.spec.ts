import { WS_CLOSE_CODES, type SyncLogger } from '../src';
import { TokenExpiry, type ExpiryTimers } from '../src/ws/token-expiry';
import { expiringToken, expiringTokenAuth, VirtualClock } from './support/expiring-tokens';
import { useTestServer } from './support/test-server';
import { connect, eventually, refusedUpgrade } from './support/ws-client';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('token expiry', () => {
  const clock = new VirtualClock();
  const errors: string[] = [];
  const logger: SyncLogger = {
    info: () => {},
    warn: () => {},
    error: (message, err) => errors.push(`${message}: ${String(err)}`),
  };
  const t = useTestServer({ now: clock.now, logger, auth: expiringTokenAuth() });
  const soon = () => clock.ms + 100;

  beforeEach(() => (errors.length = 0));

  describe('on REST', () => {
    it('accepts a token until it expires, then answers 401 token_expired', async () => {
      for (const mint of [() => expiringToken('carol', soon()), () => `dated:carol:${soon()}`]) {
        const token = mint();
        expect((await t().get('/todos', { token })).status)
          .withContext(token)
          .toBe(200);
        clock.advance(100);
        const res = await t().get('/todos', { token });
        expect(res.status).withContext(token).toBe(401);
        expect(res.body.error.code).toBe('token_expired');
        expect(res.body.error.message).toMatch(/expired at 2030-.*get a new one/);
        expect(res.headers.get('www-authenticate')).toBe(
          'Bearer error="invalid_token", error_description="The access token expired"'
        );
      }
      expect((await t().post('/todos', { id: 't1' }, { token: 'forever:carol' })).status).toBe(201);
    });

    it('answers 500 and logs why for an expiry verify should not have returned', async () => {
      const cases = [
        ['raw:{"userId":"carol","expiresAt":1893456000}', /looks like seconds .* exp \* 1000/],
        ['raw:{"userId":"carol","expiresAt":"tomorrow"}', /use a Date or epoch ms/],
      ] as const;
      for (const [token, logged] of cases) {
        expect((await t().get('/todos', { token })).status)
          .withContext(token)
          .toBe(500);
        expect(errors.pop()).toMatch(logged);
      }
    });
  });

  describe('on WebSocket', () => {
    it('refuses an expired token with auth_error token_expired and 4401', async () => {
      const socket = await connect(t());
      const token = expiringToken('carol', clock.ms);
      const answer = await socket.request({ type: 'auth', token }, 'auth_error');
      expect(answer.error.code).toBe('token_expired');
      expect(await socket.closed).toEqual({
        code: WS_CLOSE_CODES.authFailed,
        reason: 'token expired',
      });
      const header = { authorization: `Bearer ${token}` };
      const refused = await refusedUpgrade(t(), { headers: header });
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('token_expired');
    });

    it('closes an open connection when its token expires, and forgets it', async () => {
      const socket = await connect(t());
      const expiresAt = soon();
      const ok = await socket.request(
        { type: 'auth', token: expiringToken('carol', expiresAt) },
        'auth_ok'
      );
      expect(ok).toEqual({
        type: 'auth_ok',
        userId: 'carol',
        expiresAt: new Date(expiresAt).toISOString(),
      });
      await socket.subscribe('todos');
      clock.advance(100);
      const expired = await socket.nextOf('auth_error');
      expect(expired.error.code).toBe('token_expired');
      expect(expired.error.message).toContain("{type:'auth', token} with a fresh token");
      expect((await socket.closed).code).toBe(WS_CLOSE_CODES.authFailed);
      await eventually(() => t().server.webSocketStats().connections === 0);
      expect(t().server.webSocketStats().subscriptions).toBe(0);
    });

    it('keeps a connection that re-authenticated with a fresh token before expiry', async () => {
      const socket = await connect(t(), { token: expiringToken('carol', soon()) });
      await socket.request(
        { type: 'auth', token: expiringToken('carol', clock.ms + 400) },
        'auth_ok'
      );
      clock.advance(200); // past the first token's expiry, not the second's
      // Long enough for the first token's timer (≤100 ms) to fire if the re-auth left it.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await socket.request({ type: 'ping' }, 'pong')).type).toBe('pong');
      clock.advance(200);
      expect((await socket.nextOf('auth_error')).error.code).toBe('token_expired');
      expect((await socket.closed).code).toBe(WS_CLOSE_CODES.authFailed);
    });

    it('stops watching when the connection re-authenticates with a token that never expires', async () => {
      const socket = await connect(t(), { token: expiringToken('carol', soon()) });
      await socket.request({ type: 'auth', token: 'forever:carol' }, 'auth_ok');
      clock.advance(DAY_MS);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await socket.request({ type: 'ping' }, 'pong')).type).toBe('pong');
      await socket.close();
    });

    it('watches the expiry of a token sent on the upgrade', async () => {
      const headers = { authorization: `Bearer ${expiringToken('carol', soon())}` };
      const socket = await connect(t(), { headers });
      clock.advance(100);
      expect((await socket.nextOf('auth_error')).error.code).toBe('token_expired');
      expect((await socket.closed).code).toBe(WS_CLOSE_CODES.authFailed);
    });
  });
});

describe('TokenExpiry', () => {
  /** Timers the spec fires by hand: the delays asked for, and the pending callbacks. */
  function manualTimers(): ExpiryTimers & { delays: number[]; fire(): void; pending: number } {
    const pending = new Map<number, () => void>();
    let next = 0;
    const delays: number[] = [];
    return {
      delays,
      set: (callback, ms) => {
        delays.push(ms);
        pending.set(++next, callback);
        return next;
      },
      clear: (handle) => pending.delete(handle as number),
      fire: () => {
        const due = [...pending.values()];
        pending.clear();
        for (const callback of due) callback();
      },
      get pending() {
        return pending.size;
      },
    };
  }

  it('asks the clock again when the timer fires, and waits for what is left', () => {
    let now = 0;
    const timers = manualTimers();
    const expired = jasmine.createSpy('expired');
    new TokenExpiry(() => new Date(now), timers).watch(1000, expired);
    now = 400; // the timer fired early, or the clock was set back
    timers.fire();
    expect(expired).not.toHaveBeenCalled();
    now = 1000;
    timers.fire();
    expect(expired).toHaveBeenCalledOnceWith(1000);
    expect(timers.delays).toEqual([1000, 600]);
    expect(timers.pending).toBe(0);
  });

  it('waits in steps of at most 2^31-1 ms for a token that lives 30 days', () => {
    const timers = manualTimers();
    const expired = jasmine.createSpy('expired');
    new TokenExpiry(() => new Date(0), timers).watch(30 * DAY_MS, expired);
    timers.fire();
    expect(timers.delays).toEqual([2 ** 31 - 1, 2 ** 31 - 1]);
    expect(expired).not.toHaveBeenCalled();
  });

  it('replaces the watch on a new token, and clears it on stop', () => {
    const timers = manualTimers();
    const first = jasmine.createSpy('first');
    const expiry = new TokenExpiry(() => new Date(5000), timers);
    expiry.watch(1000, first);
    expiry.watch(null, first);
    expect(timers.pending).toBe(0);
    expiry.watch(9000, first);
    expiry.stop();
    expiry.stop();
    expect(timers.pending).toBe(0);
    expect(first).not.toHaveBeenCalled();
  });
});
