import { sameValue } from '../core/changed-fields';
import { PullPage, ServerChange } from '../model/server-change';
import { takeServerVersion, PushApplyContext } from './apply-push-outcomes';
import { ConflictReport, entriesFor, StoredChange } from './stored-change';
import { StoredMutation, StoredRecord, SyncDatabase } from './sync-database';

/**
 * APIs that version through the `ETag` header send no version in list answers. A pulled record
 * without a version that is exactly the server state this device already holds (the record, or
 * the base of its pending changes) keeps the version known for it, so the next update still
 * carries `If-Match` instead of silently overwriting the server.
 */
function withKnownVersion(
  item: ServerChange,
  existing: StoredRecord | undefined,
  pending: readonly StoredMutation[]
): ServerChange {
  const known = existing?.meta.version ?? null;
  if (item.deleted || item.version !== null || known === null || !existing) return item;
  const sameState =
    sameValue(item.data, existing.data) ||
    pending.some((entry) => sameValue(entry.base, item.data));
  return sameState ? { ...item, version: known } : item;
}

/** The `meta` key under which a type's pull cursor is kept. */
export function cursorKey(modelType: string): string {
  return `cursor:${modelType}`;
}

/**
 * Applies one pulled page and its cursor in one `rw` transaction over `records`, `outbox` and
 * `meta` (the caller opens it), so an interrupted pull resumes after the last applied page.
 * - a record with no pending local changes takes the server's version (an older version than
 *   the local one, e.g. a page that crossed a push answer, is ignored, pending changes or not);
 * - a record with pending changes keeps them, rebased on the server's version;
 * - a tombstone removes the record; if local changes are pending, it is a conflict, settled for
 *   now by the server's version (the record goes) and reported. A record created (or re-created)
 *   on this device and not pushed yet is a new life of the id: a tombstone leaves it alone.
 *
 * @example
 * await db.transaction('rw', db.records, db.outbox, db.meta, () => applyPullPage(db, 'todo', page, context));
 */
export async function applyPullPage(
  db: SyncDatabase,
  modelType: string,
  page: Pick<PullPage, 'items'> & { readonly cursor?: string | null },
  context: Pick<PushApplyContext, 'now' | 'specFor'>
): Promise<{ changes: StoredChange[]; conflicts: ConflictReport[] }> {
  const changes: StoredChange[] = [];
  const conflicts: ConflictReport[] = [];
  for (const item of page.items) {
    const key: [string, string] = [modelType, item.id];
    const existing = await db.records.get(key);
    const pending = await entriesFor(db, key);
    // An older version than the one held (a page that crossed a push answer, a slow fetch) is news
    // of the past, whether or not local changes are pending.
    const stale =
      item.version !== null &&
      existing?.meta.version != null &&
      existing.meta.version > item.version;
    if (stale) continue;
    if (item.deleted) {
      if (pending.some((entry) => entry.op === 'create')) {
        // The record was (re)created here, never pushed or after the server deleted it: a new
        // life of the id, which the tombstone does not concern.
        continue;
      }
      if (pending.some((entry) => entry.op !== 'delete')) {
        conflicts.push({
          modelType,
          id: item.id,
          base: pending[0]?.base ?? null,
          local: existing?.data ?? null,
          server: null,
        });
      }
      // Deleted on the server: pending changes of the record have nothing left to apply to.
      await db.outbox.where('[modelType+recordId]').equals(key).delete();
    }
    const change = await takeServerVersion(
      db,
      key,
      withKnownVersion(item, existing, pending),
      context
    );
    if (change) changes.push(change);
  }
  // A page without a cursor (one record fetched by id) leaves the pull position alone.
  if (page.cursor !== undefined)
    await db.meta.put({ key: cursorKey(modelType), value: page.cursor });
  return { changes, conflicts };
}
