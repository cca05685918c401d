import { sameValue } from '../core/changed-fields';
import { PullPage, ServerChange } from '../model/server-change';
import { RowWrites, syncedVersion, takeServerVersion } from './server-version';
import { ConflictEvent, openOrSettleConflict, updateOpenConflict } from './open-or-settle-conflict';
import { ServerApplyContext } from './server-apply-context';
import { deleteEntriesOf, entriesFor, readHeld, StoredChange } from './stored-change';
import { StoredMutation, StoredRecord, SyncDatabase } from './sync-database';

/**
 * APIs that version through the `ETag` header send no version in list answers. A pulled record
 * without a version that is exactly the state this device already holds keeps the version known
 * for it, so the next update still carries `If-Match` instead of silently overwriting the server.
 * (With changes pending, `takeServerVersion` keeps the known version anyway.)
 */
function withKnownVersion(item: ServerChange, existing: StoredRecord | undefined): ServerChange {
  const known = existing?.meta.version ?? null;
  if (item.deleted || item.version !== null || known === null || !existing) return item;
  return sameValue(item.data, existing.data) ? { ...item, version: known } : item;
}

/** The `meta` key under which a type's pull cursor is kept. */
export function cursorKey(modelType: string): string {
  return `cursor:${modelType}`;
}

/**
 * Applies one pulled page and its cursor in one `rw` transaction over `records`, `outbox`,
 * `conflicts` and `meta` (the caller opens it), so an interrupted pull resumes after the last
 * applied page.
 * - an older version than the one held (a page that crossed a push answer) is ignored;
 * - a record with no pending local changes takes the server's version;
 * - a record with queued local changes the server has moved past (a newer version than their base,
 *   or, without versions, other data than their base) is a conflict, handled by the type's
 *   strategy (see `openOrSettleConflict`); a tombstone meeting local updates is one too;
 * - a record with a change in flight (`sending`), a dead letter, or (on a versioned API) pulled
 *   without its version keeps its changes rebased on the server's version: the push's answer
 *   (or the app's retry of the dead letter) tells whether they conflict;
 * - a record whose conflict is open gets the newer server version into the conflict;
 * - a record created (or re-created) on this device and not pushed yet is a new life of the id: a
 *   tombstone leaves it alone.
 *
 * Real-time events (`realtime: true`, no cursor) may arrive late and out of order, so they only
 * touch records this device holds, and only with a newer version. Any other id is answered in
 * `unknown`, for a pull to fetch: without a record to compare with, a late event about a record
 * deleted meanwhile would bring it back.
 *
 * @example
 * await db.transaction('rw', [db.records, db.outbox, db.conflicts, db.meta], () => applyPullPage(db, 'todo', page, context));
 */
export async function applyPullPage(
  db: SyncDatabase,
  modelType: string,
  page: Pick<PullPage, 'items'> & { readonly cursor?: string | null },
  context: ServerApplyContext,
  { realtime = false } = {}
): Promise<{ changes: StoredChange[]; conflicts: ConflictEvent[]; unknown: string[] }> {
  const changes: StoredChange[] = [];
  const conflicts: ConflictEvent[] = [];
  const unknown: string[] = [];
  const { versioned } = context.conflictPolicyFor(modelType);
  // Read together for the whole page; a page that names a record twice is read item by item,
  // so each item sees what the one before it wrote.
  const keys = page.items.map((item): [string, string] => [modelType, item.id]);
  const unique = new Set(page.items.map((item) => item.id)).size === keys.length;
  const held = unique ? await readHeld(db, keys, true) : null;
  // Counted once per page: most pages meet no open conflict, and then need no lookup per item.
  let anyOpen = held ? held.anyOpen : (await db.conflicts.count()) > 0;
  // Records with nothing pending (nearly all of a pull) are written together at the end.
  const rows = new RowWrites();
  for (const [index, item] of page.items.entries()) {
    const key: [string, string] = [modelType, item.id];
    const existing = held ? held.rows[index] : await db.records.get(key);
    if (realtime && !existing) {
      unknown.push(item.id);
      continue;
    }
    const pending = held ? (held.entries[index] ?? []) : await entriesFor(db, key);
    const known = existing?.meta.version;
    const stale =
      item.version !== null &&
      known != null &&
      (realtime ? known >= item.version : known > item.version);
    if (stale) continue;
    const open = !anyOpen ? undefined : held ? held.conflicts[index] : await db.conflicts.get(key);
    if (open) {
      const event = await updateOpenConflict(db, open, item);
      if (event) conflicts.push(event);
      continue;
    }
    if (held && pending.length === 0) {
      const next = syncedVersion(key, withKnownVersion(item, existing), existing, context);
      const change = rows.take(key, next);
      if (change) changes.push(change);
      continue;
    }
    if (item.deleted && pending.some((entry) => entry.op === 'create')) continue;
    // A change in flight waits for its push's answer; a dead letter waits for retryFailed() or
    // discardFailed(); a record pulled without its version (an ETag API's list) for the push's
    // If-Match. Until then the local changes stay, rebased on the server's version.
    const judgedElsewhere =
      pending.some((entry) => entry.status !== 'queued') || (versioned && item.version === null);
    const first = pending[0];
    if (first && !judgedElsewhere && serverMovedOn(item, first)) {
      const met = await openOrSettleConflict(db, key, first.base, item, context);
      if (met.change) changes.push(met.change);
      if (met.event) conflicts.push(met.event);
      anyOpen ||= met.event?.resolved === null;
      continue;
    }
    // Deleted on the server, and only local deletes pending (none in flight): both sides agree.
    const onlyDeletes = pending.every((e) => e.op === 'delete' && e.status !== 'sending');
    const agreedDelete = item.deleted && onlyDeletes;
    if (agreedDelete) await deleteEntriesOf(db, key);
    const change = await takeServerVersion(db, key, withKnownVersion(item, existing), context, {
      existing,
      pending: agreedDelete ? [] : pending,
    });
    if (change) changes.push(change);
  }
  await rows.flush(db);
  // A page without a cursor (one record fetched by id) leaves the pull position alone.
  if (page.cursor !== undefined)
    await db.meta.put({ key: cursorKey(modelType), value: page.cursor });
  return { changes, conflicts, unknown };
}

/**
 * Whether the server's version of a record is not the one its oldest pending change was made on:
 * a tombstone against a local update, a record where a create is pending, a newer version than the
 * change's base version, or (without versions) other data than its base.
 */
function serverMovedOn(item: ServerChange, first: StoredMutation): boolean {
  if (item.deleted) return first.op !== 'delete';
  if (first.op === 'create') return true;
  if (item.version !== null && first.baseVersion !== null) return item.version > first.baseVersion;
  return !sameValue(item.data, first.base);
}
