import { SyncEventType } from './sync-event';

/**
 * Where the kit's WebSocket stands:
 * - `connecting`: opening after `connectWebSocket()` (or the automatic first connect);
 * - `connected`: open and authenticated; channels are (re)subscribed;
 * - `reconnecting`: the connection dropped (or the network is gone) and will be opened again;
 * - `disconnected`: closed on purpose, refused by the server's auth, out of reconnect attempts,
 *   or never opened.
 *
 * @example
 * const live = inject(Store).selectSignal(selectWebSocketState)() === 'connected';
 */
export type WebSocketState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/**
 * Gives the token sent in `{type: 'auth', token}` after every (re)connect. Called each time (in
 * an injection context, so it may `inject()`), so a refreshed token is used; `null` (or nothing)
 * connects without authenticating. A provider that throws is asked again at the next reconnect.
 *
 * @example
 * const token: WebSocketTokenProvider = () => inject(AuthService).accessToken();
 */
export type WebSocketTokenProvider = () =>
  string | null | undefined | Promise<string | null | undefined>;

/**
 * Values a channel may be filtered by: the server delivers only changes of records whose fields
 * equal them.
 *
 * @example
 * const params: WebSocketChannelParams = { ownerId: 'u1', done: false };
 */
export type WebSocketChannelParams = Readonly<Record<string, string | number | boolean | null>>;

/**
 * A channel to subscribe to: the server's collection (`todos`), optionally filtered.
 *
 * @example
 * const mine: WebSocketChannel = { channel: 'todos', params: { ownerId: 'u1' } };
 */
export interface WebSocketChannel {
  readonly channel: string;
  readonly params?: WebSocketChannelParams;
}

/**
 * Translates the names a server gives its events into {@link SyncEventType}s and back. The kit's
 * implementation is `SyncEventMapper`.
 *
 * @example
 * const names: SyncEventNames = new SyncEventMapper({ eventNameToType: { 'todo.created': 'modelAdded' } });
 */
export interface SyncEventNames {
  /** The kit's type for a server event name, or `null` for a name it does not know. */
  toSyncEventType(eventName: string): SyncEventType | null;
  /** The server's name for one of the kit's event types. */
  toEventName(type: SyncEventType): string;
}

/**
 * Real-time sync over a WebSocket: `provideOfflineSync(config, withWebSocket(options))` or
 * `provideOfflineSync({ webSocket: options })`. The protocol is in docs/protocol.md.
 *
 * @example
 * withWebSocket({ token: () => auth.token(), channels: ['todos', { channel: 'projects', params: { team: 'a' } }] })
 */
export interface WebSocketOptions {
  /** `ws(s)://…` URL; default the sync `serverUrl` with `ws(s)` and `/ws` appended. */
  readonly serverUrl?: string | null;
  /** Open the socket once the store is hydrated and the server reachable. Default true. */
  readonly autoConnect?: boolean;
  /** How often a `ping` is sent while connected, in ms. Default 25 000. */
  readonly pingInterval?: number;
  /**
   * How long to wait for a `pong`, for the token and `auth_ok`, and for a subscription's answer,
   * before the connection counts as dead and is opened again. Default 10 000.
   */
  readonly pongTimeout?: number;
  /** Delay before the first reconnect, in ms; doubles per attempt, with jitter. Default 1 000. */
  readonly reconnectDelay?: number;
  /** Longest delay between reconnects, in ms. Default 30 000. */
  readonly maxReconnectDelay?: number;
  /**
   * Failed reconnects in a row before giving up, until the network comes back or
   * `connectWebSocket()`. A connection counts as working once a `pong` came. Default unlimited.
   */
  readonly maxReconnectAttempts?: number;
  /** WebSocket subprotocols, passed to `new WebSocket(url, protocols)`. */
  readonly protocols?: string | readonly string[];
  /** The token for `{type: 'auth'}`, asked for at every (re)connect. Default: no auth message. */
  readonly token?: WebSocketTokenProvider;
  /** Channels subscribed after every connect. Default: the collection of every registered entity type. */
  readonly channels?: readonly (string | WebSocketChannel)[];
  /** Server event names. Default `SyncEventMapper` with `created`/`updated`/`deleted`. */
  readonly eventMapper?: SyncEventNames;
  /** Send pushes as `batch` messages over the socket while it is connected (HTTP otherwise). Default false. */
  readonly pushOverWebSocket?: boolean;
}
