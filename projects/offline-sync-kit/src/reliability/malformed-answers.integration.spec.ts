import { CaseResult, MalformedCase, runCase } from './malformed-case';
import { BATCH_CASES, REST_CASES } from './malformed-pushes';
import { FETCH_CASES, PULL_CASES } from './malformed-reads';
import { WEBSOCKET_CASES } from './malformed-frames';

/**
 * The client half of issue 10's "Bad input": malformed answers on every way an answer reaches the
 * kit, served by the fault proxy in front of the reference server (real HTTP through HttpClient,
 * real WebSocket frames). Each case stages a device that is behind and ahead of the server, serves
 * one malformed answer, and checks that the kit reports a typed error naming the entity, record
 * and what to do; that no outbox entry is lost or dead-lettered and nothing of the answer is
 * stored; and that once the server behaves, one sync brings device and server together.
 */
const GROUPS: [string, MalformedCase[]][] = [
  ['a pull (change feed page)', PULL_CASES],
  ['a fetch by id (pullModelById)', FETCH_CASES],
  ['a push over POST /sync/batch', BATCH_CASES],
  ['a push as single REST requests', REST_CASES],
  ['the WebSocket', WEBSOCKET_CASES],
];

const results: CaseResult[] = [];

describe('malformed server answers (client)', () => {
  for (const [path, group] of GROUPS) {
    describe(`through ${path}`, () => {
      for (const malformed of group) {
        it(`${malformed.name}: ${expectation(malformed)}, nothing lost, synced after`, async () => {
          const result = await runCase(malformed);
          results.push(result);
          expect(result.violations).toEqual([]);
        }, 30_000);
      }
    });
  }

  afterAll(() => {
    const all = GROUPS.flatMap(([, group]) => group).length;
    const count = (pick: (r: CaseResult) => boolean) => results.filter(pick).length;
    const clean = (r: CaseResult) => r.violations.length === 0;
    const figures = {
      cases: results.length,
      'typed invalid-response errors': count((r) => clean(r) && r.expected === 'invalid-response'),
      'typed server errors (HTML with 5xx)': count((r) => clean(r) && r.expected === 'server'),
      'stale answers ignored without an error': count((r) => clean(r) && r.expected === null),
      'outbox entries checked intact': results.reduce((n, r) => n + r.outboxChecked, 0),
      'records checked intact': results.reduce((n, r) => n + r.recordsChecked, 0),
      'syncs resumed after healing': count((r) => r.resumed),
      'untyped errors or losses': results.reduce((n, r) => n + r.violations.length, 0),
    };
    console.log(
      `[reliability-figures] ${JSON.stringify({
        id: 'client-malformed-answers',
        title: 'Client: malformed server answers (pull, fetch by id, batch, REST, WebSocket)',
        size: `${all} cases through the fault proxy`,
        command: 'npm test',
        figures,
        passed: results.length === all && figures['untyped errors or losses'] === 0,
      })}`
    );
  });
});

function expectation(malformed: MalformedCase): string {
  const kind = malformed.expect.kind;
  return kind === null ? 'ignored' : `a typed ${kind} error`;
}
