import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SyncError } from '../errors';
import { createAuthenticator, type AuthenticatedActor } from '../http/auth';
import { answerOnSocket } from '../http/socket-answer';
import type { ChangeEvent } from '../model';
import type { ResolvedOptions } from '../options';
import type { SyncEngine } from '../sync-engine';
import { wantsChange } from './channel-filter';
import { changeFrame } from './change-message';
import { ClientSession, type SessionContext } from './client-session';
import { startHeartbeat } from './heartbeat';
import { createMessageRouter } from './message-router';
import { WS_CLOSE_CODES } from './messages';
import { TokenBucket, type MonotonicClock } from './rate-limiter';
import { SubscriptionRegistry } from './subscriptions';
import { guardSocket, upgradePath } from './upgrade';

/** How long `close()` waits for clients to answer the close frame before cutting them off. */
const CLOSE_GRACE_MS = 2000;

/**
 * A snapshot of the WebSocket endpoint's load.
 *
 * @example
 * const { connections, subscriptions } = server.webSocketStats();
 */
export interface WebSocketStats {
  /** Open connections (upgrades completed, close not yet finished). */
  connections: number;
  /** Subscriptions held by all connections together. */
  subscriptions: number;
}

/**
 * The WebSocket endpoint: takes upgrade requests from the HTTP server, keeps one session per
 * connection, pushes each committed write to the subscribers that may read it, pings clients
 * to find dead ones, and closes everything on shutdown.
 *
 * @example
 * const hub = new WebSocketHub(engine, options);
 * httpServer.on('upgrade', hub.handleUpgrade);
 * hub.start();
 * await hub.close();
 */
export class WebSocketHub {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<ClientSession>();
  private readonly registry: SubscriptionRegistry<ClientSession>;
  private readonly context: Omit<SessionContext, 'limiter'>;
  private readonly authenticate;
  private readonly stopListening: () => void;
  private stopHeartbeat?: () => void;
  private pendingUpgrades = 0;
  private nextId = 1;
  private closing?: Promise<void>;
  private drained?: () => void;

  constructor(
    engine: SyncEngine,
    private readonly options: ResolvedOptions,
    private readonly clock: MonotonicClock = () => performance.now()
  ) {
    const ws = options.webSocket;
    // clientTracking off: the sessions set is the one list of clients.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: ws.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    // ws answers a malformed handshake (no Sec-WebSocket-Key, an unknown version, POST) with
    // a text/html page; with a listener it leaves the answer to us, and every refusal is JSON.
    this.wss.on('wsClientError', (err: Error, socket: Duplex, request: IncomingMessage) => {
      options.logger.info(
        `WS upgrade ${upgradePath(request).slice(0, 200)} refused: ${err.message}`
      );
      // ws checks the method first and names the header it refused in the message; only a
      // refused version is told which versions there are.
      const [status, code, headers]: [number, string, Record<string, string>] =
        request.method !== 'GET'
          ? [405, 'method_not_allowed', { Allow: 'GET' }]
          : err.message.includes('Sec-WebSocket-Version')
            ? [400, 'invalid_request', { 'Sec-WebSocket-Version': '13, 8' }]
            : [400, 'invalid_request', {}];
      answerOnSocket(socket, status, { code, message: err.message }, headers);
    });
    this.authenticate = createAuthenticator(options.auth, options.now);
    this.registry = new SubscriptionRegistry(ws.maxSubscriptions);
    const route = createMessageRouter({
      engine,
      options,
      authenticate: this.authenticate,
      registry: this.registry,
    });
    this.context = {
      route,
      registry: this.registry,
      maxBufferedBytes: ws.maxBufferedBytes,
      maxBacklog: ws.messageBurst,
      rateLimitMessage: `More than ${ws.messagesPerSecond} messages a second (bursts of ${ws.messageBurst})`,
      logger: options.logger,
      now: options.now,
    };
    this.stopListening = engine.onChange((event) => this.publish(event));
  }

  /** Starts the heartbeat. */
  start(): void {
    const { webSocket, logger } = this.options;
    this.stopHeartbeat ??= startHeartbeat(this.sessions, webSocket.heartbeatMs, logger);
  }

  /** The HTTP server's 'upgrade' listener. */
  readonly handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.upgrade(request, socket, head).catch((err: unknown) => {
      this.options.logger.error('WS upgrade failed', err);
      socket.destroy();
    });
  };

  /** Connections and subscriptions right now. */
  stats(): WebSocketStats {
    return { connections: this.sessions.size, subscriptions: this.registry.size };
  }

  /** Closes every connection with 1001 and stops the timers; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopHeartbeat?.();
      this.stopListening();
      for (const session of this.sessions) {
        session.close(WS_CLOSE_CODES.shuttingDown, 'server shutting down');
      }
      await new Promise<void>((resolve) => {
        if (this.sessions.size === 0) return resolve();
        const force = setTimeout(() => {
          for (const session of this.sessions) session.terminate();
        }, CLOSE_GRACE_MS).unref();
        this.drained = () => {
          clearTimeout(force);
          resolve();
        };
      });
      this.wss.close();
    })();
    return this.closing;
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { webSocket: ws, logger } = this.options;
    const path = upgradePath(request);
    const refuse = (status: number, code: string, message: string) => {
      logger.info(`WS upgrade ${path.slice(0, 200)} ${status}`);
      answerOnSocket(socket, status, { code, message });
    };
    if (this.closing) return refuse(503, 'shutting_down', 'The server is shutting down');
    if (path !== ws.path) {
      return refuse(404, 'not_found', `There is no WebSocket endpoint at ${path.slice(0, 100)}`);
    }
    if (this.sessions.size + this.pendingUpgrades >= ws.maxConnections) {
      return refuse(503, 'too_many_connections', 'The server has too many connections');
    }
    // Without server auth everyone is the anonymous actor; with it, an Authorization header
    // on the upgrade (possible outside browsers) authenticates at once.
    let actor: AuthenticatedActor | null = this.options.auth
      ? null
      : { userId: null, scope: '', expiresAt: null };
    const header = request.headers.authorization;
    if (this.options.auth && header !== undefined) {
      const unguard = guardSocket(socket);
      this.pendingUpgrades += 1;
      try {
        actor = await this.authenticate(header);
      } catch (err) {
        if (err instanceof SyncError && err.status === 401) {
          return refuse(401, err.code, err.message);
        }
        logger.error(`WS upgrade ${path} failed`, err);
        return refuse(500, 'internal', 'The server failed to check the token');
      } finally {
        this.pendingUpgrades -= 1;
        unguard();
      }
      if (this.closing) return refuse(503, 'shutting_down', 'The server is shutting down');
    }
    this.wss.handleUpgrade(request, socket, head, (client) => this.attach(client, actor));
  }

  private attach(socket: WebSocket, actor: AuthenticatedActor | null): void {
    const { webSocket: ws, logger } = this.options;
    const limiter = new TokenBucket(ws.messagesPerSecond, ws.messageBurst, this.clock);
    const session = new ClientSession(this.nextId++, socket, actor, { ...this.context, limiter });
    this.sessions.add(session);
    socket.on('message', (data, isBinary) => session.receive(data, isBinary));
    socket.on('pong', () => (session.alive = true));
    // ws reports protocol errors (too big, bad UTF-8) here, then closes by itself.
    socket.on('error', (err) =>
      logger.warn(`WS #${session.id} ${session.userLabel} ${err.message}`)
    );
    socket.once('close', (code) => {
      session.release();
      this.sessions.delete(session);
      logger.info(`WS close #${session.id} ${code} ${session.userLabel}`);
      if (this.sessions.size === 0) this.drained?.();
    });
    logger.info(`WS open #${session.id} ${session.userLabel}`);
    if (!actor) session.expectAuthWithin(ws.authTimeoutMs);
  }

  /** Sends a committed write to every subscriber of its collection that may read it. */
  private publish(event: ChangeEvent): void {
    const subscribers = this.registry.subscribersOf(event.collection);
    if (!subscribers) return;
    const scope = event.userId ?? '';
    let frame: Buffer | undefined;
    for (const [session, filter] of subscribers) {
      if (session.actor?.scope !== scope || !wantsChange(filter, event)) continue;
      // Serialized on the first subscriber that wants it, then shared by all.
      frame ??= changeFrame(event, this.options.webSocket.eventNames);
      session.sendFrame(frame);
    }
  }
}
