import { Mutation, SerializedRecord } from '../model/mutation';

/**
 * Applies a JSON merge patch (RFC 7396) to a record: `null` removes a field, nested objects
 * merge, anything else replaces.
 *
 * @example
 * applyMergePatch({ a: 1, b: { c: 1 } }, { a: null, b: { d: 2 } }); // { b: { c: 1, d: 2 } }
 */
export function applyMergePatch(
  target: SerializedRecord,
  patch: SerializedRecord
): SerializedRecord {
  const result: SerializedRecord = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (isPlainObject(value) && isPlainObject(result[key])) {
      result[key] = applyMergePatch(result[key] as SerializedRecord, value as SerializedRecord);
    } else result[key] = value;
  }
  return result;
}

/**
 * Rebases pending local changes on a newer server record: the server value becomes the base and
 * each pending entry's fields are applied on top, in outbox order, so changes made on this
 * device survive and the server's other fields arrive. Returns `null` if a pending delete wins.
 *
 * @example
 * rebase({ id: 't1', title: 'Server', done: false }, [pendingDoneUpdate]); // { id: 't1', title: 'Server', done: true }
 */
export function rebase(
  server: SerializedRecord,
  pending: readonly Pick<Mutation, 'op' | 'patch'>[]
): SerializedRecord | null {
  let result: SerializedRecord | null = server;
  for (const entry of pending) {
    if (entry.op === 'delete') result = null;
    else if (entry.op === 'create') result = { ...entry.patch };
    else result = applyMergePatch(result ?? {}, entry.patch);
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
