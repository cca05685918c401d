import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDatabase } from './db/schema';
import { createApp } from './http/app';
import { createNodeServer } from './http/node-server';
import type { ChangeEvent } from './model';
import { resolveOptions, type SyncServerOptions } from './options';
import { SyncEngine } from './sync-engine';
import { WebSocketHub, type WebSocketStats } from './ws/ws-hub';

/** How often expired idempotency keys are swept while the server runs. */
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** How long `close()` lets in-flight requests finish before cutting their connections. */
const SHUTDOWN_GRACE_MS = 5000;

/**
 * A running (or ready to run) sync server. The database is open from creation on;
 * `listen()` binds the socket, `close()` drains requests and closes the database.
 *
 * @example
 * const server = createSyncServer({ dbPath });
 * const { url } = await server.listen();
 * console.log(server.webSocketStats()); // { connections: 0, subscriptions: 0 }
 */
export interface SyncServerHandle {
  /** Binds host and port; resolves once it accepts connections. */
  listen(): Promise<{ port: number; url: string }>;
  /**
   * Stops accepting, closes every WebSocket with 1001, lets in-flight requests finish, closes
   * the database. Idempotent.
   */
  close(): Promise<void>;
  /** The bound port; throws before `listen()` resolved. */
  readonly port: number;
  /** `http://host:port`; throws before `listen()` resolved. */
  readonly url: string;
  /** Calls `listener` after every committed write; returns the unsubscribe function. */
  onChange(listener: (event: ChangeEvent) => void): () => void;
  /** The app as a fetch handler, to serve it in-process or mount it in another server. */
  fetch(request: Request): Promise<Response>;
  /** Open WebSocket connections and their subscriptions; zeros when the endpoint is off. */
  webSocketStats(): WebSocketStats;
}

/**
 * Creates the reference sync server over the SQLite file `dbPath`.
 *
 * @example
 * const server = createSyncServer({ dbPath: '/tmp/sync.sqlite', port: 0 });
 * const { url } = await server.listen(); // http://127.0.0.1:41234
 * await fetch(`${url}/todos`, { method: 'POST', headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ id: 't1', title: 'Milk' }) });
 * await server.close();
 */
export function createSyncServer(options: SyncServerOptions): SyncServerHandle {
  const config = resolveOptions(options);
  const db = openDatabase(config.dbPath);
  const engine = new SyncEngine(db, { now: config.now, logger: config.logger });
  const app = createApp(engine, config);
  const hub = config.webSocket.enabled ? new WebSocketHub(engine, config) : undefined;
  let server: Server | undefined;
  let address: { port: number; url: string } | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;

  const prune = () => {
    const removed = engine.pruneIdempotencyKeys(config.idempotencyRetentionMs);
    if (removed > 0) config.logger.info(`pruned ${removed} expired idempotency keys`);
  };
  const bound = () => {
    if (!address) throw new Error('The sync server is not listening; await listen() first');
    return address;
  };

  return {
    async listen() {
      if (closing) throw new Error('The sync server was closed');
      if (server) throw new Error('The sync server is already listening');
      prune();
      const http = createNodeServer(app.fetch, config.logger);
      if (hub) http.on('upgrade', hub.handleUpgrade);
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.port, config.host, () => {
          http.off('error', reject);
          resolve();
        });
      });
      server = http;
      const { port } = http.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      address = { port, url: `http://${host}:${port}` };
      pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS).unref();
      hub?.start();
      return address;
    },
    close() {
      closing ??= (async () => {
        clearInterval(pruneTimer);
        // WebSockets first: the HTTP server's close would otherwise wait for them.
        await hub?.close();
        if (server?.listening) await stop(server);
        address = undefined;
        db.close();
      })();
      return closing;
    },
    get port() {
      return bound().port;
    },
    get url() {
      return bound().url;
    },
    onChange: (listener) => engine.onChange(listener),
    fetch: async (request) => app.fetch(request),
    webSocketStats: () => hub?.stats() ?? { connections: 0, subscriptions: 0 },
  };
}

/** Stops accepting, drops idle keep-alive sockets, and cuts the rest after the grace time. */
function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    server.close((err) => {
      clearTimeout(force);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
