import { WS_CLOSE_CODES, type WebSocketMessageHandler } from '../src';
import { mutation, useTestServer } from './support/test-server';
import { connect, refusedUpgrade, type TestSocket } from './support/ws-client';

const NOW = new Date('2025-03-01T12:00:00.000Z');
let hook: WebSocketMessageHandler | undefined;

describe('WebSocket messages', () => {
  const t = useTestServer({
    now: () => NOW,
    collections: ['todos', 'notes', 'lists'],
    webSocket: {
      maxSubscriptions: 2,
      onMessage: (message, context) => hook?.(message, context),
    },
  });
  let socket: TestSocket;

  beforeEach(async () => {
    hook = undefined;
    socket = await connect(t());
  });
  afterEach(async () => {
    await socket.close();
  });

  it('answers ping with the server time, echoing the id only when given', async () => {
    expect(await socket.request({ type: 'ping', id: 'p1' }, 'pong')).toEqual({
      type: 'pong',
      id: 'p1',
      time: NOW.toISOString(),
    });
    expect(await socket.request({ type: 'ping' }, 'pong')).toEqual({
      type: 'pong',
      time: NOW.toISOString(),
    });
  });

  it('refuses subscriptions to unknown collections and bad params, without closing', async () => {
    const cases: [unknown, unknown, string][] = [
      ['tasks', undefined, 'unknown_collection'], // not on the allow-list
      ['sync', undefined, 'unknown_collection'],
      ['/todos', undefined, 'unknown_collection'],
      [42, undefined, 'bad_request'],
      ['todos', ['done'], 'bad_request'],
      ['todos', { done: { $ne: true } }, 'bad_request'],
      [
        'todos',
        Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`f${i}`, i])),
        'bad_request',
      ],
    ];
    for (const [channel, params, code] of cases) {
      const answer = await socket.request(
        { type: 'subscribe', channel, params },
        'subscribe_error'
      );
      expect(answer.channel).toBe(typeof channel === 'string' ? channel : null);
      expect(answer.error.code)
        .withContext(JSON.stringify([channel, params]))
        .toBe(code);
    }
    expect(await socket.subscribe('todos')).toEqual({
      type: 'subscribed',
      channel: 'todos',
      params: {},
    });
  });

  it('limits the subscriptions of a connection; a replacement does not count', async () => {
    await socket.subscribe('todos');
    await socket.subscribe('notes');
    await socket.subscribe('todos', { done: false });
    expect(t().server.webSocketStats().subscriptions).toBe(2);
    const refused = await socket.request(
      { type: 'subscribe', channel: 'lists' },
      'subscribe_error'
    );
    expect(refused.error.code).toBe('too_many_subscriptions');
    await socket.request({ type: 'unsubscribe', channel: 'notes' }, 'unsubscribed');
    await socket.subscribe('lists');
  });

  it('answers unsubscribe without a string channel with bad_request', async () => {
    const answer = await socket.request({ type: 'unsubscribe', channel: 7 }, 'error');
    expect(answer.error.code).toBe('bad_request');
  });

  it('hands application messages to onMessage with the user and a reply function', async () => {
    const seen: unknown[] = [];
    hook = (message, { userId, send }) => {
      seen.push([message, userId]);
      send({ type: 'echo', payload: message['payload'] });
    };
    expect(await socket.request({ type: 'hello', payload: [1] }, 'echo')).toEqual({
      type: 'echo',
      payload: [1],
    });
    expect(seen).toEqual([[{ type: 'hello', payload: [1] }, null]]);
  });

  it('answers handler_failed when onMessage throws or rejects, and keeps the connection', async () => {
    hook = () => {
      throw new Error('boom');
    };
    expect((await socket.request({ type: 'x' }, 'error')).error.code).toBe('handler_failed');
    hook = async () => Promise.reject(new Error('later'));
    expect((await socket.request({ type: 'y' }, 'error')).error.code).toBe('handler_failed');
    expect((await socket.request({ type: 'ping' }, 'pong')).type).toBe('pong');
  });

  describe('batch', () => {
    const items = [
      mutation({ mutationId: 'm1', op: 'create', id: 't1', data: { title: 'Milk' } }),
      mutation({ mutationId: 'm2', op: 'update', id: 'nope', data: {} }),
      mutation({ mutationId: 'm3', op: 'create', endpoint: 'tasks', id: 'x', data: {} }),
    ];

    it('applies mutations and answers like POST /sync/batch', async () => {
      const answer = await socket.request(
        { type: 'batch', requestId: 'r1', mutations: items },
        'batch_result'
      );
      expect(answer.requestId).toBe('r1');
      expect(answer.results.map((r: any) => [r.mutationId, r.status, r.httpStatus])).toEqual([
        ['m1', 'applied', 201],
        ['m2', 'rejected', 404],
        ['m3', 'rejected', 404],
      ]);
      expect((await t().get('/todos/t1')).body.title).toBe('Milk');
      // The same mutation ids again, over REST: replayed, so the answers agree byte for byte.
      const rest = await t().post('/sync/batch', { mutations: items });
      expect(rest.body.results).toEqual(answer.results);
    });

    it('replays a repeated mutationId and pushes the write once to subscribers', async () => {
      const watcher = await connect(t());
      await watcher.subscribe('todos');
      const send = (requestId: string) =>
        socket.request({ type: 'batch', requestId, mutations: items.slice(0, 1) }, 'batch_result');
      const first = await send('r1');
      const again = await send('r2');
      expect(again.results).toEqual(first.results);
      expect(again.requestId).toBe('r2');
      await t().post('/todos', { id: 'marker' });
      expect((await watcher.next()).id).toBe('t1');
      expect((await watcher.next()).id).toBe('marker');
      await watcher.close();
    });

    it('answers an invalid envelope with an error result', async () => {
      const cases = [
        [{ requestId: 'r1', mutations: 'nope' }, 'r1'],
        [{ requestId: 'r2' }, 'r2'],
        [{ requestId: '', mutations: [] }, null],
        [{ requestId: 'x'.repeat(201), mutations: [] }, null],
        [{ mutations: [] }, null],
      ] as const;
      for (const [envelope, requestId] of cases) {
        const answer = await socket.request({ type: 'batch', ...envelope }, 'batch_result');
        expect(answer).toEqual({
          type: 'batch_result',
          requestId,
          error: { code: 'invalid_request', message: jasmine.any(String) },
          status: 400,
        });
      }
      expect(t().recordCount()).toBe(0);
    });
  });
});

describe('WebSocket without an onMessage hook', () => {
  const t = useTestServer();

  it('answers unsupported_message naming the type, without closing', async () => {
    const socket = await connect(t());
    const answer = await socket.request({ type: 'typing' }, 'error');
    expect(answer.error).toEqual({
      code: 'unsupported_message',
      message: jasmine.stringContaining("'typing'"),
    });
    expect((await socket.request({ type: 'ping' }, 'pong')).type).toBe('pong');
    await socket.close();
  });
});

describe('WebSocket upgrades', () => {
  const t = useTestServer({ webSocket: { path: '/live', maxConnections: 2 } });

  it('serves the configured path and answers 404 elsewhere', async () => {
    const socket = await connect(t(), { path: '/live?v=1' });
    expect((await socket.request({ type: 'ping' }, 'pong')).type).toBe('pong');
    await socket.close();
    for (const path of ['/ws', '/todos', '/live/x']) {
      const refused = await refusedUpgrade(t(), { path });
      expect(refused.status).withContext(path).toBe(404);
      expect(refused.body.error.code).toBe('not_found');
    }
  });

  it('answers 503 over maxConnections', async () => {
    const sockets = [await connect(t(), { path: '/live' }), await connect(t(), { path: '/live' })];
    expect((await refusedUpgrade(t(), { path: '/live' })).status).toBe(503);
    await sockets[0]!.close();
    const again = await connect(t(), { path: '/live' });
    await Promise.all([sockets[1]!.close(), again.close()]);
  });

  it('closes every connection with 1001 on close(), then refuses to listen', async () => {
    const sockets = [await connect(t(), { path: '/live' }), await connect(t(), { path: '/live' })];
    await t().server.close();
    for (const socket of sockets) {
      expect((await socket.closed).code).toBe(WS_CLOSE_CODES.shuttingDown);
    }
    expect(t().server.webSocketStats()).toEqual({ connections: 0, subscriptions: 0 });
    await expectAsync(t().server.listen()).toBeRejectedWithError(/closed/);
  });
});

describe('WebSocket disabled', () => {
  const t = useTestServer({ webSocket: { enabled: false } });

  it('does not accept upgrades, and still serves REST', async () => {
    await expectAsync(connect(t())).toBeRejected();
    expect(t().server.webSocketStats()).toEqual({ connections: 0, subscriptions: 0 });
    expect((await t().get('/health')).status).toBe(200);
  });
});
