import { inject, Injectable } from '@angular/core';
import { Store } from '@ngrx/store';
import { isErrorKind, toSyncErrorInfo } from '../model/sync-error';
import { ServerChange } from '../model/server-change';
import { OFFLINE_SYNC_CONFIG } from '../providers/tokens';
import { SyncLock } from '../providers/sync-lock';
import { SyncOptionsRef } from '../providers/sync-options-ref';
import { OfflineSyncEngineActions } from '../state/offline-sync-engine.actions';
import { ConflictEvent } from '../storage/open-or-settle-conflict';
import { StoredChange } from '../storage/stored-change';
import { SyncStorage } from '../storage/sync-storage';
import { NetworkStatus } from '../transport/network-status';
import { FetchQuery, TransportContext, TransportEntity } from '../transport/sync-transport';
import { ConflictCoordinator } from './conflict-coordinator';
import { pullPagesAhead } from './pull-pages-ahead';
import { RecordPublisher } from './record-publisher';
import { SyncEntityRegistry } from './sync-entity-registry';
import { lazyTransport } from './lazy-transport';
import { toTransportEntity } from './transport-entity';

const A = OfflineSyncEngineActions;

/**
 * Reads of the server's state of one type: change-feed pulls, fetches by id that store what
 * they read, and single reads the push needs. Those that can store what they read run one at a
 * time per type, in every tab of the database (a `SyncLock` per type): a fetch answered late could
 * otherwise store a record after a pull had already passed its deletion, and nothing would ever
 * remove it (the convergence harness found it; its `delayResponse` faults replay it).
 *
 * @example
 * const { count } = await inject(ServerReads).pull('todo');
 */
@Injectable()
export class ServerReads {
  private readonly store = inject(Store);
  private readonly storage = inject(SyncStorage);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly transport = lazyTransport();
  private readonly network = inject(NetworkStatus);
  private readonly lock = inject(SyncLock);
  private readonly options = inject(SyncOptionsRef);
  private readonly databaseName = inject(OFFLINE_SYNC_CONFIG).databaseName;
  private readonly publisher = inject(RecordPublisher);
  private readonly conflicts = inject(ConflictCoordinator);

  /** Runs `work` holding the read lock of `modelType`, shared by every tab of the database. */
  private exclusive<T>(modelType: string, work: () => Promise<T>): Promise<T> {
    return this.lock.runExclusive(`offline-sync-kit:${this.databaseName}:pull:${modelType}`, work);
  }

  /**
   * Pulls one type's changes since its stored cursor; `settled` tells whether a strategy settled
   * a conflict (and queued its outcome, which the caller pushes).
   *
   * @example
   * const { count } = await reads.pull('todo');
   */
  pull(modelType: string): Promise<{ count: number; settled: boolean }> {
    return this.exclusive(modelType, () => this.pullFeed(modelType));
  }

  private async pullFeed(modelType: string): Promise<{ count: number; settled: boolean }> {
    const def = this.registry.get(modelType);
    this.store.dispatch(A.pullStarted({ modelType }));
    try {
      const { pullPageSize } = this.options.current();
      const cursor = await this.storage.getCursor(modelType);
      const entity = toTransportEntity(def);
      const fetchPage = (from: string | null) =>
        this.transport().pull(this.options.transportContext(), entity, from, pullPageSize);
      // Server and database work overlap: pages are fetched while earlier ones are stored.
      const pages = pullPagesAhead(modelType, fetchPage, cursor);
      let count = 0;
      let settled = false;
      try {
        for (let page = await pages.next(); page; page = await pages.next()) {
          const { changes, conflicts } = await this.storage.applyPullPage(modelType, page);
          this.publish(changes, conflicts);
          settled ||= conflicts.some((event) => event.resolved !== null);
          count += page.items.length;
        }
      } finally {
        pages.stop();
      }
      this.store.dispatch(A.pullCompleted({ modelType, count }));
      return { count, settled };
    } catch (error) {
      this.store.dispatch(
        A.pullFailed({
          modelType,
          error: toSyncErrorInfo(error, 'network', `Pulling ${modelType} failed`),
        })
      );
      if (isErrorKind(error, 'network', 'timeout')) void this.network.check();
      throw error;
    }
  }

  /** Reads records from the server without storing them. */
  fetchItems(modelType: string, query: FetchQuery): Promise<ServerChange[]> {
    const entity = toTransportEntity(this.registry.get(modelType));
    return this.transport().fetchItems(this.options.transportContext(), entity, query);
  }

  /**
   * Fetches records by id (the requests at once) and stores them together like pulled ones
   * (pending local changes stay on top; a record the server does not have is removed unless it
   * was created here and not pushed yet); resolves with what changed in storage. Rejects, storing
   * nothing, if any fetch fails. Waits while a pull of the type runs, in any tab.
   *
   * @example
   * await reads.pullMany('todo', ['t1', 't2']);
   */
  pullMany(modelType: string, ids: readonly string[]): Promise<StoredChange[]> {
    const entity = toTransportEntity(this.registry.get(modelType));
    const context = this.options.transportContext();
    return this.exclusive(modelType, async () => {
      const items = await Promise.all(
        ids.map(async (id): Promise<ServerChange> => {
          const item = await this.transport().fetchOne(context, entity, id);
          return item ?? { id, deleted: true, version: null, updatedAt: null };
        })
      );
      const { changes, conflicts } = await this.storage.applyServerChanges(modelType, items);
      this.publish(changes, conflicts);
      return changes;
    });
  }

  /**
   * Reads one record (`null`: the server has none) without storing it, holding the type's read
   * lock: what the caller then stores was read in order with the pulls.
   *
   * @example
   * const current = await reads.fetchOne(context, entity, 't1');
   */
  fetchOne(
    context: TransportContext,
    entity: TransportEntity,
    id: string
  ): Promise<ServerChange | null> {
    return this.exclusive(entity.modelType, () => this.transport().fetchOne(context, entity, id));
  }

  /**
   * Brings this tab's store and the other tabs in line with records a storage operation changed,
   * and reports the conflicts it met.
   *
   * @example
   * reads.publish(result.changes, result.conflicts);
   */
  publish(changes: readonly StoredChange[], conflicts: readonly ConflictEvent[] = []): void {
    this.publisher.publish(changes, { conflictsChanged: conflicts.length > 0 });
    this.conflicts.report(conflicts);
  }
}
