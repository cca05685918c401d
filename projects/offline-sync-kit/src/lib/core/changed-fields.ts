import { SerializedRecord } from '../model/mutation';

/**
 * The top-level fields whose values differ between two versions of a record, compared by value
 * (nested objects and arrays by their JSON form), including fields added or removed.
 *
 * @example
 * changedFields({ a: 1, b: [1] }, { a: 1, b: [2], c: true }); // ['b', 'c']
 */
export function changedFields(before: SerializedRecord, after: SerializedRecord): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => !sameValue(before[key], after[key]));
}

/**
 * Deep value equality for JSON-like data: what a server would consider "the same field value".
 *
 * @example
 * sameValue({ x: [1, 2] }, { x: [1, 2] }); // true
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  return aKeys.every((key) => key in bRecord && sameValue(aRecord[key], bRecord[key]));
}

/**
 * Picks the given fields of a record as a JSON merge patch (RFC 7396): a field the record no
 * longer has becomes `null`, which is how a merge patch removes it on the server.
 *
 * @example
 * pickFields({ a: 1, b: 2 }, ['b', 'gone']); // { b: 2, gone: null }
 */
export function pickFields(record: SerializedRecord, fields: readonly string[]): SerializedRecord {
  const picked: SerializedRecord = {};
  for (const field of fields) picked[field] = field in record ? record[field] : null;
  return picked;
}
