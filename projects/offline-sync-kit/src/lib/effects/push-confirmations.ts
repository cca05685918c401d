import { showsChange } from '../core/shows-change';
import { ServerChange } from '../model/server-change';
import { PushedEntry, UnusableAnswer } from '../storage/apply-push-outcomes';
import { StoredMutation } from '../storage/sync-database';

/** A change the server accepted without a usable record, to confirm by reading it back. */
export interface Unconfirmed {
  readonly modelType: string;
  readonly id: string;
  readonly mutation: StoredMutation;
  readonly answer: UnusableAnswer;
}

/**
 * The unusable push answers whose changes still wait in the outbox (see `UnusableAnswer`).
 *
 * @example
 * const waiting = unconfirmedOf(result.unusable ?? []);
 */
export function unconfirmedOf(unusable: readonly UnusableAnswer[]): Unconfirmed[] {
  return unusable.flatMap((answer) =>
    answer.unconfirmed
      ? [{ modelType: answer.modelType, id: answer.id, mutation: answer.unconfirmed, answer }]
      : []
  );
}

/**
 * What reading the records back says of each change: `applied` with the record read when it shows
 * the change; otherwise (missing, other values, `undefined`: the read failed) `retry` with the
 * answer's error, so the change is sent again under its idempotency key (a server that stored it
 * answers the repeat with its first answer; one that never saw it stores it now).
 *
 * @example
 * await storage.applyPushOutcomes(confirmations(waiting, records), maxAttempts);
 */
export function confirmations(
  waiting: readonly Unconfirmed[],
  records: readonly (ServerChange | null | undefined)[]
): PushedEntry[] {
  return waiting.map(({ id, mutation, answer }, i) => {
    const record = records[i];
    const { mutationId } = mutation;
    if (record === undefined || !showsChange(mutation, record)) {
      return { mutation, outcome: { mutationId, status: 'retry', error: answer.error } };
    }
    const read = record ?? { id, deleted: true, version: null, updatedAt: null };
    return { mutation, outcome: { mutationId, status: 'applied', record: read } };
  });
}
