/*
 * Public API of offline-sync-kit. Everything not exported here is internal.
 */

// Model: plain types
export type { Mutation, MutationOp, MutationStatus, SerializedRecord } from './lib/model/mutation';
export type { SyncEntityConfig } from './lib/model/sync-entity-config';
export type {
  ConflictPolicy,
  ConflictResolution,
  ConflictResolutionStrategy,
  ConflictResolverFn,
  SyncConflict,
} from './lib/model/sync-conflict';
export { OfflineSyncError, isOfflineSyncError, toSyncErrorInfo } from './lib/model/sync-error';
export type { SyncErrorInfo, SyncErrorKind } from './lib/model/sync-error';
export type { SyncEvent, SyncEventType } from './lib/model/sync-event';
export type { SyncMeta, SyncRecordState } from './lib/model/sync-meta';
// What a custom SyncTransport answers.
export type { PushOutcome } from './lib/model/push-outcome';
export type { PullPage, ServerChange } from './lib/model/server-change';
export type {
  SyncEventNames,
  WebSocketChannel,
  WebSocketChannelParams,
  WebSocketOptions,
  WebSocketState,
  WebSocketTokenProvider,
} from './lib/model/web-socket-options';
export type {
  EncryptionOptions,
  EncryptionSecret,
  EncryptionState,
} from './lib/model/encryption-options';
export { CorruptValueError, EncryptionKeyError } from './lib/model/encryption-errors';
export type {
  ConnectionState,
  PersistentStorageState,
  SyncPhase,
  SyncStatus,
} from './lib/model/sync-status';

// State: entity definitions, actions, selectors
export { defineSyncEntity } from './lib/state/define-sync-entity';
export type { SyncEntityDefinition } from './lib/state/define-sync-entity';
export type { SyncEntityActions } from './lib/state/sync-entity-actions';
export type { SyncEntitySelectors } from './lib/state/sync-entity-selectors';
export type { SyncEntityState } from './lib/state/sync-entity-state';
export { OfflineSyncStorageActions } from './lib/state/offline-sync-storage.actions';
export { OfflineSyncEngineActions } from './lib/state/offline-sync-engine.actions';
export {
  OfflineSyncConflictActions,
  resolveConflict,
} from './lib/state/offline-sync-conflict.actions';
export { OfflineSyncWebSocketActions } from './lib/state/offline-sync-web-socket.actions';
export { OfflineSyncEncryptionActions } from './lib/state/offline-sync-encryption.actions';
export type { CommittedWrite, RestoredRecord } from './lib/state/offline-sync-storage.actions';
export {
  offlineSyncFeature,
  selectConflictFor,
  selectConflicts,
  selectConnectionState,
  selectFailedCount,
  selectIsHydrated,
  selectNextRetryAt,
  selectLastSyncAt,
  selectLastSyncError,
  selectPendingCount,
  selectPersistentStorage,
  selectSyncPhase,
  selectSyncStatus,
  selectIsWebSocketConnected,
  selectWebSocketState,
  selectEncryptionState,
  selectIsEncryptionEnabled,
} from './lib/state/offline-sync.feature';
export type { OfflineSyncState } from './lib/state/offline-sync.feature';

// Providers: the two front doors and their tokens
export { provideOfflineSync } from './lib/providers/provide-offline-sync';
export { provideSyncEntities } from './lib/providers/provide-sync-entities';
export { withWebSocket, webSocketUrl } from './lib/providers/with-web-socket';
export { withEncryption } from './lib/providers/with-encryption';
export {
  DEFAULT_PBKDF2_ITERATIONS,
  MIN_PBKDF2_ITERATIONS,
} from './lib/storage/encryption/encryption-key';
export {
  DEFAULT_WEB_SOCKET_OPTIONS,
  resolveWebSocketOptions,
} from './lib/providers/resolve-web-socket-options';
export type { ResolvedWebSocketOptions } from './lib/providers/resolve-web-socket-options';
export { WEB_SOCKET_CTOR } from './lib/providers/web-socket-tokens';
export { ConflictResolver } from './lib/providers/conflict-resolver';
export { DEFAULT_CONFLICT_POLICY } from './lib/core/conflict-policy';
export type { ResolvedConflictPolicy } from './lib/core/conflict-policy';
export { OfflineSyncModule } from './lib/providers/offline-sync.module';
export {
  DEFAULT_OFFLINE_SYNC_CONFIG,
  resolveOfflineSyncConfig,
} from './lib/providers/offline-sync-config';
export type {
  OfflineSyncConfig,
  ResolvedOfflineSyncConfig,
} from './lib/providers/offline-sync-config';
export type { OfflineSyncFeature } from './lib/providers/offline-sync-feature';
export {
  INDEXED_DB,
  OFFLINE_SYNC_CONFIG,
  STORAGE_MANAGER,
  SYNC_CLOCK,
  SyncIdGenerator,
  UuidV7Generator,
} from './lib/providers/tokens';

// Transport: talking to servers
export { SyncTransport } from './lib/transport/sync-transport';
export type {
  FetchQuery,
  PushEntry,
  ServerDateObserver,
  TransportContext,
  TransportEntity,
} from './lib/transport/sync-transport';
export { NetworkStatus } from './lib/transport/network-status';
export { SyncEventMapper } from './lib/transport/sync-event-mapper';
export type { SyncEventMapperConfig } from './lib/transport/sync-event-mapper';
export type { ChangeMessage, WebSocketMessage } from './lib/transport/web-socket-messages';

// Facade
export { OfflineSyncService } from './lib/facade/offline-sync.service';
export { OfflineSyncWebSocketApi } from './lib/facade/web-socket-api';
export { OfflineSyncEncryptionApi } from './lib/facade/encryption-api';
export type { WebSocketMessageHandler } from './lib/effects/realtime-sync';
