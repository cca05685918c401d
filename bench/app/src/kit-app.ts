import { provideHttpClient, withFetch } from '@angular/common/http';
import { ApplicationRef, EnvironmentProviders, Provider } from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { Store, provideStore } from '@ngrx/store';
import {
  NetworkStatus,
  OfflineSyncService,
  SyncEntityDefinition,
  defineSyncEntity,
  offlineSyncFeature,
  provideOfflineSync,
  withEncryption,
  withWebSocket,
} from 'offline-sync-kit';
import { BehaviorSubject, filter, firstValueFrom, Observable } from 'rxjs';
import { BenchTodo } from './bench-todo';

/** The 32 raw bytes of the AES key every encrypted scenario uses (a raw key: no PBKDF2 wait). */
export const BENCH_KEY = (): Uint8Array => new Uint8Array(32).fill(7);

/**
 * How one benchmark app is set up; everything not given is the kit's default.
 *
 * @example
 * const kit = await startKitApp({ databaseName: 'bench-burst-1', serverUrl: null });
 */
export interface KitAppOptions {
  readonly databaseName: string;
  /** `/api` (the bench server's proxy to the reference server) or `null`: local only. */
  readonly serverUrl: string | null;
  /** The server collection of the `todo` type; runs use their own so they never meet. */
  readonly endpoint?: string;
  readonly encrypted?: boolean;
  readonly webSocket?: boolean;
  /** Whether the server counts as reachable at start; see {@link KitApp.goOnline}. */
  readonly online?: boolean;
  readonly batchSize?: number;
  readonly useBatchEndpoint?: boolean;
  readonly pushDebounce?: number;
  readonly pullPageSize?: number;
}

/**
 * A running app with the kit: its facade and store, a switch for the network, and `destroy()`.
 *
 * @example
 * await kit.sync.saveModel('todo', benchTodo(1, 'a'));
 * await kit.destroy();
 */
export interface KitApp {
  readonly sync: OfflineSyncService;
  readonly store: Store;
  readonly todo: SyncEntityDefinition<BenchTodo>;
  /** Resolves once `todo` holds `count` records in the store. */
  untilTotal(count: number): Promise<void>;
  /** Resolves once nothing is pending (pushed and acknowledged). */
  untilNothingPending(): Promise<void>;
  /** Local changes not yet acknowledged by the server, as the status shows them. */
  pendingCount(): number;
  /** Changes the server refused (dead letters). */
  failedCount(): number;
  goOnline(): void;
  destroy(): Promise<void>;
}

/** A network status the bench switches itself, so "offline" costs no probes or timeouts. */
class SwitchedNetwork extends NetworkStatus {
  readonly state: BehaviorSubject<boolean>;
  readonly online$: Observable<boolean>;

  constructor(online: boolean) {
    super();
    this.state = new BehaviorSubject(online);
    this.online$ = this.state.asObservable();
  }

  check(): Promise<boolean> {
    return Promise.resolve(this.state.value);
  }
}

/**
 * Bootstraps an Angular application with the kit (no component: the bench reads the store) and
 * waits until its records are loaded from IndexedDB.
 *
 * @example
 * const kit = await startKitApp({ databaseName: 'bench-pull', serverUrl: '/api', pullPageSize: 1000 });
 */
export async function startKitApp(options: KitAppOptions): Promise<KitApp> {
  const app = await createKitApplication(options);
  await app.sync.whenHydrated();
  return app;
}

/**
 * The same without waiting for hydration: the cold-start scenario times that wait itself.
 *
 * @example
 * const kit = await createKitApplication({ databaseName: 'bench-cold', serverUrl: null });
 * await kit.sync.whenHydrated();
 */
export async function createKitApplication(options: KitAppOptions): Promise<KitApp> {
  const todo = defineSyncEntity<BenchTodo>({
    modelType: 'todo',
    endpoint: options.endpoint ?? 'todos',
  });
  const network = new SwitchedNetwork(options.online ?? true);
  const features = [
    ...(options.encrypted ? [withEncryption({ key: BENCH_KEY() })] : []),
    ...(options.webSocket ? [withWebSocket({ pushOverWebSocket: true })] : []),
  ];
  const providers: (Provider | EnvironmentProviders)[] = [
    provideStore(),
    provideHttpClient(withFetch()),
    provideOfflineSync(
      {
        databaseName: options.databaseName,
        entities: [todo],
        sync: {
          serverUrl: options.serverUrl,
          ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
          ...(options.useBatchEndpoint === undefined
            ? {}
            : { useBatchEndpoint: options.useBatchEndpoint }),
          ...(options.pushDebounce === undefined ? {} : { pushDebounce: options.pushDebounce }),
          ...(options.pullPageSize === undefined ? {} : { pullPageSize: options.pullPageSize }),
        },
      },
      ...features
    ),
    { provide: NetworkStatus, useValue: network },
  ];
  const appRef: ApplicationRef = await createApplication({ providers });
  const sync = appRef.injector.get(OfflineSyncService);
  const store = appRef.injector.get(Store);
  const until = (source: Observable<boolean>) =>
    firstValueFrom(source.pipe(filter(Boolean))).then(() => undefined);
  return {
    sync,
    store,
    todo,
    untilTotal: (count) =>
      until(store.select((state) => todo.selectors.selectTotal(state) >= count)),
    untilNothingPending: () =>
      until(store.select((state) => offlineSyncFeature.selectPendingCount(state) === 0)),
    pendingCount: () => store.selectSignal(offlineSyncFeature.selectPendingCount)(),
    failedCount: () => store.selectSignal(offlineSyncFeature.selectFailedCount)(),
    goOnline: () => network.state.next(true),
    destroy: async () => {
      appRef.destroy();
      // Dexie closes the connection when the injector goes; give its close a turn.
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}
