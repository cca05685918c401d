import { withoutUndefined } from '../core/without-undefined';
import { OfflineSyncError } from '../model/sync-error';
import {
  SyncEventNames,
  WebSocketChannel,
  WebSocketOptions,
  WebSocketTokenProvider,
} from '../model/web-socket-options';
import { SyncEventMapper } from '../transport/sync-event-mapper';

/**
 * {@link WebSocketOptions} with every default applied; `channels` normalized to objects (`null`
 * means every registered entity type's collection).
 *
 * @example
 * const options: ResolvedWebSocketOptions = resolveWebSocketOptions({ pingInterval: 10_000 });
 */
export interface ResolvedWebSocketOptions {
  readonly serverUrl: string | null;
  readonly autoConnect: boolean;
  readonly pingInterval: number;
  readonly pongTimeout: number;
  readonly reconnectDelay: number;
  readonly maxReconnectDelay: number;
  readonly maxReconnectAttempts: number;
  readonly protocols: readonly string[];
  readonly token: WebSocketTokenProvider | null;
  readonly channels: readonly WebSocketChannel[] | null;
  readonly eventMapper: SyncEventNames;
  readonly pushOverWebSocket: boolean;
}

/**
 * The defaults every {@link WebSocketOptions} is merged over.
 *
 * @example
 * withWebSocket({ ...DEFAULT_WEB_SOCKET_OPTIONS, pingInterval: 5_000 });
 */
export const DEFAULT_WEB_SOCKET_OPTIONS: ResolvedWebSocketOptions = {
  serverUrl: null,
  autoConnect: true,
  pingInterval: 25_000,
  pongTimeout: 10_000,
  reconnectDelay: 1_000,
  maxReconnectDelay: 30_000,
  maxReconnectAttempts: Infinity,
  protocols: [],
  token: null,
  channels: null,
  eventMapper: new SyncEventMapper(),
  pushOverWebSocket: false,
};

/**
 * Merges WebSocket options over the defaults and checks them, throwing a `config`
 * {@link OfflineSyncError} that names the bad field.
 *
 * @example
 * resolveWebSocketOptions({ pingInterval: -1 }); // throws: `pingInterval` must be …
 */
export function resolveWebSocketOptions(options: WebSocketOptions = {}): ResolvedWebSocketOptions {
  const given = withoutUndefined(options);
  const fail = (problem: string): never => {
    throw new OfflineSyncError('config', `withWebSocket(): ${problem}`);
  };
  const { serverUrl, protocols, token, channels, eventMapper } = given;
  if (serverUrl !== undefined && serverUrl !== null && !/^wss?:\/\/[^\s]+$/i.test(serverUrl)) {
    fail('`serverUrl` must be a ws:// or wss:// URL, such as "wss://api.example.com/ws".');
  }
  const durations = ['pingInterval', 'pongTimeout', 'reconnectDelay', 'maxReconnectDelay'] as const;
  for (const field of durations) {
    const value = given[field];
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) {
      fail(`\`${field}\` must be a number of milliseconds > 0.`);
    }
  }
  const attempts = given.maxReconnectAttempts;
  if (
    attempts !== undefined &&
    !(attempts === Infinity || (Number.isInteger(attempts) && attempts >= 0))
  ) {
    fail('`maxReconnectAttempts` must be a whole number ≥ 0, or Infinity.');
  }
  const protocolList = typeof protocols === 'string' ? [protocols] : [...(protocols ?? [])];
  if (protocolList.some((p) => typeof p !== 'string' || !/^[\x21-\x7e]+$/.test(p))) {
    fail('`protocols` must be subprotocol names (printable ASCII without spaces).');
  }
  if (token !== undefined && typeof token !== 'function') {
    fail('`token` must be a function that returns the token (or a Promise of it).');
  }
  if (eventMapper !== undefined && typeof eventMapper?.toSyncEventType !== 'function') {
    fail('`eventMapper` must be a SyncEventMapper (or implement SyncEventNames).');
  }
  return {
    ...DEFAULT_WEB_SOCKET_OPTIONS,
    ...given,
    protocols: protocolList,
    token: token ?? null,
    channels: channels === undefined ? null : channels.map((c) => toChannel(c, fail)),
  } as ResolvedWebSocketOptions;
}

function toChannel(
  value: string | WebSocketChannel,
  fail: (problem: string) => never
): WebSocketChannel {
  const channel = typeof value === 'string' ? { channel: value } : value;
  if (typeof channel?.channel !== 'string' || channel.channel === '') {
    fail('each of `channels` must be a channel name or { channel, params }.');
  }
  const params = channel.params;
  if (params !== undefined && !validParams(params)) {
    fail(
      `the params of channel "${channel.channel}" must be an object of strings, numbers, ` +
        'booleans or null.'
    );
  }
  return channel;
}

/**
 * Whether channel params are an object of plain values.
 *
 * @example
 * validParams({ ownerId: 'u1' }); // true
 */
export function validParams(params: unknown): boolean {
  return (
    typeof params === 'object' &&
    params !== null &&
    !Array.isArray(params) &&
    Object.values(params).every(
      (v) => v === null || ['string', 'number', 'boolean'].includes(typeof v)
    )
  );
}
