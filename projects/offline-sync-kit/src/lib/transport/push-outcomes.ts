import { PushOutcome } from '../model/push-outcome';
import { ServerChange } from '../model/server-change';
import { ClassifiedFailure, FailureContext } from './classify-http-error';
import { versionFromEtag } from './etag';
import { invalidResponse } from './invalid-response';
import { isJsonObject } from './json-body';
import { checkServerRecord, RecordReading } from './read-server-record';
import type { PushEntry } from './sync-transport';

/**
 * How messages name one pushed entry: `the update of todo "t1"`.
 *
 * @example
 * const about = { subject: pushSubject(entry), request, timeoutMs, write: true };
 */
export function pushSubject(entry: PushEntry): string {
  const { op, recordId } = entry.mutation;
  return `the ${op} of ${entry.entity.modelType} "${recordId}"`;
}

/**
 * The failure context of one entry's request, for `classifyFailure`.
 *
 * @example
 * classifyFailure(error, pushFailureContext(entry, 'PATCH …/todos/t1', 30_000));
 */
export function pushFailureContext(
  entry: PushEntry,
  request: string,
  timeoutMs: number
): FailureContext {
  const { modelType } = entry.entity;
  const { recordId } = entry.mutation;
  return { subject: pushSubject(entry), request, timeoutMs, write: true, modelType, recordId };
}

/**
 * The outcome of a write the server applied (a 2xx whose body is JSON, or empty), from the record
 * it answered with. A delete needs no body: its tombstone is the answer's tombstone if it sent
 * one, else one built from the id and the `ETag` (the reference server sends the tombstone's
 * version there with its 204). Any other write should answer with its record at a version above
 * the one the change was made on. When it does not (no record, no id, a garbled or lower version),
 * the write was accepted: the outcome is `applied` without a record, with an `invalid-response`
 * error saying what was wrong, and the kit confirms it by reading the record back (if the record
 * does not show the change, something else may have answered: it is sent again). Neither a dead
 * letter (the app might discard a change the server has) nor a plain retry (an API that answers
 * writes without the record would never get past it) would do.
 *
 * @example
 * appliedOutcome(entry, { id: 't1', title: 'Milk', version: 4 }, reading); // { status: 'applied', record: … }
 */
export function appliedOutcome(
  entry: PushEntry,
  body: unknown,
  reading: RecordReading
): PushOutcome {
  const mutationId = entry.mutation.mutationId;
  if (entry.mutation.op === 'delete') {
    return { mutationId, status: 'applied', record: deleteTombstone(entry, body, reading) };
  }
  const unread = (problem: string): PushOutcome => {
    const error = invalidResponse(
      reading,
      `${reading.where ? `${reading.where}: ` : ''}${problem}; the server accepted the change, ` +
        'so the record is read back to confirm it (and the change sent again if it does not show)'
    );
    return { mutationId, status: 'applied', record: null, error };
  };
  const record = checkServerRecord(body, reading);
  if ('problem' in record) return unread(record.problem);
  const base = entry.mutation.baseVersion;
  if (entry.mutation.op !== 'create' && base !== null && record.version !== null) {
    if (record.version <= base) {
      return unread(
        `the record comes back at version ${record.version}, but the change was made on ` +
          `version ${base}; every write gives a record a higher version`
      );
    }
  }
  return { mutationId, status: 'applied', record };
}

/**
 * The outcome of a write refused as a conflict (409/412), with the server's `current` record or
 * tombstone when the answer carried one (`null` when not: a 412 names no current record). A
 * `current` that does not fit the mapping is left out (`null`, with an `invalid-response` error
 * saying what was wrong): the kit then reads the record, instead of resolving the conflict
 * against a garbled one or parking a change the server never took as a dead letter.
 *
 * @example
 * conflictOutcome(entry, body.current, { ...reading, where: 'current' });
 */
export function conflictOutcome(
  entry: PushEntry,
  current: unknown,
  reading: RecordReading
): PushOutcome {
  const mutationId = entry.mutation.mutationId;
  if (current === undefined || current === null)
    return { mutationId, status: 'conflict', current: null };
  const checked = checkServerRecord(current, reading);
  if (!('problem' in checked)) return { mutationId, status: 'conflict', current: checked };
  const where = reading.where ? `${reading.where}: ` : '';
  const problem = `${where}${checked.problem}; the record is read from the server instead`;
  return {
    mutationId,
    status: 'conflict',
    current: null,
    error: invalidResponse(reading, problem),
  };
}

/**
 * The outcome of a failed write, from its classification.
 *
 * @example
 * failureOutcome(entry, classifyFailure(error, about), reading); // { status: 'retry', error, retryAfterMs: 5000 }
 */
export function failureOutcome(
  entry: PushEntry,
  failure: ClassifiedFailure,
  reading: RecordReading
): PushOutcome {
  const mutationId = entry.mutation.mutationId;
  switch (failure.outcome) {
    case 'conflict': {
      const current = isJsonObject(failure.body) ? failure.body['current'] : undefined;
      const etag = failure.headers?.get('ETag') ?? null;
      return conflictOutcome(entry, current, { ...reading, etag, where: 'current' });
    }
    case 'retry': {
      const after = failure.retryAfterMs;
      return {
        mutationId,
        status: 'retry',
        error: failure.error,
        ...(after === undefined ? {} : { retryAfterMs: after }),
      };
    }
    case 'auth':
      return { mutationId, status: 'auth', error: failure.error };
    case 'rejected':
      return { mutationId, status: 'rejected', error: failure.error };
  }
}

function deleteTombstone(entry: PushEntry, body: unknown, reading: RecordReading): ServerChange {
  // The delete happened (2xx); an odd body only costs the tombstone's version.
  const answered = isJsonObject(body) ? checkServerRecord(body, reading) : null;
  if (answered && !('problem' in answered) && answered.deleted) return answered;
  const version = versionFromEtag(reading.etag) ?? null;
  return { id: entry.mutation.recordId, deleted: true, version, updatedAt: null };
}
