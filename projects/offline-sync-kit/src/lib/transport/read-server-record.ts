import { ServerChange } from '../model/server-change';
import { versionFromEtag } from './etag';
import { AnswerContext, describeValue, invalidResponse } from './invalid-response';
import { isJsonObject } from './json-body';
import { ResolvedRestMapping } from './resolved-rest-mapping';

/**
 * How to read one record of an answer. With `recordId` set (push answers, a read of one record)
 * the record must carry that id: an answer about another record is a server or mapping bug.
 *
 * @example
 * const reading: RecordReading = { modelType: 'todo', request: 'PATCH …/todos/t1', recordId: 't1', mapping, etag: '"4"' };
 */
export interface RecordReading extends AnswerContext {
  readonly mapping: ResolvedRestMapping;
  /** The answer's `ETag` header, read when `versionSource` is `'etag'`; list items have none. */
  readonly etag?: string | null;
  /** Where the record sits in the answer, for messages: `item 3`, `current`. */
  readonly where?: string;
}

/**
 * Checks one server record against the entity's mapping and turns it into a {@link ServerChange}:
 * a tombstone when its `deletedField` is true, else the live record with the whole object as
 * `data`. Throws an `invalid-response` error naming entity, request and field on anything that
 * does not fit, because storing a record without its id or with a garbled version would corrupt
 * the replica silently.
 *
 * Lenient where APIs commonly differ: a whole-number id becomes a string, a missing version or
 * `updatedAt` is `null` (an API without versions syncs last-write-wins), and a numeric
 * `updatedAt` becomes its decimal string.
 *
 * @example
 * readServerRecord({ id: 't1', title: 'Milk', version: 2, updatedAt: '…' }, reading);
 * // { id: 't1', deleted: false, version: 2, updatedAt: '…', data: { id: 't1', … } }
 */
export function readServerRecord(value: unknown, reading: RecordReading): ServerChange {
  const checked = checkServerRecord(value, reading);
  if ('problem' in checked) {
    const { problem } = checked;
    throw invalidResponse(reading, reading.where ? `${reading.where}: ${problem}` : problem);
  }
  return checked;
}

/**
 * {@link readServerRecord} without the throw: the record, or what is wrong with it (without the
 * `where`), for a caller that words the error itself.
 *
 * @example
 * const checked = checkServerRecord(body, reading);
 * if ('problem' in checked) return unread(checked.problem);
 */
export function checkServerRecord(
  value: unknown,
  reading: RecordReading
): ServerChange | { readonly problem: string } {
  try {
    return checkedRecord(value, reading);
  } catch (error) {
    if (error instanceof RecordProblem) return { problem: error.message };
    throw error;
  }
}

/** Thrown inside the checks below, caught by `checkServerRecord`. */
class RecordProblem extends Error {}

function checkedRecord(value: unknown, reading: RecordReading): ServerChange {
  const fail = (problem: string): never => {
    throw new RecordProblem(problem);
  };
  if (!isJsonObject(value)) return fail(`expected a record object, got ${describeValue(value)}`);
  const { idField, deletedField } = reading.mapping;

  const rawId = value[idField];
  const id =
    readId(rawId) ?? fail(`"${idField}" must be a non-empty string, not ${describeValue(rawId)}`);
  if (reading.recordId !== undefined && id !== reading.recordId) {
    fail(`"${idField}" is "${id}", but the request was about "${reading.recordId}"`);
  }

  const deleted = value[deletedField];
  if (deleted !== undefined && deleted !== null && typeof deleted !== 'boolean') {
    fail(`"${deletedField}" must be true or false, not ${describeValue(deleted)}`);
  }
  const version = readVersion(value, reading, fail);
  const updatedAt = readUpdatedAt(value, reading.mapping.updatedAtField, fail);
  return deleted === true
    ? { id, deleted: true, version, updatedAt }
    : { id, deleted: false, version, updatedAt, data: value };
}

function readId(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  return Number.isSafeInteger(value) ? String(value) : undefined;
}

function readVersion(
  record: Record<string, unknown>,
  reading: RecordReading,
  fail: (problem: string) => never
): number | null {
  if (reading.mapping.versionSource === 'none') return null;
  // A list answer has no per-item ETag: items fall back to the version field, if they have one.
  if (reading.mapping.versionSource === 'etag' && reading.etag != null) {
    return (
      versionFromEtag(reading.etag) ??
      fail(`the ETag ${reading.etag} is not a version number (versionSource 'etag' needs "<n>")`)
    );
  }
  const field = reading.mapping.versionField;
  const value = record[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  return fail(`"${field}" must be a whole number, not ${describeValue(value)}`);
}

function readUpdatedAt(
  record: Record<string, unknown>,
  field: string,
  fail: (problem: string) => never
): string | null {
  const value = record[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return fail(`"${field}" must be a date string or a number, not ${describeValue(value)}`);
}
