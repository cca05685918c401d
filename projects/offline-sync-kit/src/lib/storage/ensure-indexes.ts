import { indexKeys } from '../core/index-keys';
import { sameValue } from '../core/changed-fields';
import { EntityStorageSpec } from './local-write';
import { StoredRecord, SyncDatabase } from './sync-database';

/**
 * Brings the index entries of one entity type up to date when its declared `indexes` changed
 * since the last start (a new app version added an indexed field). Runs inside the caller's
 * `rw` transaction over `records` and `meta`; rows are rewritten in place, never dropped.
 *
 * @example
 * await db.transaction('rw', db.records, db.meta, () => ensureIndexes(db, spec));
 */
export async function ensureIndexes(db: SyncDatabase, spec: EntityStorageSpec): Promise<void> {
  const key = `indexes:${spec.modelType}`;
  const declared = [...spec.indexes];
  const stored = await db.meta.get(key);
  if (stored && sameValue(stored.value, declared)) return;
  if (stored || declared.length > 0) {
    const rows = await db.records.where('modelType').equals(spec.modelType).toArray();
    await db.records.bulkPut(
      rows.map((row): StoredRecord => ({
        ...row,
        idx: indexKeys(spec.modelType, declared, row.data),
      }))
    );
  }
  await db.meta.put({ key, value: declared });
}
