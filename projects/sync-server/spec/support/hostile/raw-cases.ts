import type { SeededRandom } from '../seeded-random';
import { ALICE, type CaseDraft } from './cases';
import type { World } from './world';

const HOST = 'Host: localhost';
const AUTH = 'Authorization: Bearer alice-token';

/** A raw HTTP/1.1 request: request line, headers (Host and Alice's token first), body. */
function http(line: string, headers: string[], body = '', close = true, auth = true): string {
  const all = [HOST, ...(auth ? [AUTH] : []), ...headers, ...(close ? ['Connection: close'] : [])];
  return `${line}\r\n${all.map((h) => `${h}\r\n`).join('')}\r\n${body}`;
}

/** A WebSocket handshake with `change` applied: never a valid one, so never a 101. */
function handshake(
  change: Partial<Record<string, string | null>>,
  line = 'GET /ws HTTP/1.1'
): string {
  const fields: Record<string, string | null> = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    ...change,
  };
  const headers = Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, value]) => `${name}: ${value}`);
  // Node keeps the first of two Authorization headers: a junk token replaces Alice's.
  return http(line, headers, '', false, !('Authorization' in change));
}

/**
 * Requests only a raw socket can send: CR, LF and NUL in headers, request smuggling
 * (`Content-Length` with `Transfer-Encoding`), broken request lines and chunks, odd `Host`
 * values, oversized headers, CONNECT and TRACE, and malformed WebSocket handshakes. Writes
 * that could succeed carry a stale `If-Match`, so that an injected header that got through
 * would show up as a changed database.
 */
export function rawHttp(w: World, r: SeededRandom): CaseDraft {
  const base = w.baseId();
  const del = `DELETE /todos/${base} HTTP/1.1`;
  const hidden = `DELETE /todos/${base} HTTP/1.1\r\n${HOST}\r\n${AUTH}\r\n\r\n`;
  const json = 'Content-Type: application/json';
  const cases: [string, string, boolean][] = [
    ['CR in a header value', http(del, ['X-Inject: a\rIf-Match: *', 'If-Match: "999"']), true],
    ['LF in a header value', http(del, ['If-Match: "999"', 'X-Inject: a\nIf-Match: *']), true],
    ['NUL in a header value', http('GET /todos HTTP/1.1', ['X-A: a\u0000b']), false],
    ['NUL in a header name', http('GET /todos HTTP/1.1', ['X-\u0000A: b']), false],
    ['space before the colon', http(del, ['If-Match : *']), true],
    ['header without a colon', http('GET /todos HTTP/1.1', ['X-Broken']), false],
    ['obs-fold', http('GET /todos HTTP/1.1', ['X-A: a', ' folded: b']), false],
    [
      'Content-Length with Transfer-Encoding, a DELETE smuggled',
      http(
        'POST /sync/batch HTTP/1.1',
        [json, 'Content-Length: 4', 'Transfer-Encoding: chunked'],
        `0\r\n\r\n${hidden}`
      ),
      true,
    ],
    [
      'Transfer-Encoding: xchunked',
      http(
        'POST /todos HTTP/1.1',
        [
          json,
          `Transfer-Encoding: ${r.pick(['xchunked', 'chunked, identity', 'identity', ' chunked'])}`,
        ],
        `{"id":"${w.fresh()}"}`
      ),
      true,
    ],
    [
      'two different Content-Lengths',
      http(
        'POST /todos HTTP/1.1',
        [json, 'Content-Length: 2', 'Content-Length: 30'],
        `{"id":"${w.fresh()}"}`
      ),
      true,
    ],
    [
      'odd Content-Length',
      http(
        'POST /todos HTTP/1.1',
        [json, `Content-Length: ${r.pick(['+2', '-1', '1e2', '0x10', '2 2', 'abc'])}`],
        '{}'
      ),
      true,
    ],
    [
      'bad chunk size',
      http('POST /todos HTTP/1.1', [json, 'Transfer-Encoding: chunked'], 'zz\r\n{}\r\n0\r\n\r\n'),
      true,
    ],
    [
      'chunk extension over the limit',
      http(
        'POST /todos HTTP/1.1',
        [json, 'Transfer-Encoding: chunked'],
        `2;${'x'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`
      ),
      true,
    ],
    [
      'body shorter than Content-Length',
      http('POST /todos HTTP/1.1', [json, 'Content-Length: 100'], `{"id":"${w.fresh()}"`),
      true,
    ],
    ['extra token in the request line', http('GET /todos HTTP/1.1 extra', []), false],
    ['two spaces in the request line', http('GET  /todos HTTP/1.1', []), false],
    ['HTTP/9.9', http('GET /todos HTTP/9.9', []), false],
    ['HTTP/0.9', 'GET /todos\r\n\r\n', false],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', false],
    ['lower-case method', http('get /todos HTTP/1.1', []), false],
    [
      'unknown method',
      http(`${r.pick(['FOO', 'BREW', 'DELETEX'])} /todos/${base} HTTP/1.1`, []),
      true,
    ],
    ['absolute-form target', http(`GET http://evil.example/todos HTTP/1.1`, []), false],
    ['broken absolute-form target', http('GET http://[::1/todos HTTP/1.1', []), false],
    ['asterisk-form target', http('OPTIONS * HTTP/1.1', []), false],
    ['target without a slash', http('GET todos HTTP/1.1', []), false],
    ['backslash in the path', http(`DELETE /todos\\..\\${base} HTTP/1.1`, []), true],
    ['Latin-1 byte in the path', http('GET /todos/\u00e9 HTTP/1.1', []), false],
    ['space in the path', http('GET /to dos HTTP/1.1', []), false],
    ['no Host', `GET /todos HTTP/1.1\r\n${AUTH}\r\nConnection: close\r\n\r\n`, false],
    ['two Hosts', http('GET /todos HTTP/1.1', ['Host: evil.example']), false],
    [
      'odd Host',
      `GET /todos HTTP/1.1\r\nHost: ${r.pick(['a b', 'evil/x', '[::1', '', 'localhost:99999', 'user@evil', "';--"])}\r\n${AUTH}\r\nConnection: close\r\n\r\n`,
      false,
    ],
    ['one 20 KB header', http('GET /todos HTTP/1.1', [`X-Big: ${'a'.repeat(20_000)}`]), false],
    [
      '200 headers of 100 bytes',
      http(del, [
        'If-Match: "999"',
        ...Array.from({ length: 200 }, (_, i) => `X-H${i}: ${'b'.repeat(100)}`),
      ]),
      true,
    ],
    ['TRACE', http('TRACE /todos HTTP/1.1', []), false],
    ['CONNECT', 'CONNECT localhost:80 HTTP/1.1\r\nHost: localhost:80\r\n\r\n', false],
    [
      'stale If-Match with a body on DELETE',
      http(del, ['If-Match: "999"', 'Content-Length: 5'], 'hello'),
      true,
    ],
    ['WebSocket without a key', handshake({ 'Sec-WebSocket-Key': null }), false],
    [
      'WebSocket with a bad key',
      handshake({ 'Sec-WebSocket-Key': r.pick(['short', "' OR 1=1 --", 'x'.repeat(300)]) }),
      false,
    ],
    [
      'WebSocket version 99',
      handshake({ 'Sec-WebSocket-Version': r.pick(['99', '', 'x', '-13']) }),
      false,
    ],
    [
      'WebSocket bad subprotocol',
      handshake({ 'Sec-WebSocket-Protocol': r.pick([',,', 'a b', '"x"']) }),
      false,
    ],
    ['WebSocket Upgrade: h2c', handshake({ Upgrade: 'h2c' }), false],
    ['WebSocket upgrade by POST', handshake({}, 'POST /ws HTTP/1.1'), true],
    ['WebSocket upgrade elsewhere', handshake({}, `GET /todos/${base} HTTP/1.1`), false],
    [
      'WebSocket upgrade with a junk token',
      handshake({ Authorization: r.pick(['Bearer nope', "Bearer ' OR 1=1 --", 'Basic x']) }),
      false,
    ],
  ];
  // Two more, built only when picked (one stores a record): pipelined requests.
  const at = r.int(0, cases.length + 1);
  if (at >= cases.length) return pipelined(w, at > cases.length);
  const [label, text, write] = cases[at]!;
  return {
    category: 'raw-http',
    label,
    expect: write ? 'reject' : 'no-change',
    via: 'raw',
    raw: Buffer.from(text, 'latin1'),
  };
}

/**
 * A valid request (a read, or a write of a fresh record) and, in the same packet, one with a
 * NUL in a header: the first must be answered (and the write stored) before the parser error
 * is refused, on the same connection.
 */
function pipelined(w: World, write: boolean): CaseDraft {
  const broken = 'GET /todos HTTP/1.1\r\nX: \u0000\r\n\r\n';
  if (!write) {
    return {
      category: 'raw-http',
      label: 'pipelined: a read, then a broken request',
      expect: 'no-change',
      via: 'raw',
      raw: Buffer.from(http('GET /health HTTP/1.1', [], '', false) + broken, 'latin1'),
      answers: [200, 400],
    };
  }
  const id = w.fresh();
  const data = { title: `pipelined ${id}` };
  const body = JSON.stringify({ id, ...data });
  const headers = ['Content-Type: application/json', `Content-Length: ${body.length}`];
  return {
    category: 'raw-http',
    label: 'pipelined: a write, then a broken request',
    expect: 'accept',
    via: 'raw',
    raw: Buffer.from(http('POST /todos HTTP/1.1', headers, body, false) + broken, 'latin1'),
    writes: [w.write(ALICE, 'todos', id, data)],
    answers: [201, 400],
  };
}
