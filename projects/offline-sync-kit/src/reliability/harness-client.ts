import { provideHttpClient, withFetch } from '@angular/common/http';
import { ApplicationRef } from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { provideStore, Store } from '@ngrx/store';
import { BehaviorSubject, Observable } from 'rxjs';
import { OfflineSyncService } from '../lib/facade/offline-sync.service';
import { ConflictResolutionStrategy, SyncConflict } from '../lib/model/sync-conflict';
import { provideOfflineSync } from '../lib/providers/provide-offline-sync';
import { withWebSocket } from '../lib/providers/with-web-socket';
import { defineSyncEntity, SyncEntityDefinition } from '../lib/state/define-sync-entity';
import { offlineSyncFeature } from '../lib/state/offline-sync.feature';
import { NetworkStatus } from '../lib/transport/network-status';
import { Item } from './convergence-plan';

/** A network switch the harness flips itself: offline costs no probes or timeouts. */
class SwitchedNetwork extends NetworkStatus {
  readonly state = new BehaviorSubject(true);
  readonly online$: Observable<boolean> = this.state.asObservable();

  check(): Promise<boolean> {
    return Promise.resolve(this.state.value);
  }
}

/**
 * One device of the reliability harness: an Angular application with the kit on its own
 * database, syncing `collection` through the fault proxy (REST batches and the WebSocket), with
 * short retry delays so a run heals in seconds. It can go offline, and reload: the app is
 * destroyed and a new one started on the same database, as a reloaded tab would.
 *
 * @example
 * const client = await HarnessClient.start({ databaseName, serverUrl: proxyUrl, collection });
 * await client.sync.saveModel('item', { id: 'a', title: 'A', n: 1, done: false, tags: [] });
 */
export class HarnessClient {
  private online = true;

  private constructor(
    private readonly options: HarnessClientOptions,
    private app: RunningApp,
    private strategy: ConflictResolutionStrategy
  ) {}

  /** Starts a client and waits until its records are loaded. */
  static async start(options: HarnessClientOptions): Promise<HarnessClient> {
    const strategy: ConflictResolutionStrategy = 'mergeFields';
    return new HarnessClient(options, await startApp(options, strategy, true), strategy);
  }

  get sync(): OfflineSyncService {
    return this.app.sync;
  }

  /** The records in this client's store, by id. */
  records(): Map<string, Item> {
    const all = this.app.store.selectSignal(this.app.items.selectors.selectAll)();
    return new Map(all.map((item) => [item.id, item]));
  }

  /** Open conflicts in this client's store. */
  conflicts(): SyncConflict[] {
    return Object.values(this.app.store.selectSignal(offlineSyncFeature.selectConflicts)());
  }

  /** Changes not yet acknowledged, and dead letters, as the status shows them. */
  counts(): { pending: number; failed: number } {
    const select = this.app.store.selectSignal.bind(this.app.store);
    return {
      pending: select(offlineSyncFeature.selectPendingCount)(),
      failed: select(offlineSyncFeature.selectFailedCount)(),
    };
  }

  setOnline(online: boolean): void {
    this.online = online;
    this.app.network.state.next(online);
  }

  setStrategy(strategy: ConflictResolutionStrategy): void {
    this.strategy = strategy;
    this.sync.updateSyncOptions({ conflicts: { strategy } });
  }

  /**
   * Destroys the app and starts a new one on the same database. `midPush`: a push is asked for
   * right before, so the tab closes while it is in flight.
   */
  async reload(midPush: boolean): Promise<void> {
    if (midPush) void this.sync.syncAll();
    await this.destroy();
    this.app = await startApp(this.options, this.strategy, this.online);
  }

  /** Destroys the app (again: nothing; a reload that failed to start left the old one destroyed). */
  async destroy(): Promise<void> {
    if (this.app.ref.destroyed) return;
    this.app.ref.destroy();
    // Dexie closes its connection when the injector goes; give the close a turn.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Where a harness client keeps and syncs its records. */
export interface HarnessClientOptions {
  readonly databaseName: string;
  /** The fault proxy. */
  readonly serverUrl: string;
  readonly collection: string;
}

interface RunningApp {
  readonly ref: ApplicationRef;
  readonly sync: OfflineSyncService;
  readonly store: Store;
  readonly items: SyncEntityDefinition<Item>;
  readonly network: SwitchedNetwork;
}

async function startApp(
  { databaseName, serverUrl, collection }: HarnessClientOptions,
  strategy: ConflictResolutionStrategy,
  online: boolean
): Promise<RunningApp> {
  const items = defineSyncEntity<Item>({ modelType: 'item', endpoint: collection });
  const network = new SwitchedNetwork();
  network.state.next(online);
  const ref = await createApplication({
    providers: [
      provideStore(),
      provideHttpClient(withFetch()),
      provideOfflineSync(
        {
          databaseName,
          entities: [items],
          sync: {
            serverUrl,
            syncInterval: 0,
            pushDebounce: 0,
            useBatchEndpoint: true,
            batchSize: 5,
            requestTimeout: 3_000,
            retry: { initialDelay: 10, maxDelay: 100, maxAttempts: 1_000 },
            conflicts: { strategy },
          },
        },
        withWebSocket({ reconnectDelay: 20, maxReconnectDelay: 200, pongTimeout: 3_000 })
      ),
      { provide: NetworkStatus, useValue: network },
    ],
  });
  const sync = ref.injector.get(OfflineSyncService);
  await sync.whenHydrated();
  return { ref, sync, store: ref.injector.get(Store), items, network };
}
