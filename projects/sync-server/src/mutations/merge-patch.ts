import type { JsonObject, JsonValue } from '../model';

/**
 * Applies a JSON Merge Patch (RFC 7386) to a record's data: fields in `patch` replace those
 * in `target`, nested objects merge field by field, arrays are replaced whole, and `null`
 * removes a field. Neither argument is modified.
 *
 * Merge Patch is what lets a client send only the fields it changed (a delta) and still say
 * "this field is gone" — a plain object spread could not express a removal.
 *
 * @example
 * applyMergePatch({ title: 'Milk', tags: { a: 1, b: 2 } }, { tags: { b: null }, done: true });
 * // { title: 'Milk', tags: { a: 1 }, done: true }
 */
export function applyMergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const base = result[key];
      setField(result, key, applyMergePatch(isObject(base) ? base : {}, value));
    } else {
      setField(result, key, value);
    }
  }
  return result;
}

/** Defines rather than assigns, so a field named `__proto__` stays a plain field. */
function setField(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
