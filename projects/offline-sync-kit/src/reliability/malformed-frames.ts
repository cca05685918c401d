import { InjectedFrame } from '../testing-support/sync-server-under-test';
import { MalformedCase } from './malformed-case';
import { ExpectedError } from './malformed-checks';
import { HTML_PAGE, marked } from './malformed-reads';
import { MARK, Stage } from './malformed-stage';

/** A change event about t2 at version 9 (a version newer than any), with `fields` changed. */
function change(endpoint: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'change',
    event: 'updated',
    channel: endpoint,
    modelType: endpoint,
    id: 't2',
    version: 9,
    seq: 999_999,
    data: marked('t2', 9),
    ...fields,
  };
}

/** A frame holding a change event with `fields` changed (`undefined` leaves a field out). */
const changed =
  (fields: Record<string, unknown>) =>
  ({ endpoint }: Stage): InjectedFrame[] => [{ json: change(endpoint, fields) }];

const TWO_MIB = 2 * 1024 * 1024;
/** Each message says what to do: which rule the server broke, or what to set up in the app. */
const WHAT_TO_DO = /docs\/protocol\.md|Fix the server's answer|SyncEventMapper|Register the type/;
const invalid = (mentions: RegExp[], about: Partial<ExpectedError> = {}): ExpectedError => ({
  kind: 'invalid-response',
  mentions: [...mentions, WHAT_TO_DO],
  ...about,
});
const unreadable = (mentions: RegExp[]) => invalid(mentions, { noEntity: true });

type FrameRow = readonly [
  name: string,
  frames: (staged: Stage) => InjectedFrame[],
  expect: ExpectedError,
];

/** Frames the reference server never sends, injected into the device's WebSocket by the proxy. */
export const WEBSOCKET_CASES: MalformedCase[] = (
  [
    ['an HTML page as text', () => [{ text: HTML_PAGE }], unreadable([/an HTML page/])],
    [
      'truncated JSON',
      () => [{ text: '{"type":"change","id":"t2","data":{"id"' }],
      unreadable([/not JSON/]),
    ],
    [
      'a binary frame',
      ({ endpoint }) => [{ binary: btoa(JSON.stringify(change(endpoint))) }],
      unreadable([/binary/]),
    ],
    [
      'a JSON array',
      ({ endpoint }) => [{ json: [change(endpoint)] }],
      unreadable([/an array of 1/]),
    ],
    [
      'an object without a type',
      () => [{ json: { event: 'updated', id: 't2', title: MARK } }],
      unreadable([/type/]),
    ],
    [
      'an unknown type',
      () => [{ json: { type: MARK, id: 't2' } }],
      unreadable([/"INJECTED"/, /registerMessageHandler/]),
    ],
    ['a change without an id', changed({ id: undefined }), invalid([/"id"/])],
    [
      'a change without channel or modelType',
      changed({ channel: undefined, modelType: undefined }),
      unreadable([/"channel"/]),
    ],
    [
      'a change about an unknown collection',
      changed({ channel: `${MARK}_x`, modelType: `${MARK}_x` }),
      unreadable([/not the endpoint or modelType/]),
    ],
    [
      'an unknown event name',
      changed({ event: MARK }),
      invalid([/"INJECTED"/, /SyncEventMapper/], { recordId: 't2' }),
    ],
    [
      'a version as a string',
      changed({ version: '9' }),
      invalid([/string "9"/], { recordId: 't2' }),
    ],
    [
      'a negative version',
      changed({ version: -9, data: marked('t2', -9) }),
      invalid([/-9/], { recordId: 't2' }),
    ],
    [
      'a version of 1e400',
      ({ endpoint }) => [
        { text: JSON.stringify(change(endpoint)).replace('"version":9', '"version":1e400') },
      ],
      invalid([/Infinity/], { recordId: 't2' }),
    ],
    [
      'data without an id',
      changed({ data: { title: MARK, version: 9 } }),
      invalid([/"id"/], { recordId: 't2' }),
    ],
    [
      'data about another record',
      changed({ data: marked('t3', 9) }),
      invalid([/"t3"/], { recordId: 't2' }),
    ],
    ['data that is no object', changed({ data: MARK }), invalid([/"data"/], { recordId: 't2' })],
    [
      'a 2 MiB frame that is no JSON',
      () => [{ text: `<html>${MARK}${'x'.repeat(TWO_MIB)}` }],
      unreadable([/an HTML page/]),
    ],
    [
      'a 2 MiB change without an id',
      changed({ id: undefined, data: { ...marked('t2', 9), note: 'x'.repeat(TWO_MIB) } }),
      invalid([/"id"/]),
    ],
    // Older than the version held (a late event): ignored without a word.
    [
      'a change older than the record held',
      changed({ id: 't1', version: 1, data: marked('t1', 1) }),
      { kind: null },
    ],
  ] satisfies FrameRow[]
).map(([name, frames, expect]) => ({ path: 'WebSocket', name, frames, expect }));
