/**
 * Public API of the reference sync server. Everything not exported here is internal.
 *
 * @example
 * import { createSyncServer } from './projects/sync-server/src';
 * const server = createSyncServer({ dbPath: './data/sync.sqlite', port: 8787 });
 * await server.listen();
 */
export { createSyncServer, type SyncServerHandle } from './server';
export {
  DEFAULT_WEB_SOCKET_OPTIONS,
  type SyncWebSocketOptions,
  type WebSocketMessageContext,
  type WebSocketMessageHandler,
} from './ws/ws-options';
export type { WebSocketStats } from './ws/ws-hub';
export {
  WS_CLOSE_CODES,
  type BatchMutationInput,
  type ChangeEventKind,
  type ChannelParams,
  type ClientAppMessage,
  type ClientMessage,
  type ClientProtocolMessage,
  type ServerChangeMessage,
  type ServerMessage,
  type WsErrorCode,
  type WsErrorInfo,
} from './ws/messages';
export {
  DEFAULT_SYNC_SERVER_OPTIONS,
  type SyncAuthOptions,
  type SyncServerOptions,
  type VerifiedToken,
} from './options';
export { createConsoleLogger, silentLogger, type LogLevel, type SyncLogger } from './logger';
export { SyncError, type SyncErrorCode } from './errors';
export {
  isTombstone,
  type BatchResult,
  type ChangeEvent,
  type ChangesPage,
  type ErrorInfo,
  type JsonObject,
  type JsonValue,
  type Mutation,
  type MutationOp,
  type SyncEntry,
  type SyncRecord,
  type SyncTombstone,
} from './model';
