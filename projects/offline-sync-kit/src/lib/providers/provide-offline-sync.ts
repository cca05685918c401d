import {
  EnvironmentProviders,
  inject,
  InjectionToken,
  Injector,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
  Provider,
} from '@angular/core';
import { OfflineSyncError } from '../model/sync-error';
import { PersistenceEffects } from '../effects/persistence.effects';
import { SyncBootstrap } from '../effects/sync-bootstrap';
import { EncryptionReporting } from '../effects/encryption-reporting';
import { SyncEntityRegistry } from '../effects/sync-entity-registry';
import { WriteReceipts } from '../effects/write-receipts';
import { CrossTabChannel } from '../effects/cross-tab-channel';
import { ServerReads } from '../effects/server-reads';
import { PushBatches } from '../effects/push-batches';
import { SyncEngine } from '../effects/sync-engine';
import { SyncTriggerEffects } from '../effects/sync-trigger.effects';
import { ConflictCoordinator } from '../effects/conflict-coordinator';
import { ConflictEffects } from '../effects/conflict.effects';
import { ConflictPolicies } from '../effects/conflict-policies';
import { RecordPublisher } from '../effects/record-publisher';
import { ServerClock } from './server-clock';
import { NetworkStatus } from '../transport/network-status';
import { BrowserNetworkStatus } from './browser-network-status';
import { SyncOptionsRef } from './sync-options-ref';
import { OfflineSyncService } from '../facade/offline-sync.service';
import { SyncStorage } from '../storage/sync-storage';
import { OfflineSyncConfig, resolveOfflineSyncConfig } from './offline-sync-config';
import { OfflineSyncFeature } from './offline-sync-feature';
import { withWebSocket } from './with-web-socket';
import { ENCRYPTION_KEY } from './with-encryption';
import { INDEXED_DB, OFFLINE_SYNC_CONFIG, SyncIdGenerator } from './tokens';

/** One entry per root setup in an injector, to detect a second `forRoot`/`provideOfflineSync`. */
const _OFFLINE_SYNC_ROOTS = new InjectionToken<true[]>('offline-sync-kit Roots');

/**
 * Builds the kit's providers once for both front doors, `provideOfflineSync()` and
 * `OfflineSyncModule.forRoot()`. Internal; apps call one of those.
 *
 * @example
 * makeEnvironmentProviders(_provideOfflineSync({ databaseName: 'app' }, []));
 */
export function _provideOfflineSync(
  config: OfflineSyncConfig,
  features: readonly OfflineSyncFeature[]
): (Provider | EnvironmentProviders)[] {
  const resolved = resolveOfflineSyncConfig(config);
  if (resolved.webSocket) {
    if (features.some((feature) => feature.kind === 'webSocket')) {
      throw new OfflineSyncError(
        'config',
        'provideOfflineSync(): the WebSocket is configured twice, in `webSocket` and with ' +
          'withWebSocket(). Keep one.'
      );
    }
    features = [...features, withWebSocket(resolved.webSocket)];
  }
  if (features.filter((feature) => feature.kind === 'encryption').length > 1) {
    throw new OfflineSyncError(
      'config',
      'provideOfflineSync(): encryption is configured twice (withEncryption() given more than ' +
        'once). Keep one.'
    );
  }
  return [
    { provide: _OFFLINE_SYNC_ROOTS, multi: true, useValue: true },
    { provide: OFFLINE_SYNC_CONFIG, useValue: resolved },
    {
      provide: SyncStorage,
      useFactory: () => {
        // Looked up when first called: both need the storage themselves.
        const injector = inject(Injector);
        const ids = inject(SyncIdGenerator);
        return new SyncStorage({
          databaseName: resolved.databaseName,
          // Local changes are stamped on the server's clock (see ServerClock).
          clock: () => injector.get(ServerClock).now(),
          newId: () => ids.next(),
          durability: resolved.durability,
          indexedDB: inject(INDEXED_DB),
          conflictPolicyFor: (modelType) => injector.get(ConflictPolicies).forStorage(modelType),
          encryptionKey: inject(ENCRYPTION_KEY, { optional: true }),
        });
      },
    },
    ServerClock,
    ConflictPolicies,
    ConflictCoordinator,
    ConflictEffects,
    RecordPublisher,
    SyncEntityRegistry,
    WriteReceipts,
    SyncBootstrap,
    EncryptionReporting,
    OfflineSyncService,
    PersistenceEffects,
    SyncOptionsRef,
    SyncEngine,
    ServerReads,
    PushBatches,
    SyncTriggerEffects,
    CrossTabChannel,
    { provide: NetworkStatus, useClass: BrowserNetworkStatus },
    ...features.flatMap((feature) => feature.providers),
    provideEnvironmentInitializer(() => {
      assertSingleRoot();
      inject(SyncBootstrap).start();
    }),
  ];
}

/**
 * Sets up offline-sync-kit for a standalone app: the `offlineSync` state, the local database
 * and the entity types in `config.entities`. Needs `provideStore()` from `@ngrx/store`; the kit
 * registers its reducers and effects itself, so `provideEffects()` is optional.
 * Call it once, in the application providers; lazy routes use `provideSyncEntities()`.
 *
 * @example
 * bootstrapApplication(App, {
 *   providers: [provideStore(), provideOfflineSync({ databaseName: 'todo-app', entities: [TodoSync] })],
 * });
 */
export function provideOfflineSync(
  config: OfflineSyncConfig = {},
  ...features: OfflineSyncFeature[]
): EnvironmentProviders {
  return makeEnvironmentProviders(_provideOfflineSync(config, features));
}

function assertSingleRoot(): void {
  const here = inject(_OFFLINE_SYNC_ROOTS);
  const above = inject(_OFFLINE_SYNC_ROOTS, { optional: true, skipSelf: true });
  if (here.length > 1 || above) {
    throw new OfflineSyncError(
      'config',
      'offline-sync-kit is set up twice (provideOfflineSync() or OfflineSyncModule.forRoot() ' +
        'ran in two injectors, or twice in one). Set it up once at the root; lazy routes register ' +
        'their entity types with provideSyncEntities() or OfflineSyncModule.forFeature().'
    );
  }
}
