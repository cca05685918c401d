import { recordKey } from '../core/record-key';
import { PushOutcome } from '../model/push-outcome';
import { OfflineSyncError } from '../model/sync-error';
import { ServerChange } from '../model/server-change';
import { ConflictEvent, openOrSettleConflict } from './open-or-settle-conflict';
import { ServerApplyContext } from './server-apply-context';
import {
  entriesFor,
  readHeld,
  putRecord,
  rebaseEntries,
  recordRow,
  stateFromEntries,
  StoredChange,
} from './stored-change';
import { StoredMutation, StoredRecord, SyncDatabase } from './sync-database';

/** A pushed outbox entry with what the server said of it. */
export interface PushedEntry {
  readonly mutation: StoredMutation;
  readonly outcome: PushOutcome;
}

/**
 * What applying a push round's outcomes did: records the store must follow, the conflicts met
 * (settled, or waiting for the app), and whether the round must stop (retry later, or renew credentials).
 *
 * @example
 * if (result.retry) scheduleRetry(result.retry.retryAfterMs);
 */
export interface PushApplyResult {
  readonly changes: StoredChange[];
  readonly conflicts: ConflictEvent[];
  readonly applied: number;
  readonly deadLettered: number;
  readonly retry: { readonly error: OfflineSyncError; readonly retryAfterMs?: number } | null;
  readonly auth: OfflineSyncError | null;
}

/** What `applyPushOutcomes` needs from outside. */
export interface PushApplyContext extends ServerApplyContext {
  readonly maxAttempts: number;
}

/**
 * Applies the server's answers to pushed entries inside one `rw` transaction over `records`,
 * `outbox` and `conflicts` (the caller opens it), so a confirmed entry leaves the outbox in the same transaction
 * in which the server's record replaces the local one.
 * - applied: the entry goes; the record takes the server's version and data, with the record's
 *   later pending changes re-applied on top (an edit made while the request was in flight stays
 *   pending and is pushed next);
 * - conflict: handled by the type's conflict strategy (see `openOrSettleConflict`) against the server's
 *   current version (`null`: the server never had the record);
 * - rejected, or retry after the last allowed attempt: the entry becomes a dead letter (`failed`);
 * - retry: the attempt is counted; auth: nothing is counted.
 *
 * @example
 * const result = await db.transaction('rw', [db.records, db.outbox, db.conflicts], () => applyPushOutcomes(db, pushed, context));
 */
export async function applyPushOutcomes(
  db: SyncDatabase,
  pushed: readonly PushedEntry[],
  context: PushApplyContext
): Promise<PushApplyResult> {
  const changes = new Map<string, StoredChange>();
  const conflicts: ConflictEvent[] = [];
  let applied = 0;
  let deadLettered = 0;
  let retry: PushApplyResult['retry'] = null;
  let auth: OfflineSyncError | null = null;
  const note = (change: StoredChange | null) => {
    if (change) changes.set(recordKey(change.modelType, change.id), change);
  };

  const held = await readPushed(db, pushed);
  const heldAt = (index: number): HeldRecord | undefined =>
    held ? { existing: held.rows[index], pending: held.entries[index] ?? [] } : undefined;
  // Confirmed entries, and records with nothing else pending, are written together at the end.
  const confirmed: number[] = [];
  const puts: StoredRecord[] = [];
  const deletes: [string, string][] = [];
  for (const [index, { mutation, outcome }] of pushed.entries()) {
    const key: [string, string] = [mutation.modelType, mutation.recordId];
    switch (outcome.status) {
      case 'applied': {
        applied++;
        if (!held) {
          await db.outbox.delete(mutation.seq as number);
          note(await takeServerVersion(db, key, outcome.record, context));
          break;
        }
        confirmed.push(mutation.seq as number);
        const existing = held.rows[index];
        const pending = (held.entries[index] ?? []).filter((e) => e.seq !== mutation.seq);
        if (pending.length > 0) {
          note(await takeServerVersion(db, key, outcome.record, context, { existing, pending }));
          break;
        }
        const next = syncedVersion(key, outcome.record, existing, context);
        if (next?.row) puts.push(next.row);
        else if (next) deletes.push(key);
        note(next?.change ?? null);
        break;
      }
      case 'conflict': {
        const met = await openOrSettleConflict(db, key, mutation.base, outcome.current, context);
        note(met.change ?? { modelType: key[0], id: key[1], data: null, meta: null });
        if (met.event) conflicts.push(met.event);
        break;
      }
      case 'rejected':
        deadLettered++;
        note(await recordFailure(db, mutation, outcome.error, true, heldAt(index)));
        break;
      case 'retry': {
        const exhausted = mutation.attempts + 1 >= context.maxAttempts;
        const error = exhausted
          ? gaveUp(mutation, outcome.error, context.maxAttempts)
          : outcome.error;
        if (exhausted) deadLettered++;
        else retry ??= { error: outcome.error, retryAfterMs: outcome.retryAfterMs };
        note(await recordFailure(db, mutation, error, exhausted, heldAt(index)));
        break;
      }
      case 'auth':
        auth ??= outcome.error;
        break;
    }
  }
  await Promise.all([
    confirmed.length > 0 ? db.outbox.bulkDelete(confirmed) : undefined,
    puts.length > 0 ? db.records.bulkPut(puts) : undefined,
    deletes.length > 0 ? db.records.bulkDelete(deletes) : undefined,
  ]);
  return { changes: [...changes.values()], conflicts, applied, deadLettered, retry, auth };
}

/**
 * The rows and outbox entries of the pushed records, read together; `null` when a record was
 * pushed twice (never in one batch), which is then read entry by entry.
 */
async function readPushed(db: SyncDatabase, pushed: readonly PushedEntry[]) {
  const keys = pushed.map(({ mutation }): [string, string] => [
    mutation.modelType,
    mutation.recordId,
  ]);
  if (new Set(keys.map(([type, id]) => recordKey(type, id))).size !== keys.length) return null;
  return readHeld(db, keys, false);
}

/**
 * What is stored for a record: its row and its outbox entries (oldest first), for a caller that
 * has just read them.
 *
 * @example
 * const held: HeldRecord = { existing: await db.records.get(key), pending: await entriesFor(db, key) };
 */
export interface HeldRecord {
  readonly existing: StoredRecord | undefined;
  readonly pending: readonly StoredMutation[];
}

/**
 * Makes the server's version of a record the local one, re-applying the record's pending local
 * changes on top and rebasing its queued entries on that version. `null` or a tombstone removes
 * the record unless local changes are pending. `held`: the row and entries, if the caller has
 * just read them in this transaction (they are read otherwise).
 */
export async function takeServerVersion(
  db: SyncDatabase,
  key: [string, string],
  server: ServerChange | null,
  context: Pick<ServerApplyContext, 'now' | 'specFor'>,
  held?: HeldRecord
): Promise<StoredChange | null> {
  const existing = held ? held.existing : await db.records.get(key);
  const pending = held ? held.pending : await entriesFor(db, key);
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

async function recordFailure(
  db: SyncDatabase,
  mutation: StoredMutation,
  error: OfflineSyncError,
  deadLetter: boolean,
  held?: HeldRecord
): Promise<StoredChange | null> {
  const lastError = error.toInfo();
  const key: [string, string] = [mutation.modelType, mutation.recordId];
  const { existing, pending } = held ?? {
    existing: await db.records.get(key),
    pending: await entriesFor(db, key),
  };
  // The entry as stored, in hand: one put instead of an update that reads it again. An entry no
  // longer stored stays gone (as an update would leave it).
  const stored = pending.find((entry) => entry.seq === mutation.seq);
  const failed: StoredMutation | undefined = stored && {
    ...stored,
    attempts: mutation.attempts + 1,
    lastError,
    ...(deadLetter ? { status: 'failed' as const } : {}),
  };
  if (failed) await db.outbox.put(failed);
  if (!existing) return null;
  const entries = pending.map((entry) => (failed && entry.seq === failed.seq ? failed : entry));
  const meta = {
    ...existing.meta,
    state: stateFromEntries(entries, existing.meta.state),
    lastError,
    attempts: mutation.attempts + 1,
  };
  await db.records.put({ ...existing, meta });
  return { modelType: key[0], id: key[1], data: existing.data, meta };
}

function gaveUp(mutation: StoredMutation, error: OfflineSyncError, maxAttempts: number) {
  return new OfflineSyncError(
    error.kind,
    `Gave up pushing the ${mutation.op} of ${mutation.modelType} "${mutation.recordId}" after ` +
      `${maxAttempts} attempts (last: ${error.message}). Call retryFailed() when the server is ` +
      `reachable again, or discardFailed().`,
    { modelType: mutation.modelType, recordId: mutation.recordId, cause: error }
  );
}
