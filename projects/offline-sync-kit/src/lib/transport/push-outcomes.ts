import { PushOutcome } from '../model/push-outcome';
import { ServerChange } from '../model/server-change';
import { isOfflineSyncError } from '../model/sync-error';
import { ClassifiedFailure, FailureContext } from './classify-http-error';
import { versionFromEtag } from './etag';
import { isJsonObject } from './json-body';
import { readServerRecord, RecordReading } from './read-server-record';
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
 * The outcome of a write the server applied, from the record it answered with. A delete needs no
 * body: its tombstone is the answer's tombstone if it sent one, else one built from the id and
 * the `ETag` (the reference server sends the tombstone's version there with its 204). Any other
 * write must answer with its record, or the entry is `rejected` as `invalid-response`: without
 * the server's record the kit cannot know the new version, and retrying would get the same answer.
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
  try {
    return { mutationId, status: 'applied', record: readServerRecord(body, reading) };
  } catch (error) {
    if (!isOfflineSyncError(error)) throw error;
    return { mutationId, status: 'rejected', error };
  }
}

/**
 * The outcome of a write refused as a conflict (409/412), with the server's `current` record or
 * tombstone when the answer carried one (`null` when not: a 412 names no current record). A
 * `current` that does not fit the mapping makes the entry `rejected` as `invalid-response`
 * rather than a conflict resolved against a garbled record.
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
  try {
    return { mutationId, status: 'conflict', current: readServerRecord(current, reading) };
  } catch (error) {
    if (!isOfflineSyncError(error)) throw error;
    return { mutationId, status: 'rejected', error };
  }
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
  if (isJsonObject(body)) {
    try {
      const record = readServerRecord(body, reading);
      if (record.deleted) return record;
    } catch {
      // The delete happened (2xx); an odd body only costs the tombstone's version.
    }
  }
  const version = versionFromEtag(reading.etag) ?? null;
  return { id: entry.mutation.recordId, deleted: true, version, updatedAt: null };
}
