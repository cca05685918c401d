import { SerializedRecord } from '../model/mutation';
import { SyncConflict } from '../model/sync-conflict';
import { OfflineSyncError, SyncErrorInfo } from '../model/sync-error';
import { ServerApplyContext } from './server-apply-context';
import { settleConflict } from './settle-conflict';
import { StoredChange } from './stored-change';
import { liveData, toSyncConflict } from './stored-conflict';
import { SyncDatabase } from './sync-database';

/**
 * A decision for an open conflict in stored form: a side, or the record to keep (`null`: delete).
 *
 * @example
 * const decision: StoredDecision = { merged: { id: 't1', title: 'Both', done: true } };
 */
export type StoredDecision = 'local' | 'server' | { readonly merged: SerializedRecord | null };

/**
 * What resolving an open conflict did: the record as it now is and which side won, or `outdated`
 * when a side changed since the decision was made (decide again on `conflict`).
 *
 * @example
 * if (result.kind === 'outdated') decideAgain(result.conflict);
 */
export type OpenConflictResult =
  | {
      readonly kind: 'resolved';
      readonly conflict: SyncConflict;
      readonly change: StoredChange;
      readonly winner: 'local' | 'server' | 'merged';
    }
  | { readonly kind: 'outdated'; readonly conflict: SyncConflict };

/**
 * Resolves a stored conflict inside the caller's `rw` transaction over `records`, `outbox` and
 * `conflicts` (see `settleConflict`). With `decidedOnRevision`, a conflict that changed since
 * (a local edit, or a newer server version pulled, while a resolver ran) is left open and
 * reported `outdated`. Throws a `not-found` error when no conflict is open for the record.
 *
 * @example
 * await db.transaction('rw', [db.records, db.outbox, db.conflicts], () => resolveOpenConflict(db, ['todo', 't1'], 'local', context));
 */
export async function resolveOpenConflict(
  db: SyncDatabase,
  key: [string, string],
  decision: StoredDecision,
  context: ServerApplyContext,
  decidedOnRevision?: number
): Promise<OpenConflictResult> {
  const row = await db.conflicts.get(key);
  if (!row) {
    throw new OfflineSyncError(
      'not-found',
      `There is no open conflict for ${key[0]} "${key[1]}" to resolve: it was resolved already ` +
        `(maybe in another tab) or never existed. Read the open ones with selectConflicts.`,
      { modelType: key[0], recordId: key[1] }
    );
  }
  const conflict = toSyncConflict(row);
  if (decidedOnRevision !== undefined && decidedOnRevision !== row.revision) {
    return { kind: 'outdated', conflict };
  }
  const result: SerializedRecord | null =
    decision === 'local'
      ? row.local
      : decision === 'server'
        ? liveData(row.server)
        : decision.merged;
  const winner = decision === 'local' || decision === 'server' ? decision : 'merged';
  // Keeping this device's version keeps its edit time; anything else is a new edit, made now.
  const stampedAt = decision === 'local' ? row.localUpdatedAt : null;
  const change = await settleConflict(db, key, row.server, result, context, stampedAt);
  return { kind: 'resolved', conflict, change, winner };
}

/**
 * Leaves a conflict whose resolver failed to the app: its strategy becomes `manual`, with the
 * error. Returns the updated conflict, or `null` if it is no longer open.
 *
 * @example
 * await markConflictManual(db, ['todo', 't1'], error.toInfo());
 */
export async function markConflictManual(
  db: SyncDatabase,
  key: [string, string],
  error: SyncErrorInfo
): Promise<SyncConflict | null> {
  const row = await db.conflicts.get(key);
  if (!row) return null;
  const updated = { ...row, strategy: 'manual' as const, error };
  await db.conflicts.put(updated);
  return toSyncConflict(updated);
}
