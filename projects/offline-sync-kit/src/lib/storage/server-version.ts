import { ServerChange } from '../model/server-change';
import { ServerApplyContext } from './server-apply-context';
import {
  putRecord,
  rebaseEntries,
  recordRow,
  stateFromEntries,
  StoredChange,
} from './stored-change';
import { StoredMutation, StoredRecord, SyncDatabase } from './sync-database';

/**
 * What is stored for a record: its row and its outbox entries (oldest first), for a caller that
 * has just read them.
 *
 * @example
 * const held: HeldRecord = { existing: rows[i], pending: entries[i] ?? [] };
 */
export interface HeldRecord {
  readonly existing: StoredRecord | undefined;
  readonly pending: readonly StoredMutation[];
}

/**
 * Makes the server's version of a record the local one, re-applying the record's pending local
 * changes on top and rebasing its queued entries on that version. `null` or a tombstone removes
 * the record unless local changes are pending. `held`: the row and entries the caller has just
 * read in this transaction.
 *
 * @example
 * const change = await takeServerVersion(db, key, item, context, { existing, pending });
 */
export async function takeServerVersion(
  db: SyncDatabase,
  key: [string, string],
  server: ServerChange | null,
  context: Pick<ServerApplyContext, 'now' | 'specFor'>,
  { existing, pending }: HeldRecord
): Promise<StoredChange | null> {
  if (pending.length === 0) {
    const next = syncedVersion(key, server, existing, context);
    if (next?.row) await db.records.put(next.row);
    else if (next) await db.records.delete(key);
    return next?.change ?? null;
  }
  if (!server || server.deleted) return null;
  // A list item without its version (ETag APIs) must not take the pending changes' If-Match
  // away: they stay on the version known, and the push's answer tells if the server moved on.
  const version = server.version ?? existing?.meta.version ?? null;
  const data = await rebaseEntries(db, server.data, version, pending);
  if (data === null) return null; // a pending delete wins; the record stays gone locally
  const meta = {
    state: stateFromEntries(pending, existing?.meta.state),
    version,
    lastError: existing?.meta.lastError ?? null,
    attempts: existing?.meta.attempts ?? 0,
    localUpdatedAt: existing?.meta.localUpdatedAt ?? context.now,
  };
  return putRecord(db, context.specFor(key[0]), key, data, meta);
}

/**
 * What taking the server's version means for a record with no pending changes, written by the
 * caller: the row to put (`row`) or to delete (`row: null`), and the change for the store;
 * `null` when nothing changes (a tombstone for a record this device does not hold).
 *
 * @example
 * const next = syncedVersion(key, item, existing, context);
 * if (next) rows.push(next.row);
 */
export function syncedVersion(
  [modelType, id]: [string, string],
  server: ServerChange | null,
  existing: StoredRecord | undefined,
  context: Pick<ServerApplyContext, 'now' | 'specFor'>
): { row: StoredRecord | null; change: StoredChange } | null {
  if (!server || server.deleted) {
    return existing ? { row: null, change: { modelType, id, data: null, meta: null } } : null;
  }
  if (server.data === null) return null; // a transport that broke the type: change nothing
  const meta = {
    state: stateFromEntries([], existing?.meta.state),
    version: server.version ?? null,
    lastError: null,
    attempts: 0,
    localUpdatedAt: existing?.meta.localUpdatedAt ?? context.now,
  };
  const row = recordRow(context.specFor(modelType), [modelType, id], server.data, meta);
  return { row, change: { modelType, id, data: server.data, meta } };
}

/**
 * Whether a live record from the server is older than the one held: taking it would take the
 * record back in time (an applied answer replayed after a pull brought a newer version).
 *
 * @example
 * if (overtaken(outcome.record, existing)) return keepHeld(db, key, held);
 */
export function overtaken(record: ServerChange, existing: StoredRecord | undefined): boolean {
  const held = existing?.meta.version;
  return !record.deleted && record.version !== null && held != null && record.version < held;
}

/**
 * A confirmed change whose answer is older than the record held (overtaken by a pull): the record
 * keeps its data and version, and its state follows the entries `pending` after it.
 *
 * @example
 * note(await keepHeld(db, key, { existing, pending }));
 */
export async function keepHeld(
  db: SyncDatabase,
  [modelType, id]: [string, string],
  { existing, pending }: HeldRecord
): Promise<StoredChange | null> {
  if (!existing) return null;
  const meta = {
    ...existing.meta,
    state: stateFromEntries(pending, existing.meta.state),
    lastError: null,
    attempts: 0,
  };
  await db.records.put({ ...existing, meta });
  return { modelType, id, data: existing.data, meta };
}

/**
 * Rows of records with nothing pending, collected while a page or batch is applied and written
 * with one bulk request per kind at the end (a request per record costs a round trip each).
 *
 * @example
 * const rows = new RowWrites();
 * changes.push(rows.take(key, syncedVersion(key, item, existing, context)));
 * await rows.flush(db);
 */
export class RowWrites {
  private readonly puts: StoredRecord[] = [];
  private readonly deletes: [string, string][] = [];

  /** Notes the row `next` (from {@link syncedVersion}) puts or deletes; its change for the store. */
  take(
    key: [string, string],
    next: { row: StoredRecord | null; change: StoredChange } | null
  ): StoredChange | null {
    if (next?.row) this.puts.push(next.row);
    else if (next) this.deletes.push(key);
    return next?.change ?? null;
  }

  /** Writes what was noted. */
  async flush(db: SyncDatabase): Promise<void> {
    await Promise.all([
      this.puts.length > 0 ? db.records.bulkPut(this.puts) : undefined,
      this.deletes.length > 0 ? db.records.bulkDelete(this.deletes) : undefined,
    ]);
  }
}
