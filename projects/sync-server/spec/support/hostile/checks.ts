import type { SyncServerHandle } from '../../../src';
import type { DatabaseTables } from '../test-server';
import { ALICE, BOB, recordPath, type HostileCase } from './cases';
import type { HostileTally } from './runner';
import type { Outcome } from './transport';

/** Reports one problem with the case being checked. */
export type Report = (what: string) => void;

const TOKEN_OF: Record<string, string> = { [ALICE.scope]: ALICE.token, [BOB.scope]: BOB.token };

/** A 4xx must be `{ error: { code, message } }` as JSON, with a short message. */
export function checkError(c: HostileCase, o: Outcome, tally: HostileTally, problem: Report): void {
  const json = /^application\/json/i.test(o.contentType);
  const body = c.request?.method === 'HEAD' ? undefined : parse(o.text);
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (
    !json ||
    (c.request?.method !== 'HEAD' &&
      !(typeof error?.code === 'string' && typeof error.message === 'string'))
  ) {
    tally.nonJsonErrors += 1;
    problem(
      `${o.status} is not a JSON error (${o.contentType || 'no Content-Type'}): ${o.text.slice(0, 120)}`
    );
    return;
  }
  if (typeof error?.message === 'string' && error.message.length > 500) {
    problem(`the error message has ${error.message.length} characters: it echoes the input`);
  }
  if (c.code && error && error.code !== c.code)
    problem(`error code ${error.code}, expected ${c.code}`);
}

/** A batch answer: one well-formed result per item, applied exactly where expected. */
export function checkBatch(c: HostileCase, o: Outcome, tally: HostileTally, problem: Report): void {
  const results = (parse(o.text) as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(results))
    return problem(`a batch answered without results: ${o.text.slice(0, 120)}`);
  if (c.batchItems && results.length !== c.batchItems.length) {
    problem(`${results.length} results for ${c.batchItems.length} mutations`);
  }
  results.forEach((result: Record<string, any>, i) => {
    const where = `batch item ${i}`;
    if (result['httpStatus'] >= 500) {
      tally['5xx'] += 1;
      problem(`${where} answered ${result['httpStatus']} ${JSON.stringify(result).slice(0, 160)}`);
    }
    const applied = result['status'] === 'applied';
    const shaped =
      (applied && typeof result['record'] === 'object') ||
      (result['status'] === 'conflict' && typeof result['current'] === 'object') ||
      (result['status'] === 'rejected' &&
        typeof result['error']?.code === 'string' &&
        typeof result['error']?.message === 'string');
    if (!shaped) problem(`${where} is malformed: ${JSON.stringify(result).slice(0, 160)}`);
    // A refused batch applies nothing; a mixed one applies exactly its valid items.
    const expected = c.expect === 'reject' ? false : c.batchItems?.[i];
    if (expected !== undefined && applied !== expected) {
      problem(
        `${where} was ${result['status']}, expected it ${expected ? '' : 'not '}applied: ${JSON.stringify(result).slice(0, 160)}`
      );
    }
  });
}

/** The first answer to a write sent with an idempotency key: what a replay must get back. */
export interface FirstAnswer {
  status: number;
  /** The record answered, as JSON text; undefined after a 204, which answers none. */
  record?: string;
}

/**
 * The first answers an accepted write gave, by `scope` and key: for a batch each keyed item's
 * `httpStatus` and record, else the status and body.
 */
export function firstAnswers(c: HostileCase, o: Outcome): [string, FirstAnswer][] {
  const results = isBatch(c) ? ((parse(o.text) as { results?: any[] })?.results ?? []) : [];
  const appliedResults = results.filter((r) => r?.status === 'applied');
  const answers: [string, FirstAnswer][] = [];
  for (const [i, w] of (c.writes ?? []).entries()) {
    if (w.key === undefined) continue;
    const result = appliedResults[i];
    const answer: FirstAnswer | undefined = !isBatch(c)
      ? { status: o.status, ...(o.status === 204 ? {} : { record: o.text }) }
      : result && { status: result.httpStatus, record: JSON.stringify(result.record) };
    if (answer) answers.push([replayKey(w.scope, w.key), answer]);
  }
  return answers;
}

/** How `firstAnswers` names a key: the user's scope and the key. */
export function replayKey(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}

/**
 * A replay got the first answer again: for a single request its status (and body) with
 * `Idempotent-Replayed: true`; in a batch, the item of its key applied with the first status
 * and record.
 */
export function checkReplay(
  c: HostileCase,
  o: Outcome,
  first: FirstAnswer | undefined,
  problem: Report
): void {
  const key = c.replayOf!.key;
  if (!first) return problem(`replays key ${key}, whose first use got no 2xx answer`);
  if (isBatch(c)) {
    const results = (parse(o.text) as { results?: any[] } | undefined)?.results ?? [];
    const result = results.find((r) => r?.mutationId === key);
    const record = JSON.stringify(result?.record);
    if (
      result?.status !== 'applied' ||
      result.httpStatus !== first.status ||
      (first.record !== undefined && record !== first.record)
    ) {
      problem(
        `the replayed item answered ${JSON.stringify(result)?.slice(0, 160)}, first ${first.status} ${first.record?.slice(0, 160)}`
      );
    }
    return;
  }
  if (o.status !== first.status) {
    problem(`a replay answered ${o.status} ${o.text.slice(0, 160)}, first ${first.status}`);
  }
  if (o.headers.get('idempotent-replayed') !== 'true') {
    problem(`a replay answered without Idempotent-Replayed: true`);
  }
  if (first.record !== undefined && o.status !== 204 && o.text !== first.record) {
    problem(`a replay answered ${o.text.slice(0, 160)}, first ${first.record.slice(0, 160)}`);
  }
}

/**
 * An accepted write stored exactly what was sent (byte for byte, as JSON text), answered
 * it, reads back the same, and changed nothing but its own records, keys and sequence.
 */
export async function checkAccepted(
  c: HostileCase,
  o: Outcome,
  before: DatabaseTables,
  after: DatabaseTables,
  server: SyncServerHandle,
  tally: HostileTally,
  problem: Report
): Promise<void> {
  const writes = c.writes ?? [];
  const own = new Set(writes.map((w) => `${w.scope}\u0000${w.collection}\u0000${w.id}`));
  const ownKeys = new Set(writes.filter((w) => w.key).map((w) => `${w.scope}\u0000${w.key}`));
  for (const k of changedRows(
    before.records,
    after.records,
    (r) => `${r.scope}\u0000${r.collection}\u0000${r.id}`
  )) {
    if (!own.has(k))
      problem(`changed record ${k.replaceAll('\u0000', '/')}, which it did not write`);
  }
  for (const k of changedRows(
    before.idempotency_keys,
    after.idempotency_keys,
    (r) => `${r.scope}\u0000${r.key}`
  )) {
    if (!ownKeys.has(k)) problem(`changed idempotency key ${k.replaceAll('\u0000', ' ')}`);
  }
  const seqBefore = before.change_sequence[0]!.value;
  const seqAfter = after.change_sequence[0]!.value;
  if (seqAfter !== seqBefore + writes.length) {
    problem(
      `moved the change sequence from ${seqBefore} to ${seqAfter} for ${writes.length} write(s)`
    );
  }
  const results = isBatch(c) ? ((parse(o.text) as { results?: any[] })?.results ?? []) : [];
  const appliedResults = results.filter((r) => r?.status === 'applied');
  for (const [i, w] of writes.entries()) {
    const row = after.records.find(
      (r) => r.scope === w.scope && r.collection === w.collection && r.id === w.id
    );
    if (!row) {
      problem(`stored no record ${w.collection}/${w.id}`);
      continue;
    }
    tally.acceptedWritesChecked += 1;
    const storedRight =
      w.data === null
        ? row.deleted === 1 && row.data === null
        : row.deleted === 0 && row.data === JSON.stringify(w.data);
    if (!storedRight)
      problem(`stored ${row.data?.slice(0, 160)}, sent ${JSON.stringify(w.data)?.slice(0, 160)}`);
    const entry = JSON.stringify(
      w.data === null
        ? { id: w.id, deleted: true, version: row.version, updatedAt: row.updated_at }
        : { id: w.id, ...w.data, version: row.version, updatedAt: row.updated_at }
    );
    if (isBatch(c)) {
      const record = JSON.stringify(appliedResults[i]?.record);
      if (record !== entry)
        problem(`answered ${record?.slice(0, 160)}, stored ${entry.slice(0, 160)}`);
    } else if (o.status !== 204 && o.text !== entry) {
      problem(`answered ${o.text.slice(0, 160)}, stored ${entry.slice(0, 160)}`);
    }
    if (w.data && w.readable) {
      const read = await server.fetch(
        new Request(`http://127.0.0.1${recordPath(w.collection, w.id)}`, {
          headers: { authorization: `Bearer ${TOKEN_OF[w.scope]}` },
        })
      );
      const readText = await read.text();
      if (read.status !== 200 || readText !== entry) {
        problem(
          `reads back ${read.status} ${readText.slice(0, 160)}, stored ${entry.slice(0, 160)}`
        );
      }
    }
  }
}

/** True for `POST /sync/batch`: its answer is a 200 with one result per item. */
export function isBatch(c: HostileCase): boolean {
  return (
    c.batchItems !== undefined || (c.request?.method === 'POST' && c.request.path === '/sync/batch')
  );
}

/** Keys of rows that were added, removed or changed between two reads of a table. */
function changedRows<T>(
  before: readonly T[],
  after: readonly T[],
  keyOf: (row: T) => string
): string[] {
  const old = new Map(before.map((row) => [keyOf(row), JSON.stringify(row)]));
  const changed: string[] = [];
  for (const row of after) {
    const k = keyOf(row);
    if (old.get(k) !== JSON.stringify(row)) changed.push(k);
    old.delete(k);
  }
  return [...changed, ...old.keys()];
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
