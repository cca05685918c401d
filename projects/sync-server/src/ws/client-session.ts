import { WebSocket, type RawData } from 'ws';
import type { AuthenticatedActor } from '../http/auth';
import type { SyncLogger } from '../logger';
import type { Actor } from '../sync-engine';
import {
  WS_CLOSE_CODES,
  type ClientAppMessage,
  type ServerMessage,
  type WsErrorCode,
} from './messages';
import { parseFrame } from './parse-frame';
import type { TokenBucket } from './rate-limiter';
import type { SubscriptionRegistry } from './subscriptions';
import { TokenExpiry } from './token-expiry';

/** Handles one parsed message of a session; a promise makes the session wait for it. */
export type MessageRoute = (
  session: ClientSession,
  message: ClientAppMessage
) => void | Promise<void>;

/**
 * True for a promise (or any thenable): what an async handler returns.
 *
 * @example
 * const pending = handler(message);
 * if (isThenable(pending)) await pending;
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** What a session needs from the hub that owns it. */
export interface SessionContext {
  route: MessageRoute;
  registry: SubscriptionRegistry<ClientSession>;
  limiter: TokenBucket;
  /** Unsent bytes above which the client counts as not reading, and is dropped. */
  maxBufferedBytes: number;
  /** Messages that may wait while an async handler (auth, `onMessage`) runs. */
  maxBacklog: number;
  /** The `message` of the `rate_limited` error, naming the limits. */
  rateLimitMessage: string;
  logger: SyncLogger;
  /** The server clock tokens expire by (`options.now`). */
  now: () => Date;
}

/**
 * One WebSocket connection: who it is, its rate limit, and the order its messages are handled
 * in. Messages are handled one at a time, in the order they arrived, also when a handler is
 * async: a client may send `auth` and `subscribe` without waiting, and the subscribe then runs
 * as the authenticated user. A token with an expiry closes the connection when it passes,
 * unless a re-auth brought a fresh one. Once closing, it handles and sends nothing more.
 *
 * @example
 * const session = new ClientSession(1, socket, null, context);
 * socket.on('message', (data, isBinary) => session.receive(data, isBinary));
 */
export class ClientSession {
  /** Whether the client answered the last heartbeat ping. */
  alive = true;
  private closing = false;
  private authTimer?: NodeJS.Timeout;
  private readonly backlog: ClientAppMessage[] = [];
  private draining = false;
  private readonly expiry: TokenExpiry;

  constructor(
    readonly id: number,
    private readonly socket: WebSocket,
    /** Who the connection acts for; null until it authenticated. */
    private current: AuthenticatedActor | null,
    private readonly context: SessionContext
  ) {
    this.expiry = new TokenExpiry(context.now);
    if (current) this.watchExpiry(current);
  }

  /** The authenticated actor, or null before a successful auth. */
  get actor(): Actor | null {
    return this.current;
  }

  /** `user=alice`, `user=-` (anonymous) or `user=?` (not authenticated), for log lines. */
  get userLabel(): string {
    return `user=${this.current ? (this.current.userId ?? '-') : '?'}`;
  }

  /** True until the session starts closing. */
  get isOpen(): boolean {
    return !this.closing && this.socket.readyState === WebSocket.OPEN;
  }

  /** Takes an incoming frame: rate limit, then parse, then handle in order. */
  receive(data: RawData, isBinary: boolean): void {
    if (this.closing) return;
    if (!this.context.limiter.take()) {
      const text = this.context.rateLimitMessage;
      return this.fail('error', 'rate_limited', text, WS_CLOSE_CODES.rateLimited);
    }
    const parsed = parseFrame(data, isBinary);
    if (parsed.error !== undefined) {
      return this.fail('error', 'malformed_message', parsed.error, WS_CLOSE_CODES.malformed);
    }
    if (this.backlog.length >= this.context.maxBacklog) {
      const text = 'Too many messages waiting for an answer';
      return this.fail('error', 'rate_limited', text, WS_CLOSE_CODES.rateLimited);
    }
    this.backlog.push(parsed.message);
    if (!this.draining) void this.drain();
  }

  /** Serializes and sends one protocol message. */
  send(message: ServerMessage): void {
    this.sendJson(message);
  }

  /** Serializes and sends any object: the replies of an `onMessage` hook. */
  sendJson(message: object): void {
    if (this.isOpen) this.sendFrame(Buffer.from(JSON.stringify(message)));
  }

  /**
   * Sends a serialized text frame, unless the client has stopped reading: then the unsent
   * bytes would grow with every write on the server, so the connection is dropped instead.
   */
  sendFrame(frame: Buffer): void {
    if (!this.isOpen) return;
    const unsent = this.socket.bufferedAmount;
    if (unsent > this.context.maxBufferedBytes) {
      this.context.logger.warn(
        `WS #${this.id} ${this.userLabel} dropped: ${unsent} bytes unsent, the client does not read`
      );
      return this.terminate();
    }
    this.socket.send(frame, { binary: false });
  }

  /** Sends `{ type, error: { code, message } }`, then closes with `closeCode`. */
  fail(type: 'error' | 'auth_error', code: WsErrorCode, message: string, closeCode: number): void {
    this.send({ type, error: { code, message } });
    this.close(closeCode, code.replace(/_/g, ' '));
  }

  /** Starts the close handshake; the session stops handling and sending at once. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.release();
    this.socket.close(code, reason);
  }

  /** Cuts the connection without a handshake (a dead or stalled client). */
  terminate(): void {
    this.release();
    this.socket.terminate();
  }

  /** Sends a protocol-level ping; the `pong` sets `alive` again. */
  ping(): void {
    if (this.isOpen) this.socket.ping();
  }

  /** Closes with 4408 unless the session authenticated within `ms`. */
  expectAuthWithin(ms: number): void {
    this.authTimer = setTimeout(() => {
      if (this.current) return;
      const text = `No successful auth within ${ms} ms`;
      this.fail('auth_error', 'auth_timeout', text, WS_CLOSE_CODES.authTimeout);
    }, ms).unref();
  }

  /**
   * Makes the session act for `actor` until its token expires (the new token's expiry replaces
   * the old one's). Subscriptions made as someone else are dropped: they were checked against
   * the other user's access.
   */
  authenticate(actor: AuthenticatedActor): void {
    const before = this.current;
    if (before && (before.userId !== actor.userId || before.scope !== actor.scope)) {
      this.context.registry.dropClient(this);
    }
    this.current = actor;
    clearTimeout(this.authTimer);
    this.watchExpiry(actor);
  }

  /** Forgets everything the session holds; called on close (and safe to call twice). */
  release(): void {
    this.closing = true;
    clearTimeout(this.authTimer);
    this.expiry.stop();
    this.backlog.length = 0;
    this.context.registry.dropClient(this);
  }

  private watchExpiry(actor: AuthenticatedActor): void {
    this.expiry.watch(actor.expiresAt, (expiresAt) => {
      const text =
        `The token expired at ${new Date(expiresAt).toISOString()}; send ` +
        "{type:'auth', token} with a fresh token before it expires to keep the connection";
      this.fail('auth_error', 'token_expired', text, WS_CLOSE_CODES.authFailed);
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let next = this.backlog.shift(); next; next = this.backlog.shift()) {
        if (this.closing) return;
        try {
          // Only async handlers are awaited: the others finish within this tick, in order.
          const pending = this.context.route(this, next);
          if (isThenable(pending)) await pending;
        } catch (err) {
          this.context.logger.error(`WS #${this.id} '${next.type.slice(0, 64)}' failed`, err);
          const message = 'The server failed to handle this message';
          this.send({ type: 'error', error: { code: 'internal', message } });
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
