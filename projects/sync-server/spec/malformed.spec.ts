import { sendRaw } from './support/hostile/transport';
import { useTestServer } from './support/test-server';

/** One bad request: what is sent, and the 4xx (and error code) it must get. */
interface BadRequest {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** A string or bytes, sent as is; `json` sets Content-Type: application/json. */
  body?: string | Uint8Array | (() => ReadableStream<Uint8Array>);
  json?: boolean;
  status: number;
  code?: string;
}

const MAX_BODY = 4096;
const long = 'x'.repeat(129);
const deepArray = '{"id":"t9","a":' + '['.repeat(2000) + ']'.repeat(2000) + '}';
const deep = '{"id":"t9","a":' + '{"b":'.repeat(40) + '1' + '}'.repeat(40) + '}';

const CASES: BadRequest[] = [
  {
    name: 'broken JSON',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '{bad',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'empty body',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'trailing garbage',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '{"id":"t9"} x',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'invalid UTF-8',
    method: 'POST',
    path: '/todos',
    json: true,
    body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'array body',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '[1,2]',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'string body',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '"t9"',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'null body',
    method: 'POST',
    path: '/todos',
    json: true,
    body: 'null',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'no id',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '{"title":"x"}',
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'numeric id',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '{"id":42}',
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'empty id',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '{"id":""}',
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'id too long',
    method: 'POST',
    path: '/todos',
    json: true,
    body: `{"id":"${long}"}`,
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'id with a slash',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '{"id":"a/b"}',
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'id with a space',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '{"id":"a b"}',
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'reserved field deleted',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '{"id":"t9","deleted":true}',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: '__proto__ field',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '{"id":"t9","x":{"__proto__":{"admin":true}}}',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'nesting too deep',
    method: 'POST',
    path: '/todos',
    json: true,
    body: deep,
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'array nesting 2000 deep',
    method: 'POST',
    path: '/todos',
    json: true,
    body: deepArray,
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'number out of range',
    method: 'POST',
    path: '/todos',
    json: true,
    body: '{"id":"t9","n":1e999}',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'text/plain body',
    method: 'POST',
    path: '/todos',
    headers: { 'content-type': 'text/plain' },
    body: '{"id":"t9"}',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'no Content-Type',
    method: 'POST',
    path: '/todos',
    body: new TextEncoder().encode('{"id":"t9"}'),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'form body',
    method: 'POST',
    path: '/todos',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'id=t9',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'oversized body',
    method: 'POST',
    path: '/todos',
    json: true,
    body: `{"id":"t9","pad":"${'x'.repeat(MAX_BODY)}"}`,
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'oversized chunked body',
    method: 'POST',
    path: '/todos',
    json: true,
    body: () => chunks(8, 1024),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'oversized batch',
    method: 'POST',
    path: '/sync/batch',
    json: true,
    body: `{"mutations":[],"pad":"${'x'.repeat(MAX_BODY)}"}`,
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'idempotency key too long',
    method: 'POST',
    path: '/todos',
    json: true,
    headers: { 'idempotency-key': 'k'.repeat(256) },
    body: '{"id":"t9"}',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'If-Match not a version',
    method: 'PATCH',
    path: '/todos/t1',
    json: true,
    headers: { 'if-match': '"abc"' },
    body: '{"n":1}',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'If-Match version 0',
    method: 'PATCH',
    path: '/todos/t1',
    json: true,
    headers: { 'if-match': '"0"' },
    body: '{"n":1}',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'If-Match with two versions',
    method: 'DELETE',
    path: '/todos/t1',
    headers: { 'if-match': '"1", "2"' },
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'PATCH with an array',
    method: 'PATCH',
    path: '/todos/t1',
    json: true,
    body: '[{"op":"replace"}]',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'PATCH naming another id',
    method: 'PATCH',
    path: '/todos/t1',
    json: true,
    body: '{"id":"t2"}',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'PUT with broken JSON',
    method: 'PUT',
    path: '/todos/t1',
    json: true,
    body: '{"n":',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'PUT id too long',
    method: 'PUT',
    path: `/todos/${long}`,
    json: true,
    body: '{}',
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'encoded slash in id',
    method: 'DELETE',
    path: '/todos/a%2Fb',
    status: 400,
    code: 'invalid_id',
  },
  {
    name: 'limit zero',
    method: 'GET',
    path: '/todos?limit=0',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'limit not a number',
    method: 'GET',
    path: '/todos?limit=ten',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'cursor not issued',
    method: 'GET',
    path: '/todos?cursor=zzz',
    status: 400,
    code: 'invalid_cursor',
  },
  {
    name: 'unknown query parameter',
    method: 'GET',
    path: '/todos?since=2020',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'batch mutations not an array',
    method: 'POST',
    path: '/sync/batch',
    json: true,
    body: '{"mutations":"all"}',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'batch unknown field',
    method: 'POST',
    path: '/sync/batch',
    json: true,
    body: '{"mutations":[],"dryRun":true}',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'batch as an array',
    method: 'POST',
    path: '/sync/batch',
    json: true,
    body: '[]',
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'batch broken JSON',
    method: 'POST',
    path: '/sync/batch',
    json: true,
    body: '{"mutations":[',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'unknown collection',
    method: 'POST',
    path: '/users',
    json: true,
    body: '{"id":"u1"}',
    status: 404,
    code: 'unknown_collection',
  },
  { name: 'collection name with dots', method: 'GET', path: '/..%2F..%2Fetc', status: 404 },
  {
    name: 'POST to a record',
    method: 'POST',
    path: '/todos/t1',
    json: true,
    body: '{}',
    status: 405,
    code: 'method_not_allowed',
  },
  { name: 'path too deep', method: 'GET', path: '/todos/t1/extra', status: 404, code: 'not_found' },
];

describe('malformed input', () => {
  const t = useTestServer({ collections: ['todos'], maxBodyBytes: MAX_BODY });

  it(`answers all ${CASES.length} bad requests with a JSON 4xx and leaves the database as it was`, async () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect((await t().post('/todos', { id: 't1', title: 'Milk' })).status).toBe(201);
    const before = t().snapshot();

    for (const bad of CASES) {
      const headers: Record<string, string> = { ...bad.headers };
      if (bad.json) headers['content-type'] = 'application/json';
      const body = typeof bad.body === 'function' ? bad.body() : bad.body;
      const res = await fetch(t().url + bad.path, {
        method: bad.method,
        headers,
        body,
        ...(typeof bad.body === 'function' ? { duplex: 'half' } : {}),
      } as RequestInit);
      const text = await res.text();
      expect(res.status).withContext(`${bad.name}: ${text}`).toBe(bad.status);
      expect(res.headers.get('content-type')).withContext(bad.name).toContain('application/json');
      const error = JSON.parse(text).error;
      expect(typeof error.message)
        .withContext(bad.name)
        .toBe('string');
      if (bad.code) expect(error.code).withContext(bad.name).toBe(bad.code);
    }

    expect((await t().get('/health')).status).toBe(200);
    expect(t().snapshot()).toBe(before);
  });
});

describe('malformed HTTP', () => {
  const t = useTestServer({ collections: ['todos'], maxBodyBytes: MAX_BODY });
  const head = 'Host: localhost\r\nConnection: close\r\n';

  it('answers what Node or the adapter refuse before the app with a JSON error too', async () => {
    const raw: [string, string, number][] = [
      ['CR in a header', `GET /todos HTTP/1.1\r\n${head}X-A: a\rB: c\r\n\r\n`, 400],
      ['NUL in a header', `GET /todos HTTP/1.1\r\n${head}X-A: a\u0000\r\n\r\n`, 400],
      [
        'Content-Length with Transfer-Encoding',
        `POST /todos HTTP/1.1\r\n${head}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        400,
      ],
      [
        'a bad chunk',
        `POST /todos HTTP/1.1\r\n${head}Transfer-Encoding: chunked\r\n\r\nzz\r\n`,
        400,
      ],
      ['a 20 KB header', `GET /todos HTTP/1.1\r\n${head}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      [
        'a chunk extension over the limit',
        `POST /todos HTTP/1.1\r\n${head}Transfer-Encoding: chunked\r\n\r\n2;${'x'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`,
        413,
      ],
      ['not HTTP', 'HELLO\r\n\r\n', 400],
      ['a backslash in the path', `GET /todos\\x HTTP/1.1\r\n${head}\r\n`, 400],
      ['no Host', 'GET /todos HTTP/1.1\r\nConnection: close\r\n\r\n', 400],
      ['a bad Host', 'GET /todos HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n', 400],
      ['OPTIONS *', `OPTIONS * HTTP/1.1\r\n${head}\r\n`, 400],
      ['CONNECT', 'CONNECT localhost:80 HTTP/1.1\r\nHost: localhost:80\r\n\r\n', 405],
      [
        'a WebSocket handshake without a key',
        `GET /ws HTTP/1.1\r\n${head.replace('close', 'Upgrade')}Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        400,
      ],
      [
        'a WebSocket handshake by POST',
        `POST /ws HTTP/1.1\r\n${head.replace('close', 'Upgrade')}Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        405,
      ],
    ];
    for (const [name, text, status] of raw) {
      const answer = await sendRaw(Buffer.from(text, 'latin1'), t().server.port);
      expect(answer.status)
        .withContext(`${name}: ${answer.failure ?? answer.text}`)
        .toBe(status);
      expect(answer.contentType).withContext(name).toBe('application/json');
      expect(typeof JSON.parse(answer.text).error.code)
        .withContext(name)
        .toBe('string');
    }
  });

  it('answers a write pipelined before a broken request, then refuses the broken one', async () => {
    // Both in one packet: the parser fails on the second while the first is being stored.
    // Answering the parser error at once would cut off the first answer, of a stored write.
    const body = '{"id":"t1","title":"Milk"}';
    const post = `POST /todos HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const broken = 'GET /todos HTTP/1.1\r\nHost: localhost\r\nX-A: a\u0000\r\n\r\n';
    const answer = await sendRaw(Buffer.from(post + broken, 'latin1'), t().server.port, {
      every: true,
    });

    const answers = [answer, ...(answer.later ?? [])];
    expect(answers.map((a) => a.status))
      .withContext(answers.map((a) => a.failure ?? a.text).join(' | '))
      .toEqual([201, 400]);
    expect(JSON.parse(answer.text)).toEqual(jasmine.objectContaining({ id: 't1', title: 'Milk' }));
    expect(answers[1]!.contentType).toBe('application/json');
    expect(JSON.parse(answers[1]!.text).error.code).toBe('invalid_request');
    expect((await t().get('/todos/t1')).body.title).toBe('Milk');
  });

  it('names the WebSocket versions it speaks only when it refused the version', async () => {
    const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    const handshake = (fields: string) =>
      Buffer.from(
        `GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n${fields}\r\n`
      );
    const badVersion = await sendRaw(
      handshake(`${key}Sec-WebSocket-Version: 99\r\n`),
      t().server.port
    );
    const noKey = await sendRaw(handshake('Sec-WebSocket-Version: 13\r\n'), t().server.port);

    expect(badVersion.status).toBe(400);
    expect(badVersion.headers.get('sec-websocket-version')).toBe('13, 8');
    expect(noKey.status).toBe(400);
    expect(noKey.headers.get('sec-websocket-version')).toBeNull();
  });

  it('answers a body that breaks off half-way with 400, not 500', async () => {
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.error(new Error('the client went away')),
    });
    const res = await t().server.fetch(
      new Request('http://local/todos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit)
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('invalid_request');
  });

  it('closes the connection when it answers before reading the body', async () => {
    // Otherwise the client reuses a connection the server is about to cut, and its next
    // request fails with "other side closed".
    const big = await fetch(`${t().url}/todos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"pad":"${'x'.repeat(MAX_BODY * 4)}"}`,
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('connection')).toBe('close');
    const small = await t().post('/todos', { id: 't1' });
    expect(small.status).toBe(201);
    expect(small.headers.get('connection')).not.toBe('close');
    const read = await t().get('/todos/t1');
    expect(read.status).toBe(200);
    expect(read.headers.get('connection')).not.toBe('close');
  });
});

/** A request body stream without Content-Length (chunked), `count` chunks of `size` bytes. */
function chunks(count: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ === count) return controller.close();
      controller.enqueue(new TextEncoder().encode(sent === 1 ? '{"pad":"' : 'x'.repeat(size)));
    },
  });
}
