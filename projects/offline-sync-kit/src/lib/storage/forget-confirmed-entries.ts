import { sameValue } from '../core/changed-fields';
import { OfflineSyncError } from '../model/sync-error';
import { PushApplyResult, PushedEntry } from './apply-push-outcomes';
import { entriesForMany } from './stored-change';
import { StoredMutation, SyncDatabase } from './sync-database';

/**
 * What a push round can still store when the site's storage quota is used up: IndexedDB then
 * refuses every put (even one that replaces a row by a smaller one) but still deletes. So the
 * entries the server confirmed leave the outbox, in one `rw` transaction over `outbox` (the
 * caller opens it), and nothing else is written: their records keep their local metadata
 * (`pending`, the version they were based on) until a pull brings the server's version, once
 * there is room again. That is what lets the changes already stored reach the server while the
 * device is full.
 *
 * An entry is forgotten only when it is its record's only one, stored as it was sent: a later
 * entry would be left on the old version (rebasing it means a put), and a change another tab
 * folded into it meanwhile would be lost; the confirmed one then stays and is sent again, with
 * its idempotency key, once there is room. So does an applied answer without a usable record
 * (nothing can be read back into the store now). Every outcome not recorded (such an entry, a
 * conflict, a refusal, a retry) makes the round stop with `quotaError`, to be tried again after a backoff.
 *
 * @example
 * const result = await db.transaction('rw', db.outbox, () => forgetConfirmedEntries(db, pushed, error));
 */
export async function forgetConfirmedEntries(
  db: SyncDatabase,
  pushed: readonly PushedEntry[],
  quotaError: OfflineSyncError
): Promise<PushApplyResult> {
  const keys = pushed.map(({ mutation }): [string, string] => [
    mutation.modelType,
    mutation.recordId,
  ]);
  const { entries } = await entriesForMany(db, keys);
  // Only an entry stored as it was sent, alone: another tab may have folded a change into it.
  const forget = pushed.flatMap(({ mutation, outcome }, i) => {
    const [stored, ...later] = entries[i] ?? [];
    const unchanged = stored !== undefined && later.length === 0 && sameEntry(stored, mutation);
    // An applied answer without a usable record is not a confirmation (a proxy's `200 {}` for a
    // create the server never saw): its entry stays, to be sent again under its key.
    const confirmed = outcome.status === 'applied' && outcome.record !== null;
    return confirmed && unchanged ? [mutation.seq as number] : [];
  });
  if (forget.length > 0) await db.outbox.bulkDelete(forget);
  const auths = pushed.flatMap(({ outcome }) => (outcome.status === 'auth' ? [outcome.error] : []));
  // An auth answer records nothing anyway (it is not counted as an attempt).
  const unrecorded = pushed.length - forget.length - auths.length;
  return {
    changes: [],
    conflicts: [],
    applied: forget.length,
    deadLettered: 0,
    retry: unrecorded > 0 ? { error: quotaError } : null,
    auth: auths[0] ?? null,
  };
}

function sameEntry(stored: StoredMutation, sent: StoredMutation): boolean {
  return (
    stored.seq === sent.seq &&
    stored.mutationId === sent.mutationId &&
    stored.op === sent.op &&
    sameValue(stored.patch, sent.patch)
  );
}
