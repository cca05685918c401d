import {
  BehaviorSubject,
  filter,
  firstValueFrom,
  map,
  merge,
  NEVER,
  Observable,
  SchedulerLike,
  Subject,
  Subscription,
  take,
  timer,
} from 'rxjs';
import { webSocket, WebSocketSubject } from 'rxjs/webSocket';
import { retryDelay } from '../core/backoff';
import { OfflineSyncError } from '../model/sync-error';
import {
  WebSocketChannelParams,
  WebSocketState,
  WebSocketTokenProvider,
} from '../model/web-socket-options';
import { closeProblem, isAuthClose } from './web-socket-close';
import {
  readWebSocketMessage,
  serverErrorText,
  subscribeMessage,
  WebSocketMessage,
} from './web-socket-messages';

/**
 * The longest message `send()` accepts, in characters: a safe bound for the 1 MiB frames of the
 * reference server, since a character takes at most 3 bytes of UTF-8.
 */
export const MAX_MESSAGE_CHARS = 256 * 1024;

/**
 * What a {@link WebSocketConnection} reads at every (re)connect, so a changed URL or token
 * applies to the next connection.
 *
 * @example
 * const config: WebSocketConnectionConfig = { url: 'wss://api.example.com/ws', protocols: [], pingInterval: 25_000, pongTimeout: 10_000, reconnectDelay: 1_000, maxReconnectDelay: 30_000, maxReconnectAttempts: Infinity, token: null };
 */
export interface WebSocketConnectionConfig {
  readonly url: string;
  readonly protocols: readonly string[];
  readonly pingInterval: number;
  readonly pongTimeout: number;
  readonly reconnectDelay: number;
  readonly maxReconnectDelay: number;
  readonly maxReconnectAttempts: number;
  readonly token: WebSocketTokenProvider | null;
}

/**
 * Where a {@link WebSocketConnection} stands, and why.
 *
 * @example
 * connection.status$.subscribe(({ state, error }) => console.log(state, error?.message));
 */
export interface WebSocketStatus {
  readonly state: WebSocketState;
  /** Reconnect attempts in a row; 0 once connected. */
  readonly attempt: number;
  /** Why it is not connected (the close, the server's auth answer, giving up), or `null`. */
  readonly error: OfflineSyncError | null;
  /** Delay before the next reconnect, while one is scheduled. */
  readonly retryInMs: number | null;
}

/**
 * What a {@link WebSocketConnection} needs from outside: its config, time and randomness (so tests
 * run on virtual time), and optionally the `WebSocket` class (a fake in unit specs).
 *
 * @example
 * new WebSocketConnection({ config: () => config, scheduler: asyncScheduler, random: Math.random });
 */
export interface WebSocketConnectionDeps {
  readonly config: () => WebSocketConnectionConfig;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  readonly WebSocketCtor?: new (url: string, protocols?: string | string[]) => WebSocket;
}

/**
 * One WebSocket to the sync server (RxJS `webSocket` underneath) that stays open while wanted:
 * authenticates after every (re)connect (`{type:'auth', token}` from the token provider, or the
 * payload given to `authenticate()`), re-subscribes every channel, pings, and reconnects with
 * exponential backoff and jitter. It never reconnects after refused credentials or `close()`, and
 * waits for `setOnline(true)` while the network is gone. An expired token (`auth_error` code
 * `token_expired`, or close 4401 with reason `token expired`) is not refused credentials: it
 * reconnects with backoff and asks the token provider for a fresh one. `ready$` fires once per (re)connect,
 * after the channels were acknowledged: the moment to pull what was missed meanwhile.
 *
 * @example
 * const connection = new WebSocketConnection({ config: () => config, scheduler: asyncScheduler, random: Math.random });
 * connection.ready$.subscribe(() => void engine.sync());
 * connection.subscribe('todos');
 * connection.connect();
 */
export class WebSocketConnection {
  private readonly status = new BehaviorSubject<WebSocketStatus>({
    state: 'disconnected',
    attempt: 0,
    error: null,
    retryInMs: null,
  });
  private readonly incoming = new Subject<WebSocketMessage>();
  private readonly ready = new Subject<void>();
  private readonly problems = new Subject<OfflineSyncError>();
  private readonly channels = new Map<string, WebSocketChannelParams | undefined>();

  /** The state now, then every change. */
  readonly status$: Observable<WebSocketStatus> = this.status.asObservable();
  /** Every message the server sends, after the connection handled its own. */
  readonly messages$: Observable<WebSocketMessage> = this.incoming.asObservable();
  /** Once per (re)connect, after authentication and the channels' answers. */
  readonly ready$: Observable<void> = this.ready.asObservable();
  /** Frames that could not be read and channels the server refused; the connection carries on. */
  readonly problems$: Observable<OfflineSyncError> = this.problems.asObservable();

  private wanted = false;
  /** Out of reconnect attempts: the network coming back tries again. */
  private gaveUp = false;
  private online = true;
  private socket: WebSocketSubject<unknown> | null = null;
  private generation = 0;
  private authenticated = false;
  private attempt = 0;
  private authPayload: Readonly<Record<string, unknown>> | null = null;
  /** Timers of the current socket (ping, pong and auth deadlines) or of the pending reconnect. */
  private timers = new Subscription();

  constructor(private readonly deps: WebSocketConnectionDeps) {}

  /** The current state. */
  get state(): WebSocketState {
    return this.status.value.state;
  }

  /** Opens the connection (again, after an auth failure or giving up); no-op while open. */
  connect(): void {
    this.wanted = true;
    this.gaveUp = false;
    this.attempt = 0;
    if (this.socket) return;
    this.openSocket('connecting');
  }

  /** Closes the connection and stays closed until `connect()`. Forgets `authenticate()`'s payload. */
  close(): void {
    this.wanted = false;
    this.gaveUp = false;
    this.authPayload = null;
    this.dropSocket();
    this.setStatus({ state: 'disconnected', attempt: 0, error: null, retryInMs: null });
  }

  /** Told by the network status: offline drops the socket; back online reconnects at once. */
  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    if (online && this.gaveUp) {
      this.gaveUp = false;
      this.wanted = true;
    }
    if (!this.wanted) return;
    if (!online) {
      this.dropSocket();
      this.setStatus({
        state: 'reconnecting',
        attempt: this.attempt,
        error: null,
        retryInMs: null,
      });
    } else if (!this.socket) {
      this.attempt = 0;
      this.openSocket('reconnecting');
    }
  }

  /**
   * Sends a message. Throws a `network` error when not connected, a `config` error for a message
   * that is not JSON, and a `rejected` error for one longer than {@link MAX_MESSAGE_CHARS}: thrown
   * to the caller rather than left to the socket, where either would end the connection.
   */
  send(message: WebSocketMessage): void {
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      throw new OfflineSyncError(
        'config',
        `The "${String(message?.type)}" message cannot be sent: it is not JSON (${errorText(error)}).`
      );
    }
    if (text.length > MAX_MESSAGE_CHARS) {
      throw new OfflineSyncError(
        'rejected',
        `The "${message.type}" message is ${text.length} characters long; servers close the ` +
          `connection on frames that large (over ${MAX_MESSAGE_CHARS}). Send it in parts.`
      );
    }
    if (!this.socket || !this.authenticated) {
      throw new OfflineSyncError(
        'network',
        `The WebSocket is ${this.state}, so "${message.type}" cannot be sent now. Wait for ` +
          `selectWebSocketState to be 'connected' (or call connectWebSocket()).`
      );
    }
    this.socket.next(text);
  }

  /**
   * Sends `message` and resolves with the first message of `replyType` carrying the same
   * `requestId`; rejects with a `network` error when the connection drops first, `timeout` after
   * `timeoutMs` (`Infinity`: no limit).
   */
  request(
    message: WebSocketMessage,
    replyType: string,
    timeoutMs: number
  ): Promise<WebSocketMessage> {
    const id = message['requestId'];
    const reply = this.incoming.pipe(filter((m) => m.type === replyType && m['requestId'] === id));
    const dropped = this.status.pipe(
      filter(({ state }) => state !== 'connected'),
      map(({ error }) => {
        throw new OfflineSyncError(
          'network',
          `The WebSocket closed before the answer to "${message.type}" came` +
            (error ? ` (${error.message})` : '')
        );
      })
    );
    const late = Number.isFinite(timeoutMs)
      ? timer(timeoutMs, this.deps.scheduler).pipe(
          map(() => {
            throw new OfflineSyncError(
              'timeout',
              `No answer to "${message.type}" in ${timeoutMs} ms`
            );
          })
        )
      : NEVER;
    // Sent first: a message that cannot be sent throws before anything waits for an answer, and
    // the answer can only come in a later task.
    this.send(message);
    return firstValueFrom(merge(reply, dropped, late).pipe(take(1)));
  }

  /**
   * Subscribes a channel now (when connected) and after every reconnect; resolves when the server
   * confirms (at once when not connected), rejects when it refuses. Again for the same channel
   * replaces its params.
   */
  subscribe(channel: string, params?: WebSocketChannelParams): Promise<void> {
    this.channels.set(channel, params);
    return this.authenticated ? this.sendSubscribe(channel, params) : Promise.resolve();
  }

  /** Stops a channel's events, now and after reconnects. */
  unsubscribe(channel: string): void {
    if (!this.channels.delete(channel) || !this.authenticated) return;
    this.write({ type: 'unsubscribe', channel });
  }

  /**
   * Authenticates with `payload` (sent as `{type: 'auth', ...payload}`), now when connected and at
   * every reconnect instead of the token provider; resolves on `auth_ok`, rejects with an `auth`
   * error on `auth_error` (the server then closes the connection). Not connected: kept for the
   * next connect, and resolves at once.
   */
  async authenticate(payload: Readonly<Record<string, unknown>>): Promise<void> {
    this.authPayload = payload;
    if (this.socket && !this.authenticated) {
      // The attempt under way may have sent the old credentials: start it again with these.
      this.dropSocket();
      this.openSocket(this.state === 'reconnecting' ? 'reconnecting' : 'connecting');
      const outcome = await firstValueFrom(
        this.status.pipe(filter(({ state }) => state === 'connected' || state === 'disconnected'))
      );
      if (outcome.state === 'connected') return;
      throw outcome.error ?? new OfflineSyncError('network', 'The WebSocket was closed meanwhile');
    }
    if (!this.socket) return;
    const accepted = firstValueFrom(
      merge(
        this.incoming.pipe(
          filter((m) => m.type === 'auth_ok' || m.type === 'auth_error'),
          map((m) => m.type === 'auth_ok')
        ),
        // An auth_error closes the connection before it is passed on; so does a dropped socket.
        this.status.pipe(
          filter(({ state }) => state !== 'connected'),
          map(() => false)
        )
      ).pipe(take(1))
    );
    this.write({ type: 'auth', ...payload });
    if (await accepted) return;
    throw (
      this.status.value.error ??
      new OfflineSyncError('network', 'The WebSocket closed before the server answered the auth')
    );
  }

  /** Sends one of the connection's own messages on the current socket, if there is one. */
  private write(message: WebSocketMessage): void {
    this.socket?.next(JSON.stringify(message));
  }

  private openSocket(state: 'connecting' | 'reconnecting'): void {
    this.timers.unsubscribe();
    this.timers = new Subscription();
    const config = this.deps.config();
    const generation = ++this.generation;
    this.authenticated = false;
    this.setStatus({
      state,
      attempt: this.attempt,
      error: this.status.value.error,
      retryInMs: null,
    });
    const socket = webSocket<unknown>({
      url: config.url,
      ...(config.protocols.length > 0 ? { protocol: [...config.protocols] } : {}),
      ...(this.deps.WebSocketCtor ? { WebSocketCtor: this.deps.WebSocketCtor } : {}),
      // Messages are serialized once, by send() and write().
      serializer: (text) => text as string,
      deserializer: (event) => event.data as unknown,
      openObserver: { next: () => void this.opened(generation, config) },
      closeObserver: { next: (event) => this.closed(generation, event.code, event.reason) },
    });
    this.socket = socket;
    socket.subscribe({
      next: (frame) => this.received(generation, frame),
      error: (error: unknown) => {
        // A failed socket reports an `error` event, then its close (handled above). Anything
        // else (a malformed URL throws from the constructor) will not be better on a retry.
        if (isEvent(error)) return;
        this.closed(generation, null, error instanceof Error ? error.message : String(error));
      },
    });
  }

  private async opened(generation: number, config: WebSocketConnectionConfig): Promise<void> {
    // One deadline for the token provider and the server's auth_ok.
    this.timers.add(
      this.deps.scheduler.schedule(() => {
        if (generation === this.generation && !this.authenticated) {
          this.lost(
            new OfflineSyncError('timeout', `Not authenticated in ${config.pongTimeout} ms`)
          );
        }
      }, config.pongTimeout)
    );
    let payload: Readonly<Record<string, unknown>> | null = this.authPayload;
    if (!payload && config.token) {
      try {
        const token = await config.token();
        payload = token ? { token } : null;
      } catch (error) {
        // Often passing (a refresh during a network blip): retried with backoff.
        if (generation === this.generation) {
          this.lost(
            new OfflineSyncError(
              'auth',
              `The WebSocket token provider failed: ${errorText(error)}`,
              {
                cause: error,
              }
            )
          );
        }
        return;
      }
    }
    if (generation !== this.generation) return;
    if (!payload) {
      void this.authenticatedOk(generation, config);
      return;
    }
    this.write({ type: 'auth', ...payload });
  }

  private received(generation: number, frame: unknown): void {
    if (generation !== this.generation) return;
    const message = readWebSocketMessage(frame);
    if (typeof message === 'string') {
      this.problems.next(
        new OfflineSyncError(
          'invalid-response',
          `A WebSocket message from the server could not be read (${message}); it was ignored. ` +
            'Every frame must be a JSON text object with a string "type" (docs/protocol.md, WebSocket).'
        )
      );
      return;
    }
    if (message.type === 'auth_ok' && !this.authenticated) {
      void this.authenticatedOk(generation, this.deps.config());
    } else if (message.type === 'auth_ok') {
      // Authenticated again (another user, say): the server dropped the old subscriptions.
      void this.resubscribe(generation);
    } else if (message.type === 'auth_error' && isTokenExpired(message)) {
      this.tokenExpired(serverErrorText(message));
    } else if (message.type === 'auth_error') {
      this.authFailed(
        new OfflineSyncError(
          'auth',
          `The WebSocket server refused the credentials (${serverErrorText(message)}). ` +
            'It will not reconnect by itself: sign in again, then call connectWebSocket().'
        )
      );
    }
    this.incoming.next(message);
  }

  private async authenticatedOk(
    generation: number,
    config: WebSocketConnectionConfig
  ): Promise<void> {
    this.authenticated = true;
    // `attempt` is reset by the first pong: a server that accepts and then drops at once (a
    // crash loop, a rate limit) keeps the backoff growing.
    this.setStatus({ state: 'connected', attempt: 0, error: null, retryInMs: null });
    this.startPings(generation, config);
    await this.resubscribe(generation);
  }

  private async resubscribe(generation: number): Promise<void> {
    const answers = await Promise.all(
      [...this.channels].map(([channel, params]) =>
        this.sendSubscribe(channel, params).then(
          () => 'ok',
          (error: unknown) => error
        )
      )
    );
    if (generation !== this.generation || !this.authenticated) return;
    // Pulling before a subscription is active could miss the writes in between: try again.
    const silent = answers.find((a) => a instanceof OfflineSyncError && a.kind === 'timeout');
    if (silent) this.lost(silent as OfflineSyncError);
    else this.ready.next();
  }

  private async sendSubscribe(channel: string, params?: WebSocketChannelParams): Promise<void> {
    const { pongTimeout } = this.deps.config();
    const answer = firstValueFrom(
      merge(
        this.incoming.pipe(
          filter(
            (m) =>
              (m.type === 'subscribed' || m.type === 'subscribe_error') && m['channel'] === channel
          )
        ),
        this.status.pipe(filter(({ state }) => state !== 'connected')),
        timer(pongTimeout, this.deps.scheduler).pipe(map(() => 'timeout' as const))
      ).pipe(take(1))
    );
    this.write(subscribeMessage(channel, params));
    const reply = await answer;
    if (reply === 'timeout') {
      throw new OfflineSyncError(
        'timeout',
        `The server did not confirm the subscription to channel "${channel}" in ${pongTimeout} ms`
      );
    }
    if ('type' in reply && reply.type === 'subscribe_error') {
      const error = new OfflineSyncError(
        'rejected',
        `The server refused the subscription to channel "${channel}" (${serverErrorText(reply)}). ` +
          'Check the channel name (a collection the user may read) and its params.'
      );
      this.problems.next(error);
      throw error;
    }
  }

  private startPings(generation: number, config: WebSocketConnectionConfig): void {
    let waiting: Subscription | null = null;
    this.timers.add(
      this.incoming.pipe(filter((m) => m.type === 'pong')).subscribe(() => {
        this.attempt = 0;
        waiting?.unsubscribe();
        waiting = null;
      })
    );
    this.timers.add(
      timer(config.pingInterval, config.pingInterval, this.deps.scheduler).subscribe(() => {
        if (generation !== this.generation || waiting) return;
        this.write({ type: 'ping' });
        waiting = this.deps.scheduler.schedule(() => {
          this.lost(new OfflineSyncError('timeout', `No pong in ${config.pongTimeout} ms`));
        }, config.pongTimeout);
        this.timers.add(waiting);
      })
    );
  }

  private closed(generation: number, code: number | null, reason: string): void {
    if (generation !== this.generation) return;
    if (code === null) {
      this.wanted = false;
      this.dropSocket();
      const error = new OfflineSyncError('config', `The WebSocket could not be opened: ${reason}`);
      this.setStatus({ state: 'disconnected', attempt: 0, error, retryInMs: null });
      return;
    }
    if (code === TOKEN_EXPIRED_CLOSE && /^token[ _]expired$/i.test(reason)) {
      this.tokenExpired(closeProblem(code, reason));
      return;
    }
    if (isAuthClose(code)) {
      // Closed without an auth_error first (that one would have been handled already): the close
      // says why; an error shown from an earlier connection says nothing about this one.
      this.authFailed(
        new OfflineSyncError(
          'auth',
          `${closeProblem(code, reason)}. It will not reconnect by itself: sign in again, then ` +
            'call connectWebSocket().'
        )
      );
      return;
    }
    this.lost(new OfflineSyncError('network', closeProblem(code, reason)));
  }

  /** The connection is gone for a reason that may pass: reconnect with backoff while wanted. */
  private lost(error: OfflineSyncError): void {
    this.dropSocket();
    if (!this.wanted) {
      this.setStatus({ state: 'disconnected', attempt: 0, error: null, retryInMs: null });
      return;
    }
    if (!this.online) {
      this.setStatus({ state: 'reconnecting', attempt: this.attempt, error, retryInMs: null });
      return;
    }
    const { reconnectDelay, maxReconnectDelay, maxReconnectAttempts } = this.deps.config();
    this.attempt++;
    if (this.attempt > maxReconnectAttempts) {
      this.wanted = false;
      this.gaveUp = true;
      const gaveUp = new OfflineSyncError(
        error.kind,
        `${error.message}; gave up after ${maxReconnectAttempts} reconnect attempts. ` +
          'It reconnects when the network comes back, or call connectWebSocket().',
        { cause: error }
      );
      this.setStatus({
        state: 'disconnected',
        attempt: this.attempt - 1,
        error: gaveUp,
        retryInMs: null,
      });
      return;
    }
    const policy = {
      initialDelay: reconnectDelay,
      maxDelay: maxReconnectDelay,
      multiplier: 2,
      maxAttempts: Infinity,
    };
    const delay = retryDelay(this.attempt, policy, this.deps.random());
    this.setStatus({ state: 'reconnecting', attempt: this.attempt, error, retryInMs: delay });
    this.timers.add(this.deps.scheduler.schedule(() => this.openSocket('reconnecting'), delay));
  }

  /**
   * The server's clock passed the token's expiry. The token was good until then, so a fresh one
   * from the provider gets back in: reconnect with backoff like after a drop (a provider that
   * keeps giving the expired token makes the delays grow, never a tight loop). Credentials given
   * to `authenticate()` are not sent again; without a provider nothing fresh can be had.
   */
  private tokenExpired(detail: string): void {
    this.authPayload = null;
    if (!this.deps.config().token) {
      this.authFailed(
        new OfflineSyncError(
          'auth',
          `The WebSocket token expired (${detail}). Call authenticate() with fresh credentials, ` +
            'or give withWebSocket() a token provider so the kit can ask for a fresh token.'
        )
      );
      return;
    }
    this.lost(
      new OfflineSyncError(
        'auth',
        `The WebSocket token expired (${detail}); reconnecting with a fresh token from the token provider.`
      )
    );
  }

  private authFailed(error: OfflineSyncError): void {
    this.wanted = false;
    this.gaveUp = false;
    // Refused credentials are not sent again: the next connect() asks the token provider.
    this.authPayload = null;
    this.dropSocket();
    this.setStatus({ state: 'disconnected', attempt: 0, error, retryInMs: null });
  }

  /** Forgets the socket and its timers; late events of it are ignored (the generation moved on). */
  private dropSocket(): void {
    this.generation++;
    this.authenticated = false;
    this.timers.unsubscribe();
    this.timers = new Subscription();
    const socket = this.socket;
    this.socket = null;
    socket?.unsubscribe();
  }

  private setStatus(status: WebSocketStatus): void {
    const now = this.status.value;
    const same =
      now.state === status.state &&
      now.attempt === status.attempt &&
      now.error === status.error &&
      now.retryInMs === status.retryInMs;
    if (!same) this.status.next(status);
  }
}

/** The close code of refused and of expired credentials (docs/protocol.md, WebSocket). */
const TOKEN_EXPIRED_CLOSE = 4401;

/** An `auth_error` whose code says the token was valid and has expired. */
function isTokenExpired(message: WebSocketMessage): boolean {
  const error = message['error'];
  return typeof error === 'object' && error !== null && 'code' in error
    ? error.code === 'token_expired'
    : false;
}

function isEvent(value: unknown): boolean {
  return typeof Event !== 'undefined' && value instanceof Event;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
