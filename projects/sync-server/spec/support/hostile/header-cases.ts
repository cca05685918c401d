import type { SeededRandom } from '../seeded-random';
import { acceptedWrite } from './accepted-writes';
import { ALICE, BOB, recordPath, request, type CaseDraft, type HostileRequest } from './cases';
import {
  BAD_AUTHORIZATION,
  BAD_CONTENT_TYPES,
  BAD_IDEMPOTENCY_KEYS,
  BAD_IF_MATCH,
  ODD_VALID_CONTENT_TYPES,
} from './values';
import type { World } from './world';

/** Headers the server ignores; they must change nothing, and a GET must stay a read. */
const IGNORED_HEADERS: [string, string][] = [
  ['x-http-method-override', 'DELETE'],
  ['x-method-override', 'PUT'],
  ['x-forwarded-for', "' OR 1=1 --"],
  ['x-forwarded-host', 'evil.example'],
  ['origin', 'null'],
  ['cookie', 'session=%00; admin=1'],
  ['accept', 'text/html'],
  ['accept-encoding', "gzip, br, ';--"],
  ['range', 'bytes=0-1'],
  ['referer', 'javascript:alert(1)'],
  ['x-large', 'y'.repeat(10_000)],
  ['user-agent', "sqlmap/1.0'; DROP TABLE records; --"],
];

/** Headers only an in-process Request can carry (fetch refuses or rewrites them). */
const IN_PROCESS_HEADERS: [string, string][] = [
  ['connection', 'close, upgrade'],
  ['upgrade', 'websocket'],
  ['expect', '100-continue'],
  ['host', "evil.example'--"],
  ['transfer-encoding', 'chunked, identity'],
];

/** Odd Content-Type, If-Match and Idempotency-Key values, duplicated and ignored headers. */
export function headers(w: World, r: SeededRandom): CaseDraft {
  const reject = (label: string, req: HostileRequest, code?: string): CaseDraft => ({
    category: 'headers',
    label,
    expect: 'reject',
    request: req,
    ...(code ? { code } : {}),
  });
  switch (r.int(0, 9)) {
    case 0: {
      const base = w.baseWrite(['create', 'replace', 'update', 'batch']);
      if (r.chance(0.2)) {
        const req = request(base.method, base.path, {
          user: ALICE,
          body: new TextEncoder().encode(JSON.stringify(base.body)),
          headers: [['content-type', '']],
        });
        req.headers = req.headers.filter(([name]) => name !== 'content-type');
        return reject(`${base.kind}: no Content-Type`, req, 'unsupported_media_type');
      }
      const type = r.pick(BAD_CONTENT_TYPES);
      const req = request(base.method, base.path, {
        user: ALICE,
        body: JSON.stringify(base.body),
        headers: [['content-type', type]],
      });
      return reject(
        `${base.kind}: Content-Type ${type.slice(0, 40)}`,
        req,
        'unsupported_media_type'
      );
    }
    case 1: {
      const contentType = r.pick(ODD_VALID_CONTENT_TYPES);
      return acceptedWrite(w, r, {
        category: 'headers',
        label: `Content-Type ${contentType}`,
        contentType,
      });
    }
    case 2: {
      const base = w.baseWrite(['replace', 'update', 'delete']);
      const value = r.pick(BAD_IF_MATCH);
      return reject(
        `${base.kind}: If-Match ${value.slice(0, 40)}`,
        w.toRequest(base, [['if-match', value]])
      );
    }
    case 3: {
      const base = w.baseWrite(['replace', 'update', 'delete']);
      const version = r.pick([2, 3, 999, 123456789012345]);
      const value = r.chance(0.5) ? `"${version}"` : `W/"${version}"`;
      return reject(
        `${base.kind}: stale If-Match ${value}`,
        w.toRequest(base, [['if-match', value]]),
        'conflict'
      );
    }
    case 4: {
      const method = r.pick(['PUT', 'PATCH', 'DELETE']);
      const req = request(method, recordPath('todos', w.fresh()), {
        user: ALICE,
        ...(method === 'DELETE' ? {} : { body: { title: 'x' } }),
        headers: [['if-match', `"${r.int(1, 9)}"`]],
      });
      return reject(
        `${method} of a record that never existed, with If-Match`,
        req,
        'precondition_failed'
      );
    }
    case 5: {
      const base = w.baseWrite(['replace', 'update', 'delete']);
      const [a, b] = r.pick([
        ['"1"', '"2"'],
        ['*', '"1"'],
        ['"1"', '"1"'],
        ['W/"1"', '*'],
      ]);
      return reject(
        `${base.kind}: two If-Match headers ${a} ${b}`,
        w.toRequest(base, [
          ['if-match', a!],
          ['if-match', b!],
        ])
      );
    }
    case 6: {
      const base = w.baseWrite(['create', 'replace', 'update', 'delete']);
      const pair: [string, string][] = r.chance(0.2)
        ? [
            ['idempotency-key', w.fresh('k')],
            ['idempotency-key', w.fresh('k')],
          ]
        : [['idempotency-key', r.pick(BAD_IDEMPOTENCY_KEYS)]];
      return reject(
        `${base.kind}: Idempotency-Key ${pair.map(([, v]) => v.slice(0, 20)).join(' + ')}`,
        w.toRequest(base, pair)
      );
    }
    case 7:
    case 8: {
      const inProcess = r.chance(0.3);
      const header = r.pick(inProcess ? IN_PROCESS_HEADERS : IGNORED_HEADERS);
      const req = request(r.pick(['GET', 'HEAD']), recordPath('todos', w.baseId()), {
        user: ALICE,
        headers: [header],
      });
      return {
        category: 'headers',
        label: `read with ${header[0]}: ${header[1].slice(0, 30)}`,
        expect: 'no-change',
        request: req,
        ...(inProcess ? { inProcessOnly: true } : {}),
      };
    }
    default: {
      const req = request('OPTIONS', r.pick(['/todos', `/todos/${w.baseId()}`, '/sync/batch']), {
        headers: [
          ['origin', r.pick(['null', 'https://evil.example', "'; DROP TABLE records; --"])],
          ['access-control-request-method', r.pick(['DELETE', 'FOO', "'"])],
          ['access-control-request-headers', r.pick(['x-evil', 'if-match, authorization', '%00'])],
        ],
      });
      return {
        category: 'headers',
        label: 'CORS preflight with odd values',
        expect: 'no-change',
        request: req,
      };
    }
  }
}

/** Junk `Authorization`, another user's records, unauthenticated reads. */
export function auth(w: World, r: SeededRandom): CaseDraft {
  switch (r.int(0, 4)) {
    case 0:
    case 1: {
      const base = w.baseWrite();
      const req = w.toRequest(base);
      req.headers = req.headers.filter(([name]) => name !== 'authorization');
      const junk = r.chance(0.1)
        ? ['Bearer alice-token', 'Bearer bob-token']
        : r.chance(0.1)
          ? []
          : [r.pick(BAD_AUTHORIZATION)];
      for (const value of junk) req.headers.push(['authorization', value]);
      return {
        category: 'auth',
        label: `${base.kind}: Authorization ${junk.map((v) => v.slice(0, 30)).join(' + ') || 'missing'}`,
        expect: 'reject',
        code: 'unauthorized',
        request: req,
      };
    }
    case 2: {
      const method = r.pick(['PATCH', 'DELETE']);
      const req = request(method, recordPath('todos', w.baseId()), {
        user: BOB,
        ...(method === 'PATCH' ? { body: { done: true } } : {}),
      });
      return {
        category: 'auth',
        label: `Bob ${method}s Alice's record`,
        expect: 'reject',
        code: 'not_found',
        request: req,
      };
    }
    case 3:
      return {
        category: 'auth',
        label: "Bob reads Alice's record",
        expect: 'no-change',
        request: request('GET', recordPath('todos', w.baseId()), { user: BOB }),
      };
    default: {
      const path = r.pick(['/todos', '/health', `/todos/${w.baseId()}`, '/sync/batch']);
      const req = request('GET', path, { headers: [['authorization', r.pick(BAD_AUTHORIZATION)]] });
      return {
        category: 'auth',
        label: `GET ${path} with a junk token`,
        expect: 'no-change',
        request: req,
      };
    }
  }
}
