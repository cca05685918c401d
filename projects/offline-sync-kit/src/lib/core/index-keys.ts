import { SerializedRecord } from '../model/mutation';

/**
 * One entry of the generic multi-entry index: `[modelType, field, value]`. IndexedDB can index
 * arrays, so one `*idx` index on the records table serves every field of every entity type, and
 * a new indexed field needs no schema upgrade.
 *
 * @example
 * const key: IndexKey = ['todo', 'projectId', 'p1'];
 */
export type IndexKey = [modelType: string, field: string, value: string | number];

/**
 * The index entries of a record for the fields its entity declares as indexed. Only strings and
 * finite numbers are indexed (the values IndexedDB orders predictably); other values are skipped.
 *
 * @example
 * indexKeys('todo', ['projectId', 'done'], { projectId: 'p1', done: true }); // [['todo', 'projectId', 'p1']]
 */
export function indexKeys(
  modelType: string,
  fields: readonly string[],
  record: SerializedRecord
): IndexKey[] {
  const keys: IndexKey[] = [];
  for (const field of fields) {
    const value = record[field];
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) {
      keys.push([modelType, field, value]);
    }
  }
  return keys;
}
