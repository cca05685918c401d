import { isOfflineSyncError } from '../lib/model/sync-error';
import {
  clearFaults,
  FaultRule,
  InjectedFrame,
  injectWebSocketFrames,
  setFaults,
} from '../testing-support/sync-server-under-test';
import { eventually, rejectionOf } from '../testing-support/test-database';
import {
  checkConverged,
  checkErrors,
  checkIntact,
  ExpectedError,
  SeenError,
} from './malformed-checks';
import { serverWrite, stage, Stage, stageEntity, StageOptions } from './malformed-stage';

/** The ways an answer reaches the kit, each a group of cases. */
export type AccessPath = 'pull' | 'fetch by id' | 'batch push' | 'REST push' | 'WebSocket';

/**
 * One malformed answer: where it comes (`path`), what it is (`faults` for HTTP, through the fault
 * proxy; `frames` for the WebSocket, injected by it) and what the kit must report.
 *
 * @example
 * const html: MalformedCase = { path: 'pull', name: 'HTML with 200', faults: (s) => [...], expect: { kind: 'invalid-response' } };
 */
export interface MalformedCase {
  readonly path: AccessPath;
  readonly name: string;
  /** Device options on top of the path's. */
  readonly options?: StageOptions;
  readonly faults?: (staged: Stage) => FaultRule[];
  readonly frames?: (staged: Stage) => InjectedFrame[];
  readonly expect: ExpectedError;
}

/**
 * A row of a case table: name, faults, what to expect, device options.
 *
 * @example
 * const row: CaseRow = ['HTML with 200', pullAnswer(HTML_PAGE), { kind: 'invalid-response' }];
 */
export type CaseRow = readonly [
  name: string,
  faults: (staged: Stage) => FaultRule[],
  expect: ExpectedError,
  options?: StageOptions,
];

/**
 * The cases of one access path from a table of rows.
 *
 * @example
 * export const PULL_CASES = cases('pull', [['HTML with 200', pullAnswer(HTML_PAGE), invalid]]);
 */
export function cases(path: AccessPath, rows: readonly CaseRow[]): MalformedCase[] {
  return rows.map(([name, faults, expect, options]) => ({
    path,
    name,
    faults,
    expect,
    ...(options ? { options } : {}),
  }));
}

/** What one case found, for the suite's figures. */
export interface CaseResult {
  readonly violations: string[];
  readonly expected: ExpectedError['kind'];
  readonly outboxChecked: number;
  readonly recordsChecked: number;
  readonly resumed: boolean;
}

const PATHS: Record<AccessPath, StageOptions> = {
  pull: {},
  'fetch by id': {},
  'batch push': { sync: { useBatchEndpoint: true } },
  'REST push': { sync: { useBatchEndpoint: false } },
  WebSocket: { webSocket: true },
};

/**
 * Runs one case on a fresh collection and device: stage, serve the malformed answer, check the
 * error and that nothing was lost or stored from it, heal, check that everything converges.
 *
 * @example
 * const result = await runCase(malformedCase);
 * expect(result.violations).toEqual([]);
 */
export async function runCase(malformed: MalformedCase): Promise<CaseResult> {
  const { endpoint, devices } = stageEntity();
  try {
    const base = PATHS[malformed.path];
    const options = { ...base, ...malformed.options };
    const staged = await stage(devices, endpoint, {
      ...options,
      sync: { ...base.sync, ...malformed.options?.sync },
    });
    await setFaults(malformed.faults?.(staged) ?? []);
    const seen = await act(malformed, staged);
    staged.stop();
    const reads = malformed.path === 'pull' || malformed.path === 'fetch by id';
    const violations = [
      ...checkErrors(malformed.expect, seen),
      ...(await checkIntact(staged, { mayApply: !reads, recordsUnchanged: reads })),
    ];
    await clearFaults();
    if (options.webSocket) {
      await eventually(() => staged.device.sync.isWebSocketConnected(), 'the WebSocket back');
    }
    await staged.device.settled();
    const unconverged = await checkConverged(staged);
    return {
      violations: [...violations, ...unconverged],
      expected: malformed.expect.kind,
      outboxChecked: staged.before.outbox.length,
      recordsChecked: staged.before.records.length,
      resumed: unconverged.length === 0,
    };
  } finally {
    await clearFaults();
    await devices.cleanup();
  }
}

/** Serves the case's answer through its path; every error the kit reported meanwhile. */
async function act(malformed: MalformedCase, staged: Stage): Promise<SeenError[]> {
  const { sync } = staged.device;
  switch (malformed.path) {
    case 'pull':
    case 'fetch by id': {
      const read =
        malformed.path === 'pull' ? sync.pullFromServer('todo') : sync.pullModelById('todo', 't2');
      const error = await rejectionOf<unknown>(read);
      if (error === null) return staged.reported;
      const info: SeenError = isOfflineSyncError(error)
        ? error.toInfo()
        : { kind: 'untyped', message: String(error) };
      return [info, ...staged.reported];
    }
    case 'batch push':
    case 'REST push':
      await sync.syncAll();
      return staged.reported;
    case 'WebSocket':
      return afterFrames(malformed, staged);
  }
}

/**
 * Injects the case's frames, waits for the report (if one is expected), then for a change event
 * the server sends after them: the connection handles messages in order, so by then the frames
 * before it were handled.
 */
async function afterFrames(malformed: MalformedCase, staged: Stage): Promise<SeenError[]> {
  const frames = malformed.frames?.(staged) ?? [];
  const tunnels = await injectWebSocketFrames(frames);
  if (tunnels !== 1) throw new Error(`the frames reached ${tunnels} WebSockets, not 1`);
  const kind = malformed.expect.kind;
  if (kind !== null) {
    await eventually(() => staged.reported.some((e) => e.kind === kind), `a ${kind} report`);
  }
  await serverWrite(staged.endpoint, 'POST', { id: 'after', title: 'after', done: false });
  await eventually(() => staged.device.record('after') !== undefined, 'the event after them');
  await staged.device.sync.syncAll(); // what the frames set off (a pull, a push) has run
  return staged.reported;
}
