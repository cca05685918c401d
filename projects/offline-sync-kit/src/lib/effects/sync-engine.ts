import { inject, Injectable } from '@angular/core';
import { Store } from '@ngrx/store';
import { firstValueFrom, Subscription } from 'rxjs';
import { retryDelay } from '../core/backoff';
import { isErrorKind, OfflineSyncError, toSyncErrorInfo } from '../model/sync-error';
import { OFFLINE_SYNC_CONFIG, SYNC_CLOCK, SYNC_RANDOM, SYNC_SCHEDULER } from '../providers/tokens';
import { SyncLock } from '../providers/sync-lock';
import { SyncOptionsRef } from '../providers/sync-options-ref';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { OfflineSyncEngineActions } from '../state/offline-sync-engine.actions';
import { StoredChange } from '../storage/stored-change';
import { ConflictEvent } from '../storage/open-or-settle-conflict';
import { SyncStorage } from '../storage/sync-storage';
import { NetworkStatus } from '../transport/network-status';
import { ServerChange } from '../model/server-change';
import { FetchQuery } from '../transport/sync-transport';
import { PushOutcome } from '../model/push-outcome';
import { StoredMutation } from '../storage/sync-database';
import { ConflictRepeats } from './push-conflicts';
import { cannotStopRound, PushBatches, SentBatch } from './push-batches';
import { reportOutboxCounts } from './report-outbox-counts';
import { SyncEntityRegistry } from './sync-entity-registry';
import { ServerReads } from './server-reads';

const A = OfflineSyncEngineActions;

/**
 * Runs sync cycles: push the outbox (one tab at a time, across tabs), then pull every type's
 * changes. Requests that arrive while a cycle runs are merged into one more cycle after it, so
 * nothing asked for is skipped and cycles never overlap. A push that must be retried arms a
 * timer with the retry policy's backoff; any new request runs at once and re-arms it.
 *
 * @example
 * await inject(SyncEngine).sync(); // what OfflineSyncService.syncAll() does
 */
@Injectable()
export class SyncEngine {
  private readonly store = inject(Store);
  private readonly storage = inject(SyncStorage);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly network = inject(NetworkStatus);
  private readonly lock = inject(SyncLock);
  private readonly options = inject(SyncOptionsRef);
  private readonly databaseName = inject(OFFLINE_SYNC_CONFIG).databaseName;
  private readonly scheduler = inject(SYNC_SCHEDULER);
  private readonly clock = inject(SYNC_CLOCK);
  private readonly random = inject(SYNC_RANDOM);
  private readonly reads = inject(ServerReads);
  private readonly batches = inject(PushBatches);

  private running: Promise<void> | null = null;
  private queued: { modelTypes: Set<string> | 'all'; pull: boolean; done: Promise<void> } | null =
    null;
  private retryTimer: Subscription | null = null;
  private unexpectedFailures = 0;

  /**
   * Syncs now, or right after the cycle that is running; resolves when a cycle that covers the
   * request has finished. Without `modelTypes`, every registered type. `pull: false`: push only
   * (after local writes while the WebSocket brings the server's changes); merged with other
   * requests, any of which wanting a pull makes the cycle pull.
   */
  sync(modelTypes?: readonly string[], { pull = true }: { pull?: boolean } = {}): Promise<void> {
    if (!this.running) {
      this.running = this.safeCycle(modelTypes ? new Set(modelTypes) : 'all', pull).finally(() =>
        this.next()
      );
      return this.running;
    }
    if (!this.queued) {
      const running = this.running;
      this.queued = {
        modelTypes: new Set(),
        pull: false,
        done: running.then(() => this.running ?? undefined),
      };
    }
    const queued = this.queued;
    queued.pull ||= pull;
    queued.modelTypes =
      queued.modelTypes === 'all' || !modelTypes
        ? 'all'
        : new Set([...queued.modelTypes, ...modelTypes]);
    return queued.done;
  }

  /** Pulls one type's changes since its stored cursor; resolves with the number of changes. */
  async pull(modelType: string): Promise<number> {
    const { count, settled } = await this.reads.pull(modelType);
    // A conflict settled by a strategy may have queued its outcome: push it (in a cycle after
    // this one when a cycle runs).
    if (settled) void this.sync([modelType]);
    return count;
  }

  /** Reads records from the server without storing them. */
  fetchItems(modelType: string, query: FetchQuery): Promise<ServerChange[]> {
    return this.reads.fetchItems(modelType, query);
  }

  /**
   * Fetches records by id and stores them like pulled ones (see `ServerReads.pullMany`).
   *
   * @example
   * await engine.pullMany('todo', ['t1', 't2']);
   */
  pullMany(modelType: string, ids: readonly string[]): Promise<StoredChange[]> {
    return this.reads.pullMany(modelType, ids);
  }

  /** Stops the retry timer (the app is being destroyed). */
  stop(): void {
    this.retryTimer?.unsubscribe();
    this.retryTimer = null;
  }

  /** A cycle never rejects: its failures are actions and state, and triggers fire and forget. */
  private async safeCycle(modelTypes: Set<string> | 'all', pull: boolean): Promise<void> {
    try {
      await this.cycle(modelTypes, pull);
    } catch (error) {
      const info = toSyncErrorInfo(error, 'storage', 'Syncing failed');
      this.store.dispatch(A.pushFailed({ error: info, nextRetryAt: null }));
    }
  }

  private next(): void {
    this.running = null;
    const queued = this.queued;
    this.queued = null;
    if (queued) {
      this.running = this.safeCycle(queued.modelTypes, queued.pull).finally(() => this.next());
    }
  }

  private async cycle(modelTypes: Set<string> | 'all', pull: boolean): Promise<void> {
    const { serverUrl, bidirectionalSync } = this.options.current();
    if (!serverUrl || !(await this.ready())) return;
    // A full cycle is the retry; a one-type sync, or one that pulls nothing, is not.
    if (modelTypes === 'all' && pull) this.stop();
    // Only registered types whose records loaded: an entry of a type this app has not registered
    // (yet: a lazy route) or could not load waits in the outbox instead of failing every push.
    const unloaded = this.store.selectSignal(offlineSyncFeature.selectHydrationErrors)();
    const types = (
      modelTypes === 'all' ? this.registry.all().map((def) => def.modelType) : [...modelTypes]
    ).filter((type) => !(type in unloaded));
    // Without versions the server cannot refuse a stale write: pulling first finds the conflicts.
    // A type whose pull failed is not pushed (that could overwrite changes not seen yet).
    const pushable: string[] = [];
    for (const modelType of types) {
      if (!this.isUnversioned(modelType) || (await this.pullSafely(modelType))) {
        pushable.push(modelType);
      }
    }
    if ((await this.pushUnderLock(pushable)) === 'stopped') return;
    if (!bidirectionalSync || !pull) return this.completed();
    const settledTypes: string[] = [];
    let allPulled = true;
    for (const modelType of types) {
      const result = await this.pullSafely(modelType);
      allPulled &&= result !== null;
      if (result?.settled) settledTypes.push(modelType);
    }
    // Conflicts a pull settled queued their outcomes: send them now rather than at the next trigger.
    if (settledTypes.length > 0 && (await this.pushUnderLock(settledTypes)) === 'stopped') return;
    if (allPulled) this.completed();
  }

  /** A pull whose failure is reported (by `ServerReads.pull`) and does not stop the other types. */
  private async pullSafely(modelType: string): Promise<{ settled: boolean } | null> {
    try {
      return await this.reads.pull(modelType);
    } catch {
      return null;
    }
  }

  /** Waits while another tab pushes (its push may end just before our entries were committed). */
  private pushUnderLock(modelTypes: readonly string[]): Promise<'drained' | 'stopped'> {
    return this.lock.runExclusive(`offline-sync-kit:${this.databaseName}:push`, () =>
      this.push(modelTypes)
    );
  }

  private completed(): void {
    this.store.dispatch(A.syncCompleted({ at: this.clock() }));
  }

  /**
   * Pushes batches until the outbox is drained; 'stopped' when a retry or new credentials are
   * needed. The database and the network work at once: the next batch is taken (marked
   * `sending`) while the current one's request is in flight, and sent as soon as the current
   * one's answers are in, while they are stored, unless an answer may stop the round (a retry,
   * credentials, an answer to read back). One request at a time, so batches reach the server in
   * order; a batch taken ahead never holds a record of the batch in flight. A round that stops
   * (retry, credentials, a failure) stores the answers of a batch already sent, sends nothing
   * more and puts the batch it took ahead back in line.
   */
  private async push(modelTypes: readonly string[]): Promise<'drained' | 'stopped'> {
    const { batchSize, retry } = this.options.current();
    this.store.dispatch(A.pushStarted());
    let applied = 0;
    const repeats = new ConflictRepeats();
    const take = (queuedOnly = false) =>
      this.storage.takePushBatch(batchSize, modelTypes, { queuedOnly });
    let next = take();
    let prefetched = false;
    /** A batch sent while the answers of the one before it were being stored. */
    let sent: SentBatch | null = null;
    /** Stores what was sent ahead (once), puts back what was taken ahead. */
    const leave = async () => {
      const late = sent;
      sent = null;
      await this.batches.storeLateAnswers(late);
      await this.batches.putBack(next);
    };
    const stop = async () => {
      await leave();
      await reportOutboxCounts(this.store, this.storage);
      return 'stopped' as const;
    };
    try {
      for (;;) {
        let batch: StoredMutation[];
        let sending: Promise<PushOutcome[]>;
        if (sent) {
          ({ batch, sending } = sent);
          sent = null;
        } else {
          batch = await next;
          // Taken during the last request: entries written meanwhile for its records, and entries
          // a closed tab left `sending`, were left out; a take of everything finds them.
          if (batch.length === 0 && prefetched) batch = await take();
          if (batch.length === 0) break;
          sending = this.batches.send(batch);
        }
        // Entries of the batch in flight are `sending`: they and their records are left out. A
        // batch taken unmarked (the storage quota is used up) cannot be told from the next one.
        const unmarked = this.storage.isUnmarked(batch);
        next = unmarked ? Promise.resolve([]) : take(true);
        prefetched = true;
        next.catch(() => undefined); // awaited by the next round, or put back before leaving
        const outcomes: PushOutcome[] = await sending;
        // A failed take ahead is left in `next`: it fails the round once these answers are stored.
        const upcoming: StoredMutation[] | null =
          !unmarked && outcomes.every(cannotStopRound) ? await next.catch(() => null) : null;
        if (upcoming) {
          next = Promise.resolve([]);
          if (upcoming.length > 0) {
            sent = { batch: upcoming, sending: this.batches.send(upcoming) };
            sent.sending.catch(() => undefined); // awaited by the next round, or when leaving
          }
        }
        const stored = await this.batches.storeAnswers(batch, outcomes);
        applied += stored.applied;
        const looping = repeats.count(stored.conflicts);
        if (looping) {
          this.unexpectedFailures++;
          this.scheduleRetry(looping, retryDelay(this.unexpectedFailures, retry, this.random()));
          return await stop();
        }
        if (stored.auth) {
          this.store.dispatch(A.syncAuthFailed({ error: stored.auth.toInfo() }));
          return await stop();
        }
        if (stored.retry) {
          const attempt = Math.max(...batch.map((m) => m.attempts + 1));
          const { error, retryAfterMs } = stored.retry;
          this.scheduleRetry(error, retryDelay(attempt, retry, this.random(), retryAfterMs));
          return await stop();
        }
      }
      this.unexpectedFailures = 0;
      const counts = await this.storage.outboxCounts();
      this.store.dispatch(
        A.pushCompleted({ applied, pendingCount: counts.pending, failedCount: counts.failed })
      );
      return 'drained';
    } catch (error) {
      await leave();
      // Not an answer about one entry (the database, a transport that broke its contract): back
      // off like a retryable failure, growing with each one in a row.
      const info = toSyncErrorInfo(error, 'storage', 'Pushing local changes failed');
      this.unexpectedFailures++;
      this.scheduleRetry(
        error instanceof OfflineSyncError ? error : new OfflineSyncError(info.kind, info.message),
        retryDelay(this.unexpectedFailures, retry, this.random())
      );
      return 'stopped';
    }
  }

  private scheduleRetry(error: OfflineSyncError, delay: number): void {
    this.stop();
    const nextRetryAt = this.clock() + delay;
    this.store.dispatch(A.pushFailed({ error: error.toInfo(), nextRetryAt }));
    if (isErrorKind(error, 'network', 'timeout')) void this.network.check();
    this.retryTimer = this.scheduler.schedule(() => {
      this.retryTimer = null;
      void this.sync();
    }, delay) as Subscription;
  }

  /**
   * Brings this tab's store and the other tabs in line with records a storage operation changed,
   * and reports the conflicts it met.
   */
  publish(changes: readonly StoredChange[], conflicts: readonly ConflictEvent[] = []): void {
    this.reads.publish(changes, conflicts);
  }

  private isUnversioned(modelType: string): boolean {
    return this.registry.get(modelType).rest.versionSource === 'none';
  }

  /**
   * Every type loaded (or failed to load, then left out) and online; syncing before hydration
   * could let a pull overwrite local rows the store has not seen yet.
   */
  private async ready(): Promise<boolean> {
    const settled = this.store.selectSignal(offlineSyncFeature.selectHydrationSettled)();
    const online = await firstValueFrom(this.network.online$);
    return settled && online;
  }
}
