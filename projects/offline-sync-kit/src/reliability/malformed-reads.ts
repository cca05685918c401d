import { FaultRule } from '../testing-support/sync-server-under-test';
import { cases, MalformedCase } from './malformed-case';
import { MARK, Stage } from './malformed-stage';

/** A login page, as a captive portal, a proxy or an expired session serves it. */
export const HTML_PAGE = `<!doctype html><html><head><title>Sign in</title></head><body>${MARK}</body></html>`;

/** A record as the server would send it, marked, at `version` (any JSON value). */
export function marked(id: string, version: unknown): Record<string, unknown> {
  return { id, title: MARK, done: false, version, updatedAt: '2026-01-01T00:00:00.000Z' };
}

/** The JSON text of a record whose version is 1e400 (Infinity once parsed; JSON has no NaN). */
function infiniteVersion(id: string): string {
  return JSON.stringify(marked(id, 0)).replace('"version":0', '"version":1e400');
}

/** A page of the change feed, as text (so it can hold what JSON.stringify would not write). */
function page(items: string[], cursor = 'next', hasMore = false): string {
  return `{"items":[${items.join(',')}],"cursor":${JSON.stringify(cursor)},"hasMore":${hasMore}}`;
}

/** The answer to the next pull of the staged collection. */
function pullAnswer(body: string, status = 200): (staged: Stage) => FaultRule[] {
  return ({ endpoint }) => [
    { match: { method: 'GET', pathPrefix: `/${endpoint}?` }, failWith: { status, body } },
  ];
}

/** The answer to the next read of t2. */
function readAnswer(body: string, status = 200): (staged: Stage) => FaultRule[] {
  return ({ endpoint }) => [
    { match: { method: 'GET', pathPrefix: `/${endpoint}/t2` }, failWith: { status, body } },
  ];
}

const item = (value: unknown) => JSON.stringify(value);
const FIX = /Fix the server's answer/;
const invalid = (mentions: RegExp[], recordId?: string) => ({
  kind: 'invalid-response' as const,
  mentions: [...mentions, FIX],
  ...(recordId === undefined ? {} : { recordId }),
});

/** Malformed pages of the change feed (`pullFromServer`, whose promise rejects). */
export const PULL_CASES: MalformedCase[] = cases('pull', [
  ['HTML with 200', pullAnswer(HTML_PAGE), invalid([/an HTML page, not JSON/])],
  [
    'HTML with 502',
    pullAnswer(HTML_PAGE, 502),
    { kind: 'server', mentions: [/HTTP 502/, /an HTML page/, /Try again later/] },
  ],
  ['truncated JSON', pullAnswer(page([item(marked('t2', 3))]).slice(0, 40)), invalid([/not JSON/])],
  ['a bare array', pullAnswer(`[${item(marked('t2', 3))}]`), invalid([/expected \{"items"/])],
  ['items not an array', pullAnswer(item({ items: {}, cursor: 'x' })), invalid([/"items"/])],
  [
    'an item without an id',
    pullAnswer(page([item({ title: MARK, version: 3 })])),
    invalid([/"id"/]),
  ],
  [
    'a version as a string',
    pullAnswer(page([item(marked('t2', '3'))])),
    invalid([/string "3"/], 't2'),
  ],
  ['a negative version', pullAnswer(page([item(marked('t2', -3))])), invalid([/number -3/], 't2')],
  ['a fractional version', pullAnswer(page([item(marked('t2', 2.5))])), invalid([/2\.5/], 't2')],
  ['a version of 1e400', pullAnswer(page([infiniteVersion('t2')])), invalid([/Infinity/], 't2')],
  ['a version "NaN"', pullAnswer(page([item(marked('t2', 'NaN'))])), invalid([/"NaN"/], 't2')],
  [
    'more items than asked',
    pullAnswer(page(['t2', 't4', 't6'].map((id) => item(marked(id, 9))))),
    invalid([/3 items/, /at most 2/]),
    { sync: { pullPageSize: 2 } },
  ],
  [
    'an oversized page: 5,000 items for 2 asked',
    pullAnswer(page(Array.from({ length: 5000 }, (_, i) => item(marked(`x${i}`, 1))))),
    invalid([/5000 items/, /at most 2/]),
    { sync: { pullPageSize: 2 } },
  ],
  [
    'hasMore with the same cursor',
    (staged: Stage) => pullAnswer(page([item(marked('t2', 3))], cursorOf(staged), true))(staged),
    invalid([/cursor stayed/]),
  ],
  [
    // A page answered before a newer version reached the device is legitimate: ignored, no error.
    'a version lower than the one held',
    (staged: Stage) => pullAnswer(page([item(marked('t1', 1))], cursorOf(staged)))(staged),
    { kind: null },
  ],
]);

/** Malformed answers to a read of t2 (`pullModelById`, whose promise rejects). */
export const FETCH_CASES: MalformedCase[] = cases('fetch by id', [
  ['HTML with 200', readAnswer(HTML_PAGE), invalid([/an HTML page, not JSON/], 't2')],
  [
    'HTML with 503',
    readAnswer(HTML_PAGE, 503),
    { kind: 'server', mentions: [/HTTP 503/, /an HTML page/], recordId: 't2' },
  ],
  ['truncated JSON', readAnswer(item(marked('t2', 3)).slice(0, 30)), invalid([/not JSON/], 't2')],
  ['an array', readAnswer(`[${item(marked('t2', 3))}]`), invalid([/an array of 1/], 't2')],
  ['an envelope', readAnswer(item({ data: marked('t2', 3) })), invalid([/"id"/], 't2')],
  [
    'a record without an id',
    readAnswer(item({ title: MARK, version: 3 })),
    invalid([/"id"/], 't2'),
  ],
  ['another record', readAnswer(item(marked('t3', 3))), invalid([/"t3"/, /"t2"/], 't2')],
  ['a version as a string', readAnswer(item(marked('t2', '3'))), invalid([/string "3"/], 't2')],
  ['a negative version', readAnswer(item(marked('t2', -1))), invalid([/number -1/], 't2')],
  ['a version of 1e400', readAnswer(infiniteVersion('t2')), invalid([/Infinity/], 't2')],
  // The device holds t2 at version 2: an older answer (a lagging replica) is ignored.
  ['a version lower than the one held', readAnswer(item(marked('t2', 1))), { kind: null }],
]);

/** The pull cursor the device holds (what its next pull sends). */
function cursorOf(staged: Stage): string {
  const stored = staged.before.meta.find((entry) => entry.key === 'cursor:todo')?.value;
  if (typeof stored !== 'string') throw new Error('the staged device has no pull cursor');
  return stored;
}
