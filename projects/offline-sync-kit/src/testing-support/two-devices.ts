import {
  HttpInterceptorFn,
  provideHttpClient,
  withFetch,
  withInterceptors,
} from '@angular/common/http';
import {
  ApplicationRef,
  EnvironmentProviders,
  Provider,
  provideZonelessChangeDetection,
} from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { provideStore, Store } from '@ngrx/store';
import { OfflineSyncService } from '../lib/facade/offline-sync.service';
import { SyncOptions } from '../lib/model/sync-options';
import { WebSocketOptions } from '../lib/model/web-socket-options';
import { provideOfflineSync } from '../lib/providers/provide-offline-sync';
import { withEncryption } from '../lib/providers/with-encryption';
import { EncryptionOptions } from '../lib/model/encryption-options';
import { SYNC_CLOCK } from '../lib/providers/tokens';
import { SyncEntityDefinition } from '../lib/state/define-sync-entity';
import { NetworkStatus } from '../lib/transport/network-status';
import { FakeNetworkStatus } from './fake-sync-backend';
import { eventually, uniqueDatabase } from './test-database';
import { syncServer } from './sync-server-under-test';

/** How one simulated device is set up. */
export interface DeviceOptions {
  readonly sync?: SyncOptions;
  /** The device's own clock (e.g. hours off); default the real one. */
  readonly clock?: () => number;
  readonly providers?: (Provider | EnvironmentProviders)[];
  /** Start with the network off (a reload while offline). */
  readonly offline?: boolean;
  /** Real-time sync (`provideOfflineSync({ webSocket })`); default none. */
  readonly webSocket?: WebSocketOptions;
  /** Sent as `Authorization: Bearer <token>` with every HTTP request (the secured server). */
  readonly bearerToken?: string;
  /** Encryption at rest (`withEncryption(encryption)`); default none. */
  readonly encryption?: EncryptionOptions;
  /** Wait for hydration before resolving (default true; false for a device expected locked). */
  readonly waitForHydration?: boolean;
}

/**
 * One device of a multi-device spec: a whole Angular application with its own store, IndexedDB
 * database and (fake) network switch, syncing with the reference server. `reload()` destroys the
 * app and starts it again on the same database, as a page reload does.
 *
 * @example
 * const a = await devices.start('a', { sync: { conflicts: { strategy: 'manual' } } });
 * a.offline(); await a.sync.updateModel('todo', 't1', { title: 'x' }); a.online(); await a.settled();
 */
export interface Device<T> {
  readonly name: string;
  readonly app: ApplicationRef;
  readonly sync: OfflineSyncService;
  readonly store: Store;
  readonly network: FakeNetworkStatus;
  readonly databaseName: string;
  record(id: string): T | undefined;
  offline(): void;
  online(): void;
  /** Syncs now and waits until nothing is pending, in flight or being resolved by a resolver. */
  settled(): Promise<void>;
  /** Destroys the app and starts it again on the same database, with `changes` to its options. */
  reload(changes?: DeviceOptions): Promise<Device<T>>;
}

/**
 * Starts devices on one entity type against the reference server, and cleans up after the spec
 * (apps destroyed, databases deleted).
 *
 * @example
 * const devices = new Devices(TodoSync);
 * afterEach(() => devices.cleanup());
 */
export class Devices<T> {
  private readonly apps: ApplicationRef[] = [];
  private readonly databases: ReturnType<typeof uniqueDatabase>[] = [];

  constructor(private readonly entity: SyncEntityDefinition<T>) {}

  async start(
    name: string,
    options: DeviceOptions = {},
    databaseName?: string
  ): Promise<Device<T>> {
    const database = databaseName ?? this.newDatabase(name);
    const network = new FakeNetworkStatus();
    if (options.offline) network.state.next(false);
    const app = await createApplication({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(withFetch(), withInterceptors([bearer(options.bearerToken)])),
        provideStore(),
        provideOfflineSync(
          {
            databaseName: database,
            entities: [this.entity],
            sync: {
              serverUrl: syncServer().url,
              syncInterval: 0,
              pushDebounce: 0,
              ...options.sync,
            },
            webSocket: options.webSocket ?? null,
          },
          ...(options.encryption ? [withEncryption(options.encryption)] : [])
        ),
        { provide: NetworkStatus, useValue: network },
        ...(options.clock ? [{ provide: SYNC_CLOCK, useValue: options.clock }] : []),
        ...(options.providers ?? []),
      ],
    });
    this.apps.push(app);
    const store = app.injector.get(Store);
    const sync = app.injector.get(OfflineSyncService);
    if (options.waitForHydration ?? true) await sync.whenHydrated();
    const device: Device<T> = {
      name,
      app,
      sync,
      store,
      network,
      databaseName: database,
      record: (id) => store.selectSignal(this.entity.selectors.selectById(id))(),
      offline: () => network.state.next(false),
      online: () => network.state.next(true),
      settled: async () => {
        await sync.syncAll();
        await eventually(() => {
          const status = sync.currentStatus();
          const resolving = sync.conflicts().some((c) => c.strategy === 'custom');
          return status.pendingChanges === 0 && !status.isSyncing && !resolving;
        }, `${name} settled`);
      },
      reload: async (changes: DeviceOptions = {}) => {
        app.destroy();
        return this.start(name, { ...options, ...changes }, database);
      },
    };
    return device;
  }

  /** Destroys every app and deletes every database of the spec. */
  async cleanup(): Promise<void> {
    for (const app of this.apps) if (!app.destroyed) app.destroy();
    for (const database of this.databases) await database.cleanup();
  }

  private newDatabase(name: string): string {
    const database = uniqueDatabase(`device-${name}`);
    this.databases.push(database);
    return database.name;
  }
}

/**
 * A record as the server has it now (`null`: none, or deleted), read without the kit.
 *
 * @example
 * expect(await serverRecord('todos-1', 't1')).toEqual(jasmine.objectContaining({ title: 'Milk' }));
 */
export async function serverRecord(endpoint: string, id: string): Promise<unknown> {
  const answer = await fetch(`${syncServer().url}/${endpoint}/${encodeURIComponent(id)}`);
  if (answer.status === 404) return null;
  if (!answer.ok) throw new Error(`GET ${endpoint}/${id} answered ${answer.status}`);
  return answer.json();
}

/**
 * A collection's live records as the server has them now, by id, read through the change feed
 * without the kit (and past the fault proxy).
 *
 * @example
 * expect([...(await serverRecords('todos-1')).keys()]).toEqual(['t1']);
 */
export async function serverRecords<T extends object = Record<string, unknown>>(
  endpoint: string
): Promise<Map<string, T>> {
  const records = new Map<string, T>();
  let cursor = '';
  for (;;) {
    const url = `${syncServer().url}/${endpoint}?limit=1000&cursor=${encodeURIComponent(cursor)}`;
    const answer = await fetch(url);
    if (!answer.ok) throw new Error(`GET ${endpoint} answered ${answer.status}`);
    const page = (await answer.json()) as {
      items: (T & { id: string; deleted?: boolean })[];
      cursor: string;
      hasMore: boolean;
    };
    for (const item of page.items) {
      if (item.deleted) records.delete(item.id);
      else records.set(item.id, item);
    }
    if (!page.hasMore) return records;
    cursor = page.cursor;
  }
}

/**
 * Waits long enough that the later of two edits is later on every clock, the error of the
 * kit's server clock estimate (about half a second) included. Orders events; asserts no timing.
 *
 * @example
 * await a.sync.updateModel('todo', 't1', { title: 'first' }); await afterAWhile(); await b.sync.updateModel(...);
 */
export function afterAWhile(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_200));
}

/** An interceptor that adds `Authorization: Bearer <token>` (none without a token). */
function bearer(token: string | undefined): HttpInterceptorFn {
  return (request, next) =>
    next(token ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request);
}
