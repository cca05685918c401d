import { sameValue } from '../core/changed-fields';
import { isBuiltInStrategy, resolveByStrategy } from '../core/conflict-resolution';
import { SerializedRecord } from '../model/mutation';
import { ServerChange } from '../model/server-change';
import { SyncConflict } from '../model/sync-conflict';
import { ServerApplyContext } from './server-apply-context';
import { settleConflict } from './settle-conflict';
import { deleteEntriesOf, entriesFor, StoredChange } from './stored-change';
import { liveData, StoredConflict, toSyncConflict } from './stored-conflict';
import { SyncDatabase } from './sync-database';

/**
 * A conflict the storage met, for the app to hear of: `resolved` says how a built-in strategy
 * settled it, `null` while it waits for the app (`manual`) or its resolver (`custom`).
 *
 * @example
 * for (const { conflict, resolved } of events) console.log(conflict.id, resolved?.winner ?? 'open');
 */
export interface ConflictEvent {
  readonly conflict: SyncConflict;
  readonly resolved: {
    readonly winner: 'local' | 'server' | 'merged';
    readonly record: SerializedRecord | null;
  } | null;
}

/**
 * Handles a conflict between a record's local changes (made on `base`) and the server's version,
 * inside the caller's `rw` transaction over `records`, `outbox` and `conflicts`. A built-in
 * strategy settles it at once (see `settleConflict`); `custom` and `manual` store it, mark the
 * record `conflict` and take its outbox entries out of the queue: the local version lives on in
 * the record and the conflict, and nothing of it is pushed until the conflict is resolved.
 * When both sides deleted the record there is nothing to decide and no event.
 *
 * @example
 * const { change, event } = await openOrSettleConflict(db, ['todo', 't1'], entry.base, outcome.current, context);
 */
export async function openOrSettleConflict(
  db: SyncDatabase,
  key: [string, string],
  base: SerializedRecord | null,
  server: ServerChange | null,
  context: ServerApplyContext
): Promise<{ change: StoredChange | null; event: ConflictEvent | null }> {
  const [modelType, id] = key;
  const existing = await db.records.get(key);
  const local = existing?.data ?? null;
  if (local === null && liveData(server) === null) {
    return { change: await settleConflict(db, key, server, null, context), event: null };
  }
  const entries = await entriesFor(db, key);
  const latestEntry = Math.max(...entries.map((entry) => entry.changedAt ?? entry.createdAt));
  const row: StoredConflict = {
    modelType,
    id,
    base,
    local,
    server,
    localUpdatedAt:
      existing?.meta.localUpdatedAt ?? (Number.isFinite(latestEntry) ? latestEntry : null),
    strategy: context.conflictPolicyFor(modelType).strategy,
    detectedAt: context.now,
    error: null,
    revision: 0,
  };
  const conflict = toSyncConflict(row);
  const policy = context.conflictPolicyFor(modelType);

  if (isBuiltInStrategy(policy.strategy)) {
    const outcome = resolveByStrategy(policy.strategy, conflict, policy);
    const stampedAt = outcome.winner === 'local' ? row.localUpdatedAt : null;
    const change = await settleConflict(db, key, server, outcome.record, context, stampedAt);
    return { change, event: { conflict, resolved: { ...outcome, record: change.data } } };
  }

  await deleteEntriesOf(db, key);
  await db.conflicts.put(row);
  if (!existing) return { change: null, event: { conflict, resolved: null } };
  const meta = { ...existing.meta, state: 'conflict' as const, lastError: null, attempts: 0 };
  await db.records.put({ ...existing, meta });
  return { change: { modelType, id, data: local, meta }, event: { conflict, resolved: null } };
}

/**
 * A newer server version (or tombstone) of a record whose conflict is still open replaces the
 * conflict's server side, inside the caller's transaction; the local side stays as it is. Returns
 * the updated conflict, or `null` when the pulled item is not news: an older or equal version,
 * or, without versions, the same state.
 *
 * @example
 * const updated = await updateOpenConflict(db, open, pulledItem);
 */
export async function updateOpenConflict(
  db: SyncDatabase,
  open: StoredConflict,
  server: ServerChange
): Promise<ConflictEvent | null> {
  const known = open.server;
  if (server.version !== null && known?.version != null) {
    if (server.version <= known.version) return null;
  } else if (
    known &&
    known.deleted === server.deleted &&
    sameValue(liveData(known), liveData(server))
  ) {
    return null;
  }
  const row: StoredConflict = { ...open, server, revision: open.revision + 1 };
  await db.conflicts.put(row);
  return { conflict: toSyncConflict(row), resolved: null };
}
