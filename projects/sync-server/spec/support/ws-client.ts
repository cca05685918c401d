import WebSocket from 'ws';
import type { TestServer } from './test-server';

/** How a test socket ended: the close code and reason the client saw. */
export interface Closed {
  code: number;
  reason: string;
}

/** Options of `connect`. */
export interface ConnectInit {
  /** Upgrade path; default '/ws'. */
  path?: string;
  /** Sends `{type:'auth', token}` right after opening and waits for `auth_ok`. */
  token?: string;
  /** Headers of the upgrade request, such as `authorization`. */
  headers?: Record<string, string>;
}

interface Waiter {
  match: (message: any) => boolean;
  resolve: (message: any) => void;
}

/**
 * A real `ws` client that keeps every message it receives, so a spec awaits "the next
 * message" (or the next one of a kind) instead of sleeping. Messages not taken stay queued in
 * arrival order: `next()` without a predicate also proves nothing else arrived before.
 */
export class TestSocket {
  readonly closed: Promise<Closed>;
  /** How many messages this client sent. */
  sentCount = 0;
  private readonly queue: any[] = [];
  private readonly waiters: Waiter[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const message = isBinary ? { binary: data } : JSON.parse(String(data));
      const waiter = this.waiters.find((w) => w.match(message));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      } else {
        this.queue.push(message);
      }
    });
    // Errors (such as the server cutting the connection) also end in 'close'.
    ws.on('error', () => {});
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: String(reason) }))
    );
  }

  /** Sends an object as JSON; a string or Buffer as it is (a Buffer as a binary frame). */
  send(message: unknown): void {
    this.sentCount += 1;
    this.ws.send(
      typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message)
    );
  }

  /** The first queued (or next arriving) message matching `match`; rejects after `timeoutMs`. */
  next(match: (message: any) => boolean = () => true, timeoutMs = 4000): Promise<any> {
    const index = this.queue.findIndex(match);
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`No matching message within ${timeoutMs} ms; queued: ${this.pending()}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The next message of `type`, skipping none: other messages stay queued. */
  nextOf(type: string, timeoutMs?: number): Promise<any> {
    return this.next((m) => m.type === type, timeoutMs);
  }

  /** Sends `message` and waits for the answer of `type`. */
  request(message: Record<string, unknown>, type: string): Promise<any> {
    this.send(message);
    return this.nextOf(type);
  }

  /** Subscribes and waits for `subscribed`. */
  subscribe(channel: string, params?: Record<string, unknown>): Promise<any> {
    return this.request({ type: 'subscribe', channel, params }, 'subscribed');
  }

  /** Takes every queued message, in arrival order: "everything that came". */
  takeAll(): any[] {
    return this.queue.splice(0);
  }

  /** The queued messages, as JSON, for failure messages. */
  pending(): string {
    return JSON.stringify(this.queue).slice(0, 500);
  }

  /** Closes from the client side and waits until the connection is gone. */
  async close(): Promise<Closed> {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) {
      this.ws.close();
    }
    return this.closed;
  }
}

/** The `ws://` URL of a test server's endpoint. */
export function wsUrl(t: TestServer, path = '/ws'): string {
  return t.url.replace(/^http/, 'ws') + path;
}

/** Opens a WebSocket to the test server (and authenticates with `init.token`). */
export async function connect(t: TestServer, init: ConnectInit = {}): Promise<TestSocket> {
  const ws = new WebSocket(wsUrl(t, init.path), { headers: init.headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const socket = new TestSocket(ws);
  if (init.token !== undefined) {
    const answer = await socket.request({ type: 'auth', token: init.token }, 'auth_ok');
    expect(answer.type).toBe('auth_ok');
  }
  return socket;
}

/** Tries an upgrade that the server should refuse; resolves with the HTTP status and body. */
export function refusedUpgrade(
  t: TestServer,
  init: ConnectInit = {}
): Promise<{ status: number; body: any }> {
  const ws = new WebSocket(wsUrl(t, init.path), { headers: init.headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => reject(new Error('The upgrade was accepted')));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += String(chunk)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text && JSON.parse(text) }));
    });
  });
}

/** Resolves once `condition()` holds, checking every 10 ms; rejects after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
