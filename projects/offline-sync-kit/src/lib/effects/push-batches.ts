import { inject, Injectable } from '@angular/core';
import { Store } from '@ngrx/store';
import { PushOutcome } from '../model/push-outcome';
import { OfflineSyncError } from '../model/sync-error';
import { SyncOptionsRef } from '../providers/sync-options-ref';
import { OfflineSyncEngineActions } from '../state/offline-sync-engine.actions';
import { PushApplyResult, PushedEntry, UnusableAnswer } from '../storage/apply-push-outcomes';
import { ConflictEvent } from '../storage/open-or-settle-conflict';
import { StoredMutation } from '../storage/sync-database';
import { SyncStorage } from '../storage/sync-storage';
import { TransportEntity } from '../transport/sync-transport';
import { withCurrentRecords } from './push-conflicts';
import { confirmations, unconfirmedOf } from './push-confirmations';
import { ServerReads } from './server-reads';
import { SyncEntityRegistry } from './sync-entity-registry';
import { lazyTransport } from './lazy-transport';
import { toTransportEntity } from './transport-entity';

const A = OfflineSyncEngineActions;

/**
 * A batch whose request is on its way.
 *
 * @example
 * const sent: SentBatch = { batch, sending: batches.send(batch) };
 */
export interface SentBatch {
  readonly batch: StoredMutation[];
  readonly sending: Promise<PushOutcome[]>;
}

/**
 * What storing a batch's answers came to, for the push round to go on or stop: how many changes
 * the server confirmed, the conflicts met, and why to stop (credentials, a retry), if at all.
 *
 * @example
 * const stored = await batches.storeAnswers(batch, outcomes);
 * if (stored.retry) scheduleRetry(stored.retry.error);
 */
export interface StoredAnswers {
  readonly applied: number;
  readonly conflicts: readonly ConflictEvent[];
  readonly auth: OfflineSyncError | null;
  readonly retry: PushApplyResult['retry'];
}

/**
 * One pushed batch from request to stored answers, for the sync engine's push round: sends it
 * (with the server's current records for its conflicts), stores the answers and publishes what
 * they changed, and confirms by reading back the changes the server accepted without a usable
 * record.
 *
 * @example
 * const outcomes = await batches.send(batch);
 * const stored = await batches.storeAnswers(batch, outcomes);
 */
@Injectable()
export class PushBatches {
  private readonly store = inject(Store);
  private readonly storage = inject(SyncStorage);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly transport = lazyTransport();
  private readonly options = inject(SyncOptionsRef);
  private readonly reads = inject(ServerReads);

  /** Sends one batch; the outcomes, with the server's current records for conflicts. */
  async send(batch: readonly StoredMutation[]): Promise<PushOutcome[]> {
    const entries = batch.map((mutation) => ({
      entity: toTransportEntity(this.registry.get(mutation.modelType)),
      mutation,
    }));
    const context = this.options.transportContext();
    const outcomes = await this.transport().push(context, entries);
    if (outcomes.length !== batch.length) {
      throw new OfflineSyncError(
        'invalid-response',
        `The transport answered ${outcomes.length} outcomes for ${batch.length} pushed changes; ` +
          `a SyncTransport must answer one per change, in order.`
      );
    }
    // Under the type's read lock: a read overlapping a pull could store an older state after it.
    const read = (entity: TransportEntity, id: string) => this.reads.fetchOne(context, entity, id);
    return withCurrentRecords(read, entries, outcomes);
  }

  /** Stores a batch's answers, publishes what they changed, and confirms the unusable ones. */
  async storeAnswers(
    batch: readonly StoredMutation[],
    outcomes: readonly PushOutcome[]
  ): Promise<StoredAnswers> {
    const { maxAttempts } = this.options.current().retry;
    const result = await this.storage.applyPushOutcomes(sentEntries(batch, outcomes), maxAttempts);
    this.reads.publish(result.changes, result.conflicts);
    const unread = await this.confirmByReading(result.unusable ?? []);
    return {
      applied: result.applied + unread.applied,
      conflicts: result.conflicts,
      auth: result.auth,
      retry: result.retry ?? unread.retry,
    };
  }

  /**
   * Stores the answers of a batch sent ahead by a round that is stopping; what they say about
   * retrying is left to the retry the round scheduled. If its request or storing fails, its
   * entries stay `sending`: the next push sends them again under their idempotency keys, as after
   * a closed tab.
   */
  async storeLateAnswers(sent: SentBatch | null): Promise<void> {
    if (!sent) return;
    try {
      await this.storeAnswers(sent.batch, await sent.sending);
    } catch {
      // Left `sending`, as said above.
    }
  }

  /**
   * Puts a batch taken ahead and not sent back in line, once taking it has finished (a push
   * leaves no transaction behind). If that fails its entries stay `sending`: the next push sends
   * them with their idempotency keys, as after a closed tab.
   */
  async putBack(taking: Promise<StoredMutation[]>): Promise<void> {
    const taken = await taking.catch((): StoredMutation[] => []);
    if (taken.length > 0) await this.storage.releasePushBatch(taken).catch(() => undefined);
  }

  /**
   * Reports push answers the kit could not use, and confirms the changes the server accepted
   * without a usable record by reading their records back (under the type's read lock): a record
   * that shows the change confirms it like an applied answer would (a later change of the record
   * then goes out on the version read); one that does not, or a failed read, sends it again later
   * (see `confirmations`). So an answer made up by a proxy for a write the server never saw loses
   * nothing.
   */
  private async confirmByReading(
    unusable: readonly UnusableAnswer[]
  ): Promise<Pick<PushApplyResult, 'applied' | 'retry'>> {
    for (const { error } of unusable) {
      this.store.dispatch(A.pushAnswerInvalid({ error: error.toInfo() }));
    }
    const waiting = unconfirmedOf(unusable);
    if (waiting.length === 0) return { applied: 0, retry: null };
    const context = this.options.transportContext();
    const records = await Promise.all(
      waiting.map(({ modelType, id }) => {
        const entity = toTransportEntity(this.registry.get(modelType));
        return this.reads.fetchOne(context, entity, id).catch(() => undefined);
      })
    );
    const { maxAttempts } = this.options.current().retry;
    const result = await this.storage.applyPushOutcomes(
      confirmations(waiting, records),
      maxAttempts
    );
    this.reads.publish(result.changes, result.conflicts);
    return result;
  }
}

/**
 * Whether an answer leaves the push round going once stored: applied with the server's record, a
 * conflict (resolved or handed to the app) or a refusal (a dead letter). A retry, credentials,
 * or an applied answer to confirm by reading may stop it, so the next batch waits for them.
 *
 * @example
 * if (outcomes.every(cannotStopRound)) sendNextBatchNow();
 */
export function cannotStopRound(outcome: PushOutcome): boolean {
  if (outcome.status === 'applied') return outcome.record !== null;
  return outcome.status === 'conflict' || outcome.status === 'rejected';
}

/**
 * Pairs pushed entries with their outcomes, leaving out entries the transport never sent: after a
 * failure that stops the round, it answers the rest with the same error object. Those keep their
 * attempt count and stay in line, unchanged.
 */
function sentEntries(
  batch: readonly StoredMutation[],
  outcomes: readonly PushOutcome[]
): PushedEntry[] {
  const stoppers = new Set<unknown>();
  const sent: PushedEntry[] = [];
  batch.forEach((mutation, i) => {
    const outcome = outcomes[i];
    if (!outcome) return;
    const stops = outcome.status === 'retry' || outcome.status === 'auth';
    if (stops && stoppers.has(outcome.error)) return;
    if (stops) stoppers.add(outcome.error);
    sent.push({ mutation, outcome });
  });
  return sent;
}
