import { FaultRule } from '../testing-support/sync-server-under-test';
import { cases, MalformedCase } from './malformed-case';
import { ExpectedError } from './malformed-checks';
import { HTML_PAGE, marked } from './malformed-reads';
import { MARK, Stage } from './malformed-stage';

/**
 * The server applies the push, then the proxy answers `body` instead of the server's answer: a
 * committed write whose answer arrives garbled (`replaceAnswer`).
 */
function garbled(
  method: string,
  path: (endpoint: string) => string,
  body: string | ((staged: Stage) => string),
  status?: number
): (staged: Stage) => FaultRule[] {
  return (staged) => [
    {
      match: { method, pathPrefix: path(staged.endpoint) },
      replaceAnswer: { body: typeof body === 'string' ? body : body(staged), status },
    },
  ];
}

const batch = (body: string | ((staged: Stage) => string), status?: number) =>
  garbled('POST', () => '/sync/batch', body, status);

/**
 * A batch answer with one `applied` result per pushed entry (in the order they are sent: t1's
 * update, t5's create, t3's delete), each carrying `record(id, op)` as its record.
 */
function results(
  record: (id: string, op: string) => unknown,
  count?: number
): (staged: Stage) => string {
  return ({ before }) => {
    const all = before.outbox.map((entry) => ({
      mutationId: entry.mutationId,
      status: 'applied',
      httpStatus: entry.op === 'create' ? 201 : 200,
      record: record(entry.recordId, entry.op),
    }));
    const some = Array.from({ length: count ?? all.length }, (_, i) => all[i % all.length]);
    return JSON.stringify({ results: some });
  };
}

const json = (value: unknown) => JSON.stringify(value);
const noId = () => ({ title: MARK, version: 3 });
const infinite = (value: unknown) => json(value).replaceAll('"version":0', '"version":1e400');
const FIX = /Fix the server's answer/;

/** The kit could not tell whether the server stored it: sent again (a retry), kept in line. */
const resent = (recordId: string, mentions: RegExp[]): ExpectedError => ({
  kind: 'invalid-response',
  recordId,
  mentions: [...mentions, /sent again/, FIX],
});
/** The server accepted it (2xx with JSON): confirmed by reading the record back. */
const readBack = (recordId: string, mentions: RegExp[]): ExpectedError => ({
  kind: 'invalid-response',
  recordId,
  mentions: [...mentions, /read back to confirm it/, FIX],
});
const server = (recordId: string, status: number): ExpectedError => ({
  kind: 'server',
  recordId,
  mentions: [new RegExp(`HTTP ${status}`), /an HTML page/, /sent again later/],
});

/** Malformed answers to `POST /sync/batch` (t1's update, t5's create, t3's delete). */
export const BATCH_CASES: MalformedCase[] = cases('batch push', [
  ['HTML with 200', batch(HTML_PAGE), resent('t1', [/an HTML page, not JSON/])],
  ['HTML with 502', batch(HTML_PAGE, 502), server('t1', 502)],
  ['truncated JSON', batch('{"results":[{"mutationId":"'), resent('t1', [/not JSON/])],
  ['JSON of the wrong shape', batch(json({ ok: true })), resent('t1', [/expected \{"results"/])],
  [
    'results without mutation ids',
    batch(({ before }) =>
      json({ results: before.outbox.map(() => ({ status: 'applied', httpStatus: 200 })) })
    ),
    resent('t1', [/result 1 is for mutation nothing/]),
  ],
  ['records without ids', batch(results(noId)), readBack('t1', [/record: "id"/])],
  ['versions as strings', batch(results((id) => marked(id, '3'))), readBack('t5', [/"3"/])],
  ['negative versions', batch(results((id) => marked(id, -4))), readBack('t1', [/-4/])],
  [
    'versions of 1e400',
    batch((staged) => infinite(JSON.parse(results((id) => marked(id, 0))(staged)))),
    readBack('t1', [/Infinity/]),
  ],
  [
    'a version not above the base version',
    batch(results((id, op) => (op === 'update' ? marked(id, 2) : noId()))),
    readBack('t1', [/version 2/, /made on version 2/]),
  ],
  [
    'a conflict whose current record has no id',
    batch(({ before }) =>
      json({
        results: before.outbox.map((entry) =>
          entry.op === 'update'
            ? { mutationId: entry.mutationId, status: 'conflict', httpStatus: 409, current: noId() }
            : { mutationId: entry.mutationId, status: 'applied', httpStatus: 200, record: noId() }
        ),
      })
    ),
    { kind: 'invalid-response', recordId: 't1', mentions: [/current: "id"/, /read/, FIX] },
  ],
  ['fewer results', batch(results(noId, 2)), resent('t1', [/2 results came back for 3/])],
  ['more results', batch(results(noId, 4)), resent('t1', [/4 results came back for 3/])],
  [
    'an oversized answer: 5,000 results for 3 mutations',
    batch(results(noId, 5000)),
    resent('t1', [/5000 results came back for 3/]),
  ],
]);

const record = (id: string) => (endpoint: string) => `/${endpoint}/${id}`;
const collection = (endpoint: string) => `/${endpoint}`;
const patch = (body: string, status?: number) => garbled('PATCH', record('t1'), body, status);
const put = (body: string) => garbled('PUT', record('t1'), body);
const post = (body: string) => garbled('POST', collection, body);
const remove = (body: string, status?: number) => garbled('DELETE', record('t3'), body, status);
const PUT = { sync: { useDeltaSync: false } };

/** Malformed answers to the single requests (`useBatchEndpoint: false`). */
export const REST_CASES: MalformedCase[] = cases('REST push', [
  ['PATCH: HTML with 200', patch(HTML_PAGE), resent('t1', [/an HTML page/])],
  [
    'PATCH: HTML with 200 from a captive portal (never forwarded)',
    ({ endpoint }) => [
      {
        match: { method: 'PATCH', pathPrefix: `/${endpoint}/t1` },
        failWith: { status: 200, body: HTML_PAGE },
      },
    ],
    resent('t1', [/an HTML page/]),
  ],
  ['PATCH: HTML with 502', patch(HTML_PAGE, 502), server('t1', 502)],
  ['PATCH: truncated JSON', patch('{"id":"t1","title":"INJ'), resent('t1', [/not JSON/])],
  ['PATCH: an empty body', patch(''), readBack('t1', [/got nothing/])],
  ['PATCH: an envelope', patch(json({ data: marked('t1', 3) })), readBack('t1', [/"id"/])],
  ['PATCH: no id', patch(json(noId())), readBack('t1', [/"id"/])],
  ['PATCH: another record', patch(json(marked('t2', 3))), readBack('t1', [/"t2"/])],
  ['PATCH: a version as a string', patch(json(marked('t1', '3'))), readBack('t1', [/"3"/])],
  ['PATCH: a negative version', patch(json(marked('t1', -3))), readBack('t1', [/-3/])],
  ['PATCH: a version of 1e400', patch(infinite(marked('t1', 0))), readBack('t1', [/Infinity/])],
  [
    'PATCH: a version not above the base version',
    patch(json(marked('t1', 2))),
    readBack('t1', [/version 2/, /made on version 2/]),
  ],
  ['PUT: HTML with 200', put(HTML_PAGE), resent('t1', [/an HTML page/]), PUT],
  ['PUT: no id', put(json(noId())), readBack('t1', [/"id"/]), PUT],
  [
    'PUT: a version below the base version',
    put(json(marked('t1', 1))),
    readBack('t1', [/version 1/, /made on version 2/]),
    PUT,
  ],
  ['POST: HTML with 200', post(HTML_PAGE), resent('t5', [/an HTML page/])],
  ['POST: truncated JSON', post('{"id":"t5",'), resent('t5', [/not JSON/])],
  ['POST: an empty body', post(''), readBack('t5', [/got nothing/])],
  ['POST: no id', post(json(noId())), readBack('t5', [/"id"/])],
  ['POST: a version as a string', post(json(marked('t5', '1'))), readBack('t5', [/"1"/])],
  // Status 200 given: the server's 204 would carry no body.
  ['DELETE: HTML with 200', remove(HTML_PAGE, 200), resent('t3', [/an HTML page/])],
  ['DELETE: HTML with 503', remove(HTML_PAGE, 503), server('t3', 503)],
  // A delete needs no record back: any JSON (or none) with a 2xx is the server saying it is gone.
  ['DELETE: a JSON that is no tombstone', remove(json({ ok: MARK }), 200), { kind: null }],
]);
