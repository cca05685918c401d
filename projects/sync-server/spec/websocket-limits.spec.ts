import { createSyncServer, WS_CLOSE_CODES, type SyncLogger } from '../src';
import { TokenBucket } from '../src/ws/rate-limiter';
import { TestServer, useTestServer } from './support/test-server';
import { connect, eventually, type TestSocket } from './support/ws-client';

/** A logger that keeps its warn lines, so a spec can wait for one. */
function recordingLogger(): SyncLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => {}, warn: (m) => warnings.push(m), error: () => {} };
}

describe('WebSocket malformed and oversized frames', () => {
  const t = useTestServer();

  it('answers malformed_message and closes with 1007, and keeps serving others', async () => {
    const bystander = await connect(t());
    await bystander.subscribe('todos');
    const frames: unknown[] = [
      'not json',
      '[1,2]',
      '"text"',
      'null',
      '{"no":"type"}',
      '{"type":7}',
      '{"type":""}',
      Buffer.from('{"type":"ping"}'), // binary
    ];
    for (const frame of frames) {
      const socket = await connect(t());
      socket.send(frame);
      const answer = await socket.nextOf('error');
      expect(answer.error.code).withContext(String(frame)).toBe('malformed_message');
      expect((await socket.closed).code).toBe(WS_CLOSE_CODES.malformed);
    }
    expect((await bystander.request({ type: 'ping' }, 'pong')).type).toBe('pong');
    await t().post('/todos', { id: 't1' });
    expect((await bystander.next()).id).toBe('t1');
    await bystander.close();
  });

  it('closes with 1009 on a frame over maxFrameBytes', async () => {
    const socket = await connect(t());
    socket.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(1024 * 1024) }));
    expect((await socket.closed).code).toBe(WS_CLOSE_CODES.tooBig);
    expect((await t().get('/health')).status).toBe(200);
  });
});

describe('WebSocket rate limit', () => {
  const t = useTestServer();

  it('closes a flooding client with rate_limited and 4429; others are still served', async () => {
    const bystander = await connect(t());
    const flooder = await connect(t());
    for (let i = 0; i < 500; i++) flooder.send({ type: 'ping', id: i });
    expect((await flooder.nextOf('error')).error.code).toBe('rate_limited');
    expect((await flooder.closed).code).toBe(WS_CLOSE_CODES.rateLimited);
    expect((await bystander.request({ type: 'ping' }, 'pong')).type).toBe('pong');
    expect((await t().post('/todos', { id: 't1' })).status).toBe(201);
    await bystander.close();
  });

  it('refills the bucket over time, up to the burst', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now += 100; // one token
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 60_000; // capped at the burst
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now -= 1000; // a clock going back neither refills nor drains
    expect(bucket.take()).toBeFalse();
  });
});

describe('WebSocket slow and dead clients', () => {
  let t: TestServer;
  let logger: ReturnType<typeof recordingLogger>;

  const start = async (webSocket = {}) => {
    logger = recordingLogger();
    t = await new TestServer({ logger, webSocket }).start();
  };
  afterEach(async () => {
    await t.stop();
  });

  it('drops a client that stops reading, and keeps serving the others', async () => {
    await start({ maxBufferedBytes: 256 * 1024 });
    const reader = await connect(t);
    const stalled = await connect(t);
    await reader.subscribe('todos');
    await stalled.subscribe('todos');
    (stalled.ws as any)._socket.pause();
    const big = 'x'.repeat(512 * 1024);
    // The kernel buffers some megabytes before the server sees any backlog, so write until it
    // gives up on the stalled client (bounded, so a broken limit fails instead of hanging).
    let writes = 0;
    while (t.server.webSocketStats().connections === 2 && writes < 300) {
      expect((await t.put('/todos/big', { big, n: writes })).status).toBeLessThan(300);
      expect((await reader.next()).data.n).toBe(writes);
      writes += 1;
    }
    await eventually(() => t.server.webSocketStats().connections === 1);
    expect(logger.warnings).toContain(jasmine.stringMatching(/bytes unsent/));
    expect(t.server.webSocketStats().subscriptions).toBe(1);
    await t.post('/todos', { id: 'after' });
    expect((await reader.next()).id).toBe('after');
    await reader.close();
  });

  it('drops a client that misses a heartbeat, and keeps the ones that answer', async () => {
    await start({ heartbeatMs: 100 });
    const healthy = await connect(t);
    const dead = await connect(t);
    (dead.ws as any)._socket.pause(); // reads nothing, so it never answers a ping
    await eventually(() => t.server.webSocketStats().connections === 1);
    expect(logger.warnings).toContain(jasmine.stringMatching(/no pong/));
    expect((await healthy.request({ type: 'ping' }, 'pong')).type).toBe('pong');
    await healthy.close();
  });
});

describe('WebSocket with many clients', () => {
  const t = useTestServer();

  it('pushes one write to 500 subscribers, and forgets them all once they close', async () => {
    const sockets: TestSocket[] = await Promise.all(
      Array.from({ length: 500 }, () => connect(t()))
    );
    await Promise.all(sockets.map((s) => s.subscribe('todos')));
    expect(t().server.webSocketStats()).toEqual({ connections: 500, subscriptions: 500 });
    await t().post('/todos', { id: 't1', title: 'for everyone' });
    const received = await Promise.all(sockets.map((s) => s.next()));
    expect(
      received.every((m) => m.type === 'change' && m.data.title === 'for everyone')
    ).toBeTrue();
    await Promise.all(sockets.map((s) => s.close()));
    await eventually(() => t().server.webSocketStats().connections === 0);
    expect(t().server.webSocketStats()).toEqual({ connections: 0, subscriptions: 0 });
  });
});

describe('WebSocket options', () => {
  it('refuses values that cannot work, naming the field', () => {
    const dbPath = '/nonexistent/never-opened.sqlite';
    const cases: [object, RegExp][] = [
      [{ path: 'ws' }, /webSocket\.path/],
      [{ path: '/ws?x' }, /webSocket\.path/],
      [{ maxFrameBytes: 0 }, /webSocket\.maxFrameBytes/],
      [{ messagesPerSecond: -1 }, /webSocket\.messagesPerSecond/],
      [{ messageBurst: 1.5 }, /webSocket\.messageBurst/],
      [{ heartbeatMs: 2 ** 31 }, /webSocket\.heartbeatMs/],
      [{ authTimeoutMs: 0 }, /webSocket\.authTimeoutMs/],
      [{ eventNames: { created: '' } }, /webSocket\.eventNames\.created/],
      [{ eventNames: { inserted: 'x' } }, /unknown key 'inserted'/],
      [{ onMessage: 'nope' }, /webSocket\.onMessage/],
    ];
    for (const [webSocket, message] of cases) {
      expect(() => createSyncServer({ dbPath, webSocket: webSocket as never }))
        .withContext(JSON.stringify(webSocket))
        .toThrowError(message);
    }
  });
});
