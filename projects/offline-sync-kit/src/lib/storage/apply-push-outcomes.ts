import { recordKey } from '../core/record-key';
import { PushOutcome } from '../model/push-outcome';
import { OfflineSyncError } from '../model/sync-error';
import { ConflictEvent, openOrSettleConflict } from './open-or-settle-conflict';
import { ServerApplyContext } from './server-apply-context';
import {
  HeldRecord,
  keepHeld,
  overtaken,
  RowWrites,
  syncedVersion,
  takeServerVersion,
} from './server-version';
import { readHeld, stateFromEntries, StoredChange } from './stored-change';
import { StoredMutation, SyncDatabase } from './sync-database';

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
  /**
   * Answers the kit could not use but worked around (absent: none): a change the server accepted
   * without a usable record (`unconfirmed`: its entry stays until reading the record back shows
   * the change), a conflict without a usable current record (already read).
   */
  readonly unusable?: readonly UnusableAnswer[];
}

/**
 * A push answer the kit could not use, with the `invalid-response` error saying why.
 *
 * @example
 * for (const { error } of result.unusable ?? []) console.warn(error.message);
 */
export interface UnusableAnswer {
  readonly modelType: string;
  readonly id: string;
  readonly error: OfflineSyncError;
  /** The pushed entry the server accepted without a usable record: still in the outbox. */
  readonly unconfirmed?: StoredMutation;
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
 *   pending and is pushed next). With an older version than the one held (a replayed answer
 *   overtaken by a pull) the record keeps what it holds: the server has the change, and a pull
 *   brings its version. Without a usable record the entry stays (`unusable`, `unconfirmed`);
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
  const unusable: UnusableAnswer[] = [];
  const note = (change: StoredChange | null) => {
    if (change) changes.set(recordKey(change.modelType, change.id), change);
  };

  // One entry per record in a batch (`takePushBatch`): the records are read together.
  const keys = pushed.map(({ mutation }): [string, string] => [
    mutation.modelType,
    mutation.recordId,
  ]);
  const held = await readHeld(db, keys, false);
  const heldAt = (index: number): HeldRecord => ({
    existing: held.rows[index],
    pending: held.entries[index] ?? [],
  });
  // Confirmed entries, and records with nothing else pending, are written together at the end.
  const confirmed: number[] = [];
  const rows = new RowWrites();
  for (const [index, { mutation, outcome }] of pushed.entries()) {
    const key: [string, string] = [mutation.modelType, mutation.recordId];
    switch (outcome.status) {
      case 'applied': {
        if (outcome.record === null) {
          // Accepted (2xx) with an answer that does not show the record, so it is not known what
          // the server stored (a proxy may have answered): the entry stays until the record read
          // back shows the change (`confirmByReading`), else it is sent again under its key.
          const error = outcome.error ?? missingRecord(mutation);
          unusable.push({ modelType: key[0], id: key[1], error, unconfirmed: mutation });
          break;
        }
        applied++;
        confirmed.push(mutation.seq as number);
        const { existing, pending: all } = heldAt(index);
        const pending = all.filter((e) => e.seq !== mutation.seq);
        if (overtaken(outcome.record, existing)) {
          note(await keepHeld(db, key, { existing, pending }));
          break;
        }
        if (pending.length > 0) {
          note(await takeServerVersion(db, key, outcome.record, context, { existing, pending }));
          break;
        }
        note(rows.take(key, syncedVersion(key, outcome.record, existing, context)));
        break;
      }
      case 'conflict': {
        if (outcome.error) {
          unusable.push({ modelType: key[0], id: key[1], error: outcome.error });
        }
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
    rows.flush(db),
  ]);
  return {
    changes: [...changes.values()],
    conflicts,
    applied,
    deadLettered,
    retry,
    auth,
    ...(unusable.length > 0 ? { unusable } : {}),
  };
}

async function recordFailure(
  db: SyncDatabase,
  mutation: StoredMutation,
  error: OfflineSyncError,
  deadLetter: boolean,
  { existing, pending }: HeldRecord
): Promise<StoredChange | null> {
  const lastError = error.toInfo();
  const key: [string, string] = [mutation.modelType, mutation.recordId];
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

function missingRecord(mutation: StoredMutation): OfflineSyncError {
  return new OfflineSyncError(
    'invalid-response',
    `The server accepted the ${mutation.op} of ${mutation.modelType} "${mutation.recordId}" ` +
      'without the record in its answer; the record is read back to confirm it.',
    { modelType: mutation.modelType, recordId: mutation.recordId }
  );
}
