import {
  clearFaults,
  faultLog,
  faultStats,
  injectWebSocketFrames,
  setFaults,
  syncServer,
  uniqueCollection,
  type FaultLogEntry,
} from './sync-server-under-test';
import { eventually } from './test-database';

/** A create as the kit sends it: JSON body, client-chosen id, an idempotency key. */
function create(base: string, collection: string, record: object, key: string): Promise<Response> {
  return fetch(`${base}/${collection}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(record),
  });
}

/** The log without the run-wide sequence numbers. */
function entries(log: FaultLogEntry[]) {
  return log.map(({ seq: _seq, ...entry }) => entry);
}

describe('the reference sync server under test', () => {
  let url: string;
  let proxyUrl: string;
  let todos: string;

  beforeEach(async () => {
    ({ url, proxyUrl } = syncServer());
    todos = uniqueCollection('todos');
    await clearFaults();
  });

  afterEach(async () => {
    await clearFaults();
  });

  it('answers GET /health directly and through the proxy', async () => {
    for (const base of [url, proxyUrl]) {
      const response = await fetch(`${base}/health`);
      expect(response.status).withContext(base).toBe(200);
      expect((await response.json()).status).toBe('ok');
    }
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(proxyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(proxyUrl).not.toBe(url);
  });

  it('forwards writes unchanged, with ETag and Date readable through the proxy', async () => {
    const created = await create(proxyUrl, todos, { id: 't1', title: 'Milk' }, 'fwd-1');
    expect(created.status).toBe(201);
    expect(created.headers.get('ETag')).toBe('"1"');
    expect(created.headers.get('Date')).toBeTruthy();
    expect(await created.json()).toEqual(jasmine.objectContaining({ id: 't1', version: 1 }));

    const updated = await fetch(`${proxyUrl}/${todos}/t1`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': '"1"' },
      body: JSON.stringify({ done: true }),
    });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('ETag')).toBe('"2"');

    const direct = await (await fetch(`${url}/${todos}/t1`)).json();
    expect(direct).toEqual(jasmine.objectContaining({ title: 'Milk', done: true, version: 2 }));
  });

  it('drops the answer of a committed create: the page sees a network error, the server has the record once', async () => {
    await setFaults([{ match: { method: 'POST', pathPrefix: `/${todos}` }, dropResponse: true }]);
    const record = { id: 't1', title: 'Milk' };

    await expectAsync(create(proxyUrl, todos, record, 'drop-1')).toBeRejectedWithError(TypeError);

    const read = await fetch(`${url}/${todos}/t1`);
    expect(read.status).toBe(200);
    const stored = await read.json();
    expect(stored).toEqual(jasmine.objectContaining({ ...record, version: 1 }));

    // The retry with the same key gets the first answer back; nothing is written again.
    const retried = await create(proxyUrl, todos, record, 'drop-1');
    expect(retried.status).toBe(201);
    expect(retried.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await retried.json()).toEqual(stored);
    const feed = await (await fetch(`${url}/${todos}`)).json();
    expect(feed.items).toEqual([stored]);

    expect(entries(await faultLog())).toEqual([
      {
        method: 'POST',
        path: `/${todos}`,
        rule: 0,
        fault: 'dropResponse',
        status: null,
        serverStatus: 201,
      },
      {
        method: 'POST',
        path: `/${todos}`,
        rule: null,
        fault: null,
        status: 201,
        serverStatus: 201,
      },
    ]);
  });

  it('answers with an injected 503 whose Retry-After the page can read', async () => {
    await setFaults([
      {
        failWith: { status: 503, headers: { 'Retry-After': '2' }, body: { error: { code: 'x' } } },
      },
    ]);

    const failed = await create(proxyUrl, todos, { id: 't1' }, 'fail-1');
    expect(failed.status).toBe(503);
    expect(failed.headers.get('Retry-After')).toBe('2');
    expect(await failed.json()).toEqual({ error: { code: 'x' } });
    expect((await fetch(`${url}/${todos}/t1`)).status).toBe(404); // never forwarded

    // The rule applied once (times defaults to 1): the next request goes through.
    expect((await create(proxyUrl, todos, { id: 't1' }, 'fail-1')).status).toBe(201);
    expect(entries(await faultLog())).toEqual([
      {
        method: 'POST',
        path: `/${todos}`,
        rule: 0,
        fault: 'failWith',
        status: 503,
        serverStatus: null,
      },
      {
        method: 'POST',
        path: `/${todos}`,
        rule: null,
        fault: null,
        status: 201,
        serverStatus: 201,
      },
    ]);
  });

  it('resets the connection without forwarding', async () => {
    await setFaults([{ match: { pathPrefix: `/${todos}` }, resetConnection: true }]);

    await expectAsync(create(proxyUrl, todos, { id: 't1' }, 'reset-1')).toBeRejectedWithError(
      TypeError
    );
    expect((await fetch(`${url}/${todos}/t1`)).status).toBe(404);
    expect(entries(await faultLog())).toEqual([
      {
        method: 'POST',
        path: `/${todos}`,
        rule: 0,
        fault: 'resetConnection',
        status: null,
        serverStatus: null,
      },
    ]);
  });

  it('delays and then forwards, applying matching rules in order and as often as told', async () => {
    await setFaults([
      { match: { method: 'GET', pathPrefix: '/health' }, times: 2, delay: { ms: 10 } },
      { match: { method: 'get' }, times: 'always', failWith: { status: 500, body: 'boom' } },
    ]);

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${proxyUrl}/health`)).status);
    const other = await fetch(`${proxyUrl}/${todos}`);
    expect(await other.text()).toBe('boom');

    expect(statuses).toEqual([200, 200, 500]);
    expect((await faultLog()).map((e) => [e.path, e.rule, e.fault, e.status])).toEqual([
      ['/health', 0, 'delay', 200],
      ['/health', 0, 'delay', 200],
      ['/health', 1, 'failWith', 500],
      [`/${todos}`, 1, 'failWith', 500],
    ]);
  });

  it('holds an answer the server already gave, so it arrives after a later change', async () => {
    expect((await create(proxyUrl, todos, { id: 't1', title: 'Milk' }, 'late-1')).status).toBe(201);
    await setFaults([
      { match: { method: 'GET', pathPrefix: `/${todos}/t1` }, delayResponse: { ms: 300 } },
    ]);

    const late = fetch(`${proxyUrl}/${todos}/t1`);
    // The read reached the server first: the delete below comes after it there.
    await eventually(
      async () => (await faultLog())[0]?.serverStatus === 200,
      'the server to answer the held read'
    );
    const deleted = await fetch(`${url}/${todos}/t1`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);

    const answer = await late;
    expect(answer.status).toBe(200);
    expect((await answer.json()).title).toBe('Milk'); // the record as it was before the delete
    expect(entries(await faultLog())).toEqual([
      {
        method: 'GET',
        path: `/${todos}/t1`,
        rule: 0,
        fault: 'delayResponse',
        status: 200,
        serverStatus: 200,
      },
    ]);
  });

  it('answers something else after the server committed: replaceAnswer', async () => {
    await setFaults([
      { match: { method: 'POST' }, replaceAnswer: { status: 200, body: '<html>proxy</html>' } },
    ]);

    const garbled = await create(proxyUrl, todos, { id: 't1', title: 'Milk' }, 'garbled-1');
    expect(garbled.status).toBe(200);
    expect(await garbled.text()).toBe('<html>proxy</html>');
    const stored = await (await fetch(`${url}/${todos}/t1`)).json();
    expect(stored).toEqual(jasmine.objectContaining({ title: 'Milk', version: 1 }));
    expect(entries(await faultLog())).toEqual([
      {
        method: 'POST',
        path: `/${todos}`,
        rule: 0,
        fault: 'replaceAnswer',
        status: 200,
        serverStatus: 201,
      },
    ]);
    await expectAsync(
      setFaults([{ replaceAnswer: { status: 200 } } as never])
    ).toBeRejectedWithError(/replaceAnswer needs a body/);
  });

  describe('injected WebSocket frames', () => {
    let socket: WebSocket;
    let received: (string | Blob)[];

    beforeEach(async () => {
      socket = new WebSocket(`${proxyUrl.replace(/^http/, 'ws')}/ws`);
      received = [];
      socket.onmessage = (event: MessageEvent<string | Blob>) => received.push(event.data);
      await new Promise((resolve) => (socket.onopen = resolve));
      socket.send(JSON.stringify({ type: 'subscribe', channel: todos }));
      await eventually(() => received.length === 1, 'subscribed');
      received = [];
    });

    afterEach(() => socket.close());

    it('reach the client between the server messages, which all arrive intact', async () => {
      // Change events of ≈100 kB cross several TCP chunks while injections come in. Where an
      // injection lands is up to timing here; node-spec/fault-proxy-websocket-frames.spec.mjs
      // puts one inside a server frame on purpose.
      const frames = [{ text: '<html>not json</html>' }, { json: { type: 'surprise' } }];
      const injections: Promise<number>[] = [];
      for (let i = 0; i < 6; i++) {
        const write = create(url, todos, { id: `t${i}`, title: 'x'.repeat(100_000) }, `ws-${i}`);
        injections.push(injectWebSocketFrames(frames));
        await write;
      }
      injections.push(injectWebSocketFrames([{ binary: btoa('\u0000\u0001\u0002') }]));
      expect(await Promise.all(injections)).toEqual(injections.map(() => 1));
      await eventually(() => received.length === 6 + 12 + 1, 'every frame', 1000);

      const texts = received.filter((data): data is string => typeof data === 'string');
      const changes = texts.filter((text) => text.startsWith('{"type":"change"'));
      expect(changes.map((text) => JSON.parse(text).id).sort()).toEqual(
        Array.from({ length: 6 }, (_, i) => `t${i}`).sort()
      );
      expect(texts.filter((text) => text === '<html>not json</html>').length).toBe(6);
      expect(texts.filter((text) => text === '{"type":"surprise"}').length).toBe(6);
      const binary = received.find((data): data is Blob => data instanceof Blob);
      expect([...new Uint8Array(await binary!.arrayBuffer())]).toEqual([0, 1, 2]);
      expect(socket.readyState).toBe(WebSocket.OPEN);
      expect((await faultStats()).faults['webSocketFrame']).toBe(13);
    });

    it('refuses a malformed list of frames with the reason', async () => {
      await expectAsync(injectWebSocketFrames([])).toBeRejectedWithError(/the body must be/);
      await expectAsync(
        injectWebSocketFrames([{ text: 'a', binary: 'AA' } as never])
      ).toBeRejectedWithError(/frames\[0\] needs exactly one of text/);
    });
  });

  it('forgets rules and the log on clearFaults', async () => {
    await setFaults([{ times: 'always', failWith: { status: 500 } }]);
    expect((await fetch(`${proxyUrl}/health`)).status).toBe(500);

    await clearFaults();

    expect(await faultLog()).toEqual([]);
    expect((await fetch(`${proxyUrl}/health`)).status).toBe(200);
  });

  it('refuses malformed rules with the reason', async () => {
    await expectAsync(setFaults([{ dropResponse: true, bogus: 1 } as never])).toBeRejectedWithError(
      /rules\[0\] has unknown fields bogus/
    );
    await expectAsync(
      setFaults([{ delay: { ms: 1 }, resetConnection: true } as never])
    ).toBeRejectedWithError(/exactly one of/);
  });

  it('gives each spec collection names of its own that the server accepts', async () => {
    const names = [
      uniqueCollection('todos'),
      uniqueCollection('todos'),
      uniqueCollection('a'.repeat(80)),
    ];
    expect(new Set(names).size).toBe(3);
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/);
      expect((await create(url, name, { id: 'x' }, `uc-${name}`)).status).toBe(201);
    }
    expect(() => uniqueCollection('1abc')).toThrowError(/cannot start a collection name/);
  });

  it('says why when the page has no server', () => {
    const config = (globalThis as any).__karma__.config;
    const saved = config.syncServer;
    delete config.syncServer;
    try {
      expect(() => syncServer()).toThrowError(
        /the reference sync server is not running; run the library tests with npm test/
      );
      config.syncServer = { error: 'it exited with 1' };
      expect(() => syncServer()).toThrowError(
        'the reference sync server did not start: it exited with 1'
      );
    } finally {
      config.syncServer = saved;
    }
  });
});
