import { WS_CLOSE_CODES } from '../src';
import { useTestServer } from './support/test-server';
import { connect, eventually, refusedUpgrade } from './support/ws-client';

const tokens = { 'token-a': 'alice', 'token-b': 'bob' };
const alice = { token: 'token-a' };
const bob = { token: 'token-b' };

describe('WebSocket auth', () => {
  const t = useTestServer({ auth: { tokens }, webSocket: { authTimeoutMs: 500 } });

  it('answers auth_ok with the user id', async () => {
    const socket = await connect(t());
    expect(await socket.request({ type: 'auth', token: 'token-a' }, 'auth_ok')).toEqual({
      type: 'auth_ok',
      userId: 'alice',
    });
    await socket.close();
  });

  it('refuses a bad token with auth_error and 4401', async () => {
    for (const token of ['wrong', '', 42, 'token-a extra', undefined]) {
      const socket = await connect(t());
      const answer = await socket.request({ type: 'auth', token }, 'auth_error');
      expect(answer.error.code).withContext(String(token)).toBe('unauthorized');
      expect((await socket.closed).code).toBe(WS_CLOSE_CODES.authFailed);
    }
  });

  it('refuses anything but auth and ping before auth, with 4401', async () => {
    const socket = await connect(t());
    expect((await socket.request({ type: 'ping' }, 'pong')).time).toEqual(jasmine.any(String));
    const answer = await socket.request({ type: 'subscribe', channel: 'todos' }, 'auth_error');
    expect(answer.error.code).toBe('unauthenticated');
    expect(answer.error.message).toContain("{type:'auth', token}");
    expect((await socket.closed).code).toBe(WS_CLOSE_CODES.authFailed);
  });

  it('closes with 4408 when no auth arrives in time', async () => {
    const socket = await connect(t());
    expect((await socket.nextOf('auth_error')).error.code).toBe('auth_timeout');
    expect((await socket.closed).code).toBe(WS_CLOSE_CODES.authTimeout);
  });

  it('accepts a bearer header on the upgrade, and refuses a bad one with 401', async () => {
    const socket = await connect(t(), { headers: { authorization: 'Bearer token-b' } });
    await socket.subscribe('todos');
    await t().post('/todos', { id: 'b1' }, bob);
    expect((await socket.next()).id).toBe('b1');
    await socket.close();
    const refused = await refusedUpgrade(t(), { headers: { authorization: 'Bearer nope' } });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
  });

  it("never pushes one user's writes to another", async () => {
    const a = await connect(t(), alice);
    const b = await connect(t(), bob);
    await a.subscribe('todos');
    await b.subscribe('todos');
    await t().post('/todos', { id: 'b1' }, bob);
    await t().post('/todos', { id: 'a1' }, alice);
    expect((await a.next()).id).toBe('a1');
    expect((await b.next()).id).toBe('b1');
    await t().post('/todos', { id: 'b2' }, bob);
    expect((await b.next()).id).toBe('b2');
    await Promise.all([a.close(), b.close()]);
  });

  it('drops the subscriptions of the previous user on re-auth as someone else', async () => {
    const socket = await connect(t(), alice);
    await socket.subscribe('todos');
    expect(t().server.webSocketStats().subscriptions).toBe(1);
    expect((await socket.request({ type: 'auth', token: 'token-b' }, 'auth_ok')).userId).toBe(
      'bob'
    );
    expect(t().server.webSocketStats().subscriptions).toBe(0);
    await t().post('/todos', { id: 'b1' }, bob); // bob's, but the todos subscription is gone
    await socket.subscribe('notes');
    await t().post('/notes', { id: 'marker' }, bob);
    expect(await socket.next()).toEqual(
      jasmine.objectContaining({ channel: 'notes', id: 'marker' })
    );
    await socket.close();
  });

  it('keeps subscriptions on re-auth as the same user, and closes on a failed re-auth', async () => {
    const socket = await connect(t(), alice);
    await socket.subscribe('todos');
    await socket.request({ type: 'auth', token: 'token-a' }, 'auth_ok');
    await t().post('/todos', { id: 'a1' }, alice);
    expect((await socket.next()).id).toBe('a1');
    expect((await socket.request({ type: 'auth', token: 'x' }, 'auth_error')).error.code).toBe(
      'unauthorized'
    );
    expect((await socket.closed).code).toBe(WS_CLOSE_CODES.authFailed);
    await eventually(() => t().server.webSocketStats().subscriptions === 0);
  });

  it('handles messages sent right after auth as the authenticated user', async () => {
    const socket = await connect(t());
    socket.send({ type: 'auth', token: 'token-a' });
    socket.send({ type: 'subscribe', channel: 'todos' });
    expect((await socket.next()).type).toBe('auth_ok');
    expect((await socket.next()).type).toBe('subscribed');
    await socket.close();
  });
});

describe('WebSocket auth with a verify function', () => {
  const t = useTestServer({
    auth: {
      verify: async (token) => {
        if (token === 'boom') throw new Error('session store down');
        await new Promise((resolve) => setTimeout(resolve, 5));
        return token.startsWith('user:') ? token.slice(5) : null;
      },
    },
  });

  it('resolves tokens through it, in message order', async () => {
    const socket = await connect(t());
    socket.send({ type: 'auth', token: 'user:carol' });
    socket.send({ type: 'subscribe', channel: 'todos' });
    expect(await socket.next()).toEqual({ type: 'auth_ok', userId: 'carol' });
    expect((await socket.next()).type).toBe('subscribed');
    await socket.close();
  });

  it('closes with 1011 when verify throws', async () => {
    const socket = await connect(t());
    const answer = await socket.request({ type: 'auth', token: 'boom' }, 'auth_error');
    expect(answer.error.code).toBe('internal');
    expect((await socket.closed).code).toBe(WS_CLOSE_CODES.internalError);
  });
});

describe('WebSocket without auth', () => {
  const t = useTestServer();

  it('treats every connection as anonymous and authenticated', async () => {
    const socket = await connect(t());
    await socket.subscribe('todos');
    expect(await socket.request({ type: 'auth', token: 'anything' }, 'auth_ok')).toEqual({
      type: 'auth_ok',
      userId: null,
    });
    await t().post('/todos', { id: 't1' });
    expect((await socket.next()).id).toBe('t1');
    await socket.close();
  });
});

describe('WebSocket with shared records', () => {
  const t = useTestServer({ auth: { tokens, scopeRecords: false } });

  it("pushes every user's writes to every subscriber", async () => {
    const a = await connect(t(), alice);
    await a.subscribe('todos');
    await t().post('/todos', { id: 'b1' }, bob);
    expect((await a.next()).id).toBe('b1');
    await a.close();
  });
});
