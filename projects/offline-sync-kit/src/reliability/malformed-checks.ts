import { SyncErrorInfo, SyncErrorKind } from '../lib/model/sync-error';
import { readRaw } from '../testing-support/test-database';
import { serverRecords } from '../testing-support/two-devices';
import { MARK, RawSnapshot, Stage } from './malformed-stage';

/**
 * What a case expects the kit to report: an error of `kind` (null: none at all, the answer is
 * one the kit may ignore), about `recordId` when given, whose message matches every `mentions`.
 *
 * @example
 * const expected: ExpectedError = { kind: 'invalid-response', recordId: 't2', mentions: [/HTML page/] };
 */
export interface ExpectedError {
  readonly kind: SyncErrorKind | null;
  readonly recordId?: string;
  readonly mentions?: readonly RegExp[];
  /** The answer names no entity type the device knows (an unreadable WebSocket frame). */
  readonly noEntity?: true;
}

/**
 * An error a case saw: the kit's typed one, or anything else a promise rejected with (`untyped`,
 * always a violation).
 *
 * @example
 * const seen: SeenError = isOfflineSyncError(e) ? e.toInfo() : { kind: 'untyped', message: String(e) };
 */
export type SeenError = SyncErrorInfo | { readonly kind: 'untyped'; readonly message: string };

/**
 * Checks the errors a case saw: the expected one is among them (entity type `todo`, the record,
 * the message), and none is of another kind (an untyped failure surfaces as the fallback kind
 * of `toSyncErrorInfo`, so it shows here too). Answers violations; none means it passed.
 *
 * @example
 * violations.push(...checkErrors(expected, [rejection.toInfo(), ...staged.reported]));
 */
export function checkErrors(expected: ExpectedError, seen: readonly SeenError[]): string[] {
  const problems = seen
    .filter((error) => error.kind !== expected.kind)
    .map((error) => `an error of kind ${error.kind}: ${error.message}`);
  if (expected.kind === null) return problems;
  const match = seen.find(
    (error): error is SyncErrorInfo =>
      error.kind === expected.kind &&
      (expected.noEntity || error.modelType === 'todo') &&
      (expected.recordId === undefined || error.recordId === expected.recordId)
  );
  if (!match) {
    const about = expected.recordId ? ` about todo "${expected.recordId}"` : ' about todo';
    return [...problems, `no ${expected.kind} error${about} (saw ${JSON.stringify(seen)})`];
  }
  const unsaid = (expected.mentions ?? []).filter((mention) => !mention.test(match.message));
  return [...problems, ...unsaid.map((m) => `the message does not say ${m}: ${match.message}`)];
}

/**
 * Right after the malformed answer: no outbox entry became a dead letter, every entry is still
 * there unchanged unless the server applied it (`mayApply`; healing then checks the server has
 * it), nothing of the answer was stored, and (`recordsUnchanged`) every record is as it was.
 *
 * @example
 * violations.push(...(await checkIntact(staged, { mayApply: false, recordsUnchanged: true })));
 */
export async function checkIntact(
  staged: Stage,
  { mayApply, recordsUnchanged }: { mayApply: boolean; recordsUnchanged: boolean }
): Promise<string[]> {
  const now = await readRaw(staged.device.databaseName);
  const problems: string[] = [];
  for (const entry of now.outbox) {
    if (entry.status === 'failed') problems.push(`dead letter: ${entry.op} ${entry.recordId}`);
  }
  for (const entry of staged.before.outbox) {
    const still = now.outbox.find((e) => e.mutationId === entry.mutationId);
    if (!still && !mayApply) problems.push(`outbox entry gone: ${entry.op} ${entry.recordId}`);
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (still && !(same(still.patch, entry.patch) && still.op === entry.op)) {
      problems.push(`outbox entry changed: ${entry.op} ${entry.recordId}`);
    }
  }
  const stored = now.records.filter((row) => JSON.stringify(row.data).includes(MARK));
  if (stored.length > 0) problems.push(`stored from the answer: ${some(stored.map((r) => r.id))}`);
  if (recordsUnchanged) problems.push(...changedRecords(staged.before, now));
  return problems;
}

function changedRecords(before: RawSnapshot, now: RawSnapshot): string[] {
  const shape = (snapshot: RawSnapshot) =>
    JSON.stringify(
      snapshot.records
        .map((row) => ({ id: row.id, data: row.data, version: row.meta.version }))
        .sort((a, b) => a.id.localeCompare(b.id))
    );
  return shape(before) === shape(now) ? [] : ['records changed'];
}

/**
 * After healing: the outbox is empty, and the database holds exactly the server's records (read
 * past the proxy) at the server's versions, which carry every change made on either side.
 *
 * @example
 * await device.settled();
 * violations.push(...(await checkConverged(staged)));
 */
export async function checkConverged(staged: Stage): Promise<string[]> {
  const [raw, server] = await Promise.all([
    readRaw(staged.device.databaseName),
    serverRecords(staged.endpoint),
  ]);
  const problems = raw.outbox.map((entry) => `still in the outbox: ${entry.op} ${entry.recordId}`);
  const held = new Map(raw.records.map((row) => [row.id, row]));
  for (const [id, record] of server) {
    const row = held.get(id);
    const same =
      row &&
      row.data['title'] === record['title'] &&
      row.data['done'] === record['done'] &&
      row.meta.version === record['version'] &&
      row.meta.state === 'synced';
    if (!same) problems.push(`${id}: server ${JSON.stringify(record)}, device ${show(row)}`);
  }
  const extra = [...held.keys()].filter((id) => !server.has(id));
  if (extra.length > 0) problems.push(`not on the server: ${some(extra)}`);
  const intended: [string, string | null][] = [
    ['t1', 't1 edited here'],
    ['t2', 't2 from elsewhere'],
    ['t3', null],
    ['t4', 't4 from elsewhere'],
    ['t5', 't5 made here'],
  ];
  for (const [id, title] of intended) {
    const actual = (server.get(id)?.['title'] as string | undefined) ?? null;
    if (actual !== title) problems.push(`lost: ${id} should be ${title}, is ${actual}`);
  }
  const status = staged.device.sync.currentStatus();
  if (status.lastError) problems.push(`status error after healing: ${status.lastError.message}`);
  return problems;
}

/** A few ids and how many there are: one violation, however many records it concerns. */
function some(ids: readonly string[]): string {
  return `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`;
}

function show(row: { data: unknown; meta: unknown } | undefined): string {
  return row ? JSON.stringify({ data: row.data, meta: row.meta }) : 'nothing';
}
