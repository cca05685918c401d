import { SerializedRecord } from '../model/mutation';
import { ServerChange } from '../model/server-change';
import { ConflictResolutionStrategy, SyncConflict } from '../model/sync-conflict';
import { SyncErrorInfo } from '../model/sync-error';

/**
 * A row of the `conflicts` table: a conflict waiting for the app (`manual`) or for its resolver
 * (`custom`). While it waits, local edits of the record update `local` and push nothing; a newer
 * server version pulled meanwhile replaces `server`.
 *
 * @example
 * const open = await db.conflicts.get(['todo', 't1']);
 */
export interface StoredConflict {
  readonly modelType: string;
  readonly id: string;
  readonly base: SerializedRecord | null;
  readonly local: SerializedRecord | null;
  /** The server's side: the record, a tombstone, or `null` when the server never had it. */
  readonly server: ServerChange | null;
  readonly localUpdatedAt: number | null;
  /** Stored rows are `custom` or `manual`; the built-in ones are settled before any row is kept. */
  readonly strategy: ConflictResolutionStrategy;
  readonly detectedAt: number;
  readonly error: SyncErrorInfo | null;
  /** Grows with every change of either side, so a decision made on an older state is noticed. */
  readonly revision: number;
}

/**
 * The conflict as the app sees it (state, actions, resolvers), from its stored row.
 *
 * @example
 * const conflicts = (await db.conflicts.toArray()).map(toSyncConflict);
 */
export function toSyncConflict(row: StoredConflict): SyncConflict {
  return {
    modelType: row.modelType,
    id: row.id,
    base: row.base,
    local: row.local,
    server: liveData(row.server),
    serverVersion: row.server?.version ?? null,
    localUpdatedAt: row.localUpdatedAt,
    serverUpdatedAt: serverTime(row.server?.updatedAt ?? null),
    strategy: row.strategy,
    detectedAt: row.detectedAt,
    error: row.error,
    revision: row.revision,
  };
}

/**
 * The data of a server record, `null` for a tombstone or no record.
 *
 * @example
 * liveData({ id: 't1', deleted: true, version: 4, updatedAt: null }); // null
 */
export function liveData(server: ServerChange | null): SerializedRecord | null {
  return server && !server.deleted ? server.data : null;
}

/**
 * A server `updatedAt` (ISO 8601 string, or ms since epoch as text) in ms since epoch; `null`
 * when missing or unreadable.
 *
 * @example
 * serverTime('2026-11-24T10:00:00.000Z'); // 1795514400000
 */
export function serverTime(updatedAt: string | null): number | null {
  if (updatedAt === null) return null;
  const ms = /^\d+$/.test(updatedAt) ? Number(updatedAt) : Date.parse(updatedAt);
  return Number.isFinite(ms) ? ms : null;
}
