import type { ChangeEventKind, ClientAppMessage } from './messages';

/**
 * What an `onMessage` hook gets besides the message: who sent it, and a way to answer.
 *
 * @example
 * onMessage: (msg, { userId, send }) => send({ type: 'echo', from: userId, payload: msg['payload'] })
 */
export interface WebSocketMessageContext {
  /** The connection's user; null when the server runs without auth. */
  userId: string | null;
  /** Sends a JSON object to this connection; does nothing once it is closed. */
  send(message: { type: string; [field: string]: unknown }): void;
}

/**
 * Handles an application message: any `type` the protocol does not define. A throw (or a
 * rejected promise) is logged and answered `{type:'error', error:{code:'handler_failed'}}`.
 *
 * @example
 * const onMessage: WebSocketMessageHandler = async (msg, ctx) => {
 *   if (msg.type === 'typing') presence.mark(ctx.userId, msg['listId']);
 * };
 */
export type WebSocketMessageHandler = (
  message: ClientAppMessage,
  context: WebSocketMessageContext
) => void | Promise<void>;

/**
 * Options of the WebSocket endpoint (`webSocket` in `SyncServerOptions`); every field is
 * optional, see `DEFAULT_WEB_SOCKET_OPTIONS`.
 *
 * @example
 * createSyncServer({ dbPath, webSocket: { path: '/live', eventNames: { created: 'insert' } } });
 */
export interface SyncWebSocketOptions {
  /** False turns the endpoint off: upgrade requests are not answered as WebSockets. */
  enabled?: boolean;
  /** The upgrade path; other paths answer 404. */
  path?: string;
  /** Largest accepted frame; a larger one closes the connection with 1009. */
  maxFrameBytes?: number;
  /** Sustained messages per second a connection may send. */
  messagesPerSecond?: number;
  /** Messages a connection may send at once before `messagesPerSecond` applies. */
  messageBurst?: number;
  /** Unsent bytes a connection may pile up; a client that reads slower is dropped. */
  maxBufferedBytes?: number;
  /** Interval of protocol-level pings; a client that misses one round is dropped. */
  heartbeatMs?: number;
  /** How long a connection may stay unauthenticated (only with `auth`). */
  authTimeoutMs?: number;
  /** Subscriptions per connection. */
  maxSubscriptions?: number;
  /** Open connections; more upgrades answer 503. */
  maxConnections?: number;
  /** Renames the `event` of change messages. */
  eventNames?: Partial<Record<ChangeEventKind, string>>;
  /** Handles application messages; without it they answer `unsupported_message`. */
  onMessage?: WebSocketMessageHandler;
}

/**
 * Defaults of every `SyncWebSocketOptions` field but `onMessage`.
 *
 * @example
 * const perConnection = DEFAULT_WEB_SOCKET_OPTIONS.messageBurst; // 100
 */
export const DEFAULT_WEB_SOCKET_OPTIONS = {
  enabled: true,
  path: '/ws',
  maxFrameBytes: 1024 * 1024,
  messagesPerSecond: 50,
  messageBurst: 100,
  maxBufferedBytes: 1024 * 1024,
  heartbeatMs: 30_000,
  authTimeoutMs: 10_000,
  maxSubscriptions: 100,
  maxConnections: 10_000,
  eventNames: { created: 'created', updated: 'updated', deleted: 'deleted' },
} as const;

/** `SyncWebSocketOptions` with the defaults applied. */
export interface ResolvedWebSocketOptions {
  enabled: boolean;
  path: string;
  maxFrameBytes: number;
  messagesPerSecond: number;
  messageBurst: number;
  maxBufferedBytes: number;
  heartbeatMs: number;
  authTimeoutMs: number;
  maxSubscriptions: number;
  maxConnections: number;
  eventNames: Readonly<Record<ChangeEventKind, string>>;
  onMessage: WebSocketMessageHandler | null;
}

/**
 * Applies the defaults; `webSocketProblems` then says what cannot work.
 *
 * @example
 * resolveWebSocketOptions({ heartbeatMs: 5000 }).path; // '/ws'
 */
export function resolveWebSocketOptions(
  options: SyncWebSocketOptions = {}
): ResolvedWebSocketOptions {
  const d = DEFAULT_WEB_SOCKET_OPTIONS;
  return {
    enabled: options.enabled ?? d.enabled,
    path: options.path ?? d.path,
    maxFrameBytes: options.maxFrameBytes ?? d.maxFrameBytes,
    messagesPerSecond: options.messagesPerSecond ?? d.messagesPerSecond,
    messageBurst: options.messageBurst ?? d.messageBurst,
    maxBufferedBytes: options.maxBufferedBytes ?? d.maxBufferedBytes,
    heartbeatMs: options.heartbeatMs ?? d.heartbeatMs,
    authTimeoutMs: options.authTimeoutMs ?? d.authTimeoutMs,
    maxSubscriptions: options.maxSubscriptions ?? d.maxSubscriptions,
    maxConnections: options.maxConnections ?? d.maxConnections,
    eventNames: {
      // Unknown keys are kept so that webSocketProblems can name them.
      ...options.eventNames,
      created: options.eventNames?.created ?? d.eventNames.created,
      updated: options.eventNames?.updated ?? d.eventNames.updated,
      deleted: options.eventNames?.deleted ?? d.eventNames.deleted,
    },
    onMessage: options.onMessage ?? null,
  };
}

const POSITIVE_INTEGERS = [
  'maxFrameBytes',
  'messageBurst',
  'maxBufferedBytes',
  'maxSubscriptions',
  'maxConnections',
] as const;
/** Node turns a longer timer delay into 1 ms, which would make every timer fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
const PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/**
 * What is wrong with resolved WebSocket options, as `webSocket.<field> …` sentences.
 *
 * @example
 * webSocketProblems(resolveWebSocketOptions({ path: 'ws' })); // ["webSocket.path must start with / …"]
 */
export function webSocketProblems(options: ResolvedWebSocketOptions): string[] {
  const problems: string[] = [];
  const problem = (field: string, text: string) => problems.push(`webSocket.${field} ${text}`);
  if (typeof options.path !== 'string' || !PATH.test(options.path)) {
    problem('path', 'must start with / and hold only URL path characters (no query)');
  }
  for (const key of POSITIVE_INTEGERS) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 1) {
      problem(key, 'must be a positive integer');
    }
  }
  const rate = options.messagesPerSecond;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
    problem('messagesPerSecond', 'must be a positive number');
  }
  for (const key of ['heartbeatMs', 'authTimeoutMs'] as const) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 1 || options[key] > MAX_TIMER_MS) {
      problem(key, `must be an integer from 1 to ${MAX_TIMER_MS}`);
    }
  }
  for (const [kind, name] of Object.entries(options.eventNames)) {
    if (!(kind in DEFAULT_WEB_SOCKET_OPTIONS.eventNames)) {
      problem('eventNames', `has an unknown key '${kind}' (use created, updated, deleted)`);
    } else if (typeof name !== 'string' || name === '') {
      problem(`eventNames.${kind}`, 'must be a non-empty string');
    }
  }
  if (options.onMessage !== null && typeof options.onMessage !== 'function') {
    problem('onMessage', 'must be a function');
  }
  return problems;
}
