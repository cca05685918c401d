/**
 * One string naming a record of a type, for maps and sets keyed by record (ids may hold any
 * character but NUL, which separates the parts).
 *
 * @example
 * const seen = new Set([recordKey('todo', 't1')]);
 */
export function recordKey(modelType: string, id: string): string {
  return `${modelType}\u0000${id}`;
}
