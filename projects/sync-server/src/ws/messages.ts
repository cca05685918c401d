/**
 * The wire shapes of the WebSocket endpoint (docs/protocol.md, "WebSocket"): every frame is a
 * text frame holding one JSON object with a string `type`. Plain types only, so a client can
 * import them without pulling in the server.
 */
import type {
  BatchResult,
  ErrorInfo,
  JsonObject,
  JsonValue,
  MutationOp,
  SyncRecord,
} from '../model';

/**
 * The close codes the server uses, besides the ones `ws` picks itself (1000, 1006).
 *
 * @example
 * socket.addEventListener('close', (e) => {
 *   if (e.code === WS_CLOSE_CODES.authFailed) refreshToken();
 * });
 */
export const WS_CLOSE_CODES = {
  /** The server is stopping; reconnect later. */
  shuttingDown: 1001,
  /** A frame that is not a JSON object with a string `type`, or a binary frame. */
  malformed: 1007,
  /** A frame larger than `maxFrameBytes`. */
  tooBig: 1009,
  /** The server failed (an auth `verify` hook threw); reconnect with backoff. */
  internalError: 1011,
  /**
   * Bad token, a message other than auth/ping before a successful auth, or the token expired
   * (`auth_error` code `token_expired`: authenticate again with a fresh token).
   */
  authFailed: 4401,
  /** No successful auth within `authTimeoutMs`. */
  authTimeout: 4408,
  /** More messages than `messagesPerSecond`/`messageBurst` allow. */
  rateLimited: 4429,
} as const;

/** Record-field equality filters of a subscription: `{ done: false, listId: 'l1' }`. */
export type ChannelParams = Readonly<Record<string, string | number | boolean | null>>;

/** One mutation of a WebSocket batch, exactly as an item of `POST /sync/batch`. */
export interface BatchMutationInput {
  mutationId: string;
  op: MutationOp;
  endpoint: string;
  id: string;
  data?: JsonObject;
  baseVersion?: number;
}

/**
 * The messages the server itself understands.
 *
 * @example
 * const hello: ClientProtocolMessage = { type: 'subscribe', channel: 'todos', params: { done: false } };
 */
export type ClientProtocolMessage =
  | { type: 'auth'; token: string }
  | { type: 'subscribe'; channel: string; params?: ChannelParams }
  | { type: 'unsubscribe'; channel: string }
  | { type: 'ping'; id?: JsonValue }
  | { type: 'batch'; requestId: string; mutations: BatchMutationInput[] };

/**
 * Any other message: handed to `webSocket.onMessage`, or answered `unsupported_message`.
 *
 * @example
 * const typing: ClientAppMessage = { type: 'typing', listId: 'l1' };
 */
export interface ClientAppMessage {
  type: string;
  [field: string]: unknown;
}

/**
 * Everything a client may send.
 *
 * @example
 * socket.send(JSON.stringify({ type: 'ping', id: 1 } satisfies ClientMessage));
 */
export type ClientMessage = ClientProtocolMessage | ClientAppMessage;

/** The event names of change messages; each can be renamed with `webSocket.eventNames`. */
export type ChangeEventKind = 'created' | 'updated' | 'deleted';

/**
 * A committed write, pushed to every subscriber of its collection that may read it. `data` is
 * the record as REST answers it; a delete has none. `event` is 'created', 'updated' or
 * 'deleted' unless renamed by `webSocket.eventNames`.
 *
 * @example
 * const msg: ServerChangeMessage = { type: 'change', event: 'deleted', channel: 'todos',
 *   modelType: 'todos', id: 't1', version: 3, updatedAt: '2025-01-01T10:05:00.000Z', seq: 42 };
 */
export interface ServerChangeMessage {
  type: 'change';
  event: string;
  channel: string;
  modelType: string;
  id: string;
  version: number;
  updatedAt: string;
  seq: number;
  data?: SyncRecord;
}

/**
 * The machine-readable codes of WebSocket errors (batch envelope errors use the REST codes).
 *
 * @example
 * if (msg.type === 'error' && msg.error.code === 'rate_limited') slowDown();
 */
export type WsErrorCode =
  | 'unauthorized'
  | 'unauthenticated'
  | 'token_expired'
  | 'auth_timeout'
  | 'bad_request'
  | 'unknown_collection'
  | 'too_many_subscriptions'
  | 'malformed_message'
  | 'rate_limited'
  | 'unsupported_message'
  | 'handler_failed'
  | 'internal';

/** `{ code, message }` with a WebSocket error code. */
export interface WsErrorInfo {
  code: WsErrorCode;
  message: string;
}

/**
 * Everything the server sends.
 *
 * @example
 * const msg = JSON.parse(event.data) as ServerMessage;
 * if (msg.type === 'change') applyRemote(msg.channel, msg);
 */
export type ServerMessage =
  | { type: 'auth_ok'; userId: string | null; expiresAt?: string }
  | { type: 'auth_error'; error: WsErrorInfo }
  | { type: 'subscribed'; channel: string; params: ChannelParams }
  | { type: 'subscribe_error'; channel: string | null; error: WsErrorInfo }
  | { type: 'unsubscribed'; channel: string }
  | { type: 'pong'; id?: JsonValue; time: string }
  | { type: 'batch_result'; requestId: string; results: BatchResult[] }
  | { type: 'batch_result'; requestId: string | null; error: ErrorInfo; status: number }
  | { type: 'error'; error: WsErrorInfo }
  | ServerChangeMessage;
