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
 * The JSON merge patch (RFC 7396) that turns `before` into `after`, for the given top-level
 * fields: a removed field becomes `null`, and a nested object that changed becomes a nested
 * patch, so a key removed inside it is removed on the server too (sending the whole nested object
 * would be merged into the server's, keeping the key). Arrays and other values go whole.
 * A merge patch cannot carry a `null` value: `null` always means "remove".
 *
 * @example
 * mergePatchBetween({ a: { x: 1, y: 2 }, b: 1 }, { a: { x: 1 }, b: 2 }, ['a', 'b']); // { a: { y: null }, b: 2 }
 */
export function mergePatchBetween(
  before: SerializedRecord,
  after: SerializedRecord,
  fields: readonly string[]
): SerializedRecord {
  const patch: SerializedRecord = {};
  for (const field of fields) {
    const [old, now] = [before[field], after[field]];
    if (!(field in after)) patch[field] = null;
    else if (isPlainObject(old) && isPlainObject(now)) {
      patch[field] = mergePatchBetween(old, now, changedFields(old, now));
    } else patch[field] = now;
  }
  return patch;
}

function isPlainObject(value: unknown): value is SerializedRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
