import { provideHttpClient, withFetch } from '@angular/common/http';
import { ApplicationRef } from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { provideStore, Store } from '@ngrx/store';
import { BehaviorSubject, Observable } from 'rxjs';
import { OfflineSyncService } from '../lib/facade/offline-sync.service';
import { ConflictResolutionStrategy, SyncConflict } from '../lib/model/sync-conflict';
import { provideOfflineSync } from '../lib/providers/provide-offline-sync';
import { withEncryption } from '../lib/providers/with-encryption';
import { withWebSocket } from '../lib/providers/with-web-socket';
import { OfflineSyncError } from '../lib/model/sync-error';
import { readRaw } from '../testing-support/test-database';
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

/** The 32 raw bytes of encryption key number `n` (1, 2, …); raw keys need no PBKDF2 wait. */
function keyBytes(n: number): Uint8Array {
  return new Uint8Array(32).fill(n);
}

/** A key no client ever encrypts with. */
const WRONG_KEY = 99;

/**
 * One device of the reliability harness: an Angular application with the kit on its own
 * database, syncing `collection` through the fault proxy (REST batches and the WebSocket), with
 * short retry delays so a run heals in seconds. It can go offline, encrypt what it stores (and
 * change the key, or stop), and reload: the app is destroyed and a new one started on the same
 * database, as a reloaded tab would, with its key (or first with a wrong one).
 *
 * @example
 * const client = await HarnessClient.start({ databaseName, serverUrl: proxyUrl, collection });
 * await client.sync.saveModel('item', { id: 'a', title: 'A', n: 1, done: false, tags: [] });
 */
export class HarnessClient {
  private online = true;
  /** Number of the key values are encrypted with; 0: encryption off. */
  private key = 0;

  private constructor(
    private readonly options: HarnessClientOptions,
    private app: RunningApp,
    private strategy: ConflictResolutionStrategy
  ) {}

  /** Starts a client and waits until its records are loaded. */
  static async start(options: HarnessClientOptions): Promise<HarnessClient> {
    const strategy: ConflictResolutionStrategy = 'mergeFields';
    return new HarnessClient(options, await startApp(options, strategy, true, 0), strategy);
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

  /** Whether this client stores its values encrypted. */
  get encrypted(): boolean {
    return this.key > 0;
  }

  /**
   * Encrypts with key number `key` (turning encryption on, or changing the key), or, for 0, stops;
   * answers whether that changed anything.
   */
  async setEncryption(key: number): Promise<boolean> {
    if (key === this.key) return false;
    if (key === 0) await this.sync.disableEncryption();
    else if (this.key === 0) await this.sync.enableEncryption({ key: keyBytes(key) });
    else await this.sync.changeEncryptionKey({ key: keyBytes(key) });
    this.key = key;
    return true;
  }

  /**
   * Destroys the app and starts a new one on the same database. `midPush`: a push is asked for
   * right before, so the tab closes while it is in flight. `wrongKey` (when encrypted): first
   * started with a wrong key, which must leave it locked, with an `encryption` error, writing
   * nothing; then unlocked with the right key. Answers what went wrong with the wrong key, or null.
   */
  async reload(midPush: boolean, wrongKey = false): Promise<string | null> {
    if (midPush) void this.sync.syncAll();
    await this.destroy();
    if (wrongKey && this.encrypted) return this.startLocked();
    this.app = await startApp(this.options, this.strategy, this.online, this.key);
    return null;
  }

  private async startLocked(): Promise<string | null> {
    const { databaseName } = this.options;
    this.app = await startApp(this.options, this.strategy, this.online, WRONG_KEY, false);
    const hydration = await this.sync.whenHydrated().then(
      () => 'it hydrated',
      (error: unknown) =>
        error instanceof OfflineSyncError && error.kind === 'encryption' ? null : String(error)
    );
    if (hydration !== null || this.sync.encryptionState() !== 'locked') {
      return `with a wrong key: ${hydration ?? 'an encryption error'}, state ${this.sync.encryptionState()}`;
    }
    const before = JSON.stringify(await readRaw(databaseName));
    const write = await this.sync
      .saveModel<Item>('item', { id: 'never', title: '', n: 0, done: false, tags: [] })
      .then(
        () => 'a write was stored',
        () => null
      );
    await this.sync.syncAll();
    const after = JSON.stringify(await readRaw(databaseName));
    const problem = write ?? (before === after ? null : 'the database changed while locked');
    await this.sync.enableEncryption({ key: keyBytes(this.key) });
    await this.sync.whenHydrated();
    return problem && `with a wrong key: ${problem}`;
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
  online: boolean,
  key: number,
  hydrate = true
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
        withWebSocket({ reconnectDelay: 20, maxReconnectDelay: 200, pongTimeout: 3_000 }),
        ...(key > 0 ? [withEncryption({ key: keyBytes(key) })] : [])
      ),
      { provide: NetworkStatus, useValue: network },
    ],
  });
  const sync = ref.injector.get(OfflineSyncService);
  if (hydrate) await sync.whenHydrated();
  return { ref, sync, store: ref.injector.get(Store), items, network };
}
