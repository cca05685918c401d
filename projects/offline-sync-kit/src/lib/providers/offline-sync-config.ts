import { withoutUndefined } from '../core/without-undefined';
import { OfflineSyncError } from '../model/sync-error';
import { SyncOptions } from '../model/sync-options';
import { WebSocketOptions } from '../model/web-socket-options';
import { SyncEntityDefinition } from '../state/define-sync-entity';
import {
  DEFAULT_SYNC_OPTIONS,
  ResolvedSyncOptions,
  resolveSyncOptions,
} from './resolve-sync-options';

/**
 * Options for `provideOfflineSync()` / `OfflineSyncModule.forRoot()`. Every field has a default
 * (see {@link DEFAULT_OFFLINE_SYNC_CONFIG}).
 *
 * @example
 * provideOfflineSync({ databaseName: 'my-app', entities: [TodoSync], requestPersistentStorage: true });
 */
export interface OfflineSyncConfig {
  /** Name of the IndexedDB database. One per app: two apps on one origin need two names. */
  readonly databaseName?: string;
  /** Entity types known from the start. Lazy routes add more with `provideSyncEntities()`. */
  readonly entities?: readonly SyncEntityDefinition<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Ask the browser not to evict the database (`navigator.storage.persist()`) at start. */
  readonly requestPersistentStorage?: boolean;
  /**
   * IndexedDB commit durability in Chromium. `strict` also survives an OS crash or power loss, at
   * a cost per write; `default` (the browser's choice) survives reloads and tab crashes.
   */
  readonly durability?: 'default' | 'strict' | 'relaxed';
  /** How and when to sync with the server; without `sync.serverUrl` the kit stays local. */
  readonly sync?: SyncOptions;
  /** Real-time sync over a WebSocket; the same as the `withWebSocket(options)` feature. */
  readonly webSocket?: WebSocketOptions | null;
}

/**
 * {@link OfflineSyncConfig} with every default applied.
 *
 * @example
 * const config: ResolvedOfflineSyncConfig = resolveOfflineSyncConfig({ databaseName: 'x' });
 */
export type ResolvedOfflineSyncConfig = Required<Omit<OfflineSyncConfig, 'sync' | 'webSocket'>> & {
  readonly sync: ResolvedSyncOptions;
  readonly webSocket: WebSocketOptions | null;
};

/**
 * The defaults every {@link OfflineSyncConfig} is merged over.
 *
 * @example
 * provideOfflineSync({ ...DEFAULT_OFFLINE_SYNC_CONFIG, databaseName: 'crm' });
 */
export const DEFAULT_OFFLINE_SYNC_CONFIG: ResolvedOfflineSyncConfig = {
  databaseName: 'offline-sync',
  entities: [],
  requestPersistentStorage: false,
  durability: 'default',
  sync: DEFAULT_SYNC_OPTIONS,
  webSocket: null,
};

/**
 * Merges a config over the defaults and checks it, throwing a `config` {@link OfflineSyncError}
 * that names the bad field.
 *
 * @example
 * resolveOfflineSyncConfig({ databaseName: '' }); // throws: databaseName must be a non-empty string
 */
export function resolveOfflineSyncConfig(
  config: OfflineSyncConfig = {}
): ResolvedOfflineSyncConfig {
  const resolved: ResolvedOfflineSyncConfig = {
    ...DEFAULT_OFFLINE_SYNC_CONFIG,
    ...withoutUndefined(config),
    sync: resolveSyncOptions(config.sync),
  };
  const fail = (problem: string): never => {
    throw new OfflineSyncError('config', `provideOfflineSync(): ${problem}`);
  };
  if (typeof resolved.databaseName !== 'string' || resolved.databaseName.trim() === '') {
    fail('`databaseName` must be a non-empty string.');
  }
  if (
    !Array.isArray(resolved.entities) ||
    resolved.entities.some((e) => typeof e?.modelType !== 'string')
  ) {
    fail('`entities` must be a list of definitions made with defineSyncEntity().');
  }
  const seen = new Set<string>();
  for (const { modelType } of resolved.entities) {
    if (seen.has(modelType))
      fail(`the entity type "${modelType}" is listed twice in \`entities\`.`);
    seen.add(modelType);
  }
  if (!['default', 'strict', 'relaxed'].includes(resolved.durability)) {
    fail('`durability` must be "default", "strict" or "relaxed".');
  }
  return resolved;
}
