import { VirtualTimeScheduler } from 'rxjs';
import { OfflineSyncError } from '../model/sync-error';
import { WebSocketState } from '../model/web-socket-options';
import {
  MAX_MESSAGE_CHARS,
  WebSocketConnection,
  WebSocketConnectionConfig,
} from './web-socket-connection';

/** A WebSocket the spec plays the server of: it opens, answers and closes when told. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason, wasClean: true });
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(message: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  /** The server (or the network) ends the connection. */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason, wasClean: code !== 1006 });
  }

  types(): unknown[] {
    return this.sent.map((m) => m['type']);
  }
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve));

describe('WebSocketConnection', () => {
  let scheduler: VirtualTimeScheduler;
  let config: WebSocketConnectionConfig;
  let token: jasmine.Spy<() => string | null>;
  let connection: WebSocketConnection;
  let states: WebSocketState[];

  /** Runs the virtual clock `ms` forward. */
  function advance(ms: number): void {
    const until = scheduler.frame + ms;
    scheduler.maxFrames = until;
    scheduler.flush();
    // flush() leaves the clock at the last action it ran; time passed all the same.
    scheduler.frame = until;
  }

  function socket(index = FakeSocket.all.length - 1): FakeSocket {
    const found = FakeSocket.all[index];
    if (!found) throw new Error(`no socket ${index}`);
    return found;
  }

  /** Opens the newest socket and answers its auth and subscriptions like the server. */
  async function accept(): Promise<FakeSocket> {
    const current = socket();
    current.open();
    await tick();
    current.receive({ type: 'auth_ok', userId: 'alice' });
    for (const message of current.sent.filter((m) => m['type'] === 'subscribe')) {
      current.receive({ type: 'subscribed', channel: message['channel'], params: {} });
    }
    await tick();
    return current;
  }

  beforeEach(() => {
    FakeSocket.all = [];
    scheduler = new VirtualTimeScheduler();
    token = jasmine.createSpy('token').and.returnValue('alice-token');
    config = {
      url: 'ws://server/ws',
      protocols: [],
      pingInterval: 1_000,
      pongTimeout: 500,
      reconnectDelay: 1_000,
      maxReconnectDelay: 8_000,
      maxReconnectAttempts: Infinity,
      token,
    };
    connection = new WebSocketConnection({
      config: () => config,
      scheduler,
      random: () => 0.5,
      WebSocketCtor: FakeSocket as unknown as typeof WebSocket,
    });
    states = [];
    connection.status$.subscribe(({ state }) => states.push(state));
  });

  afterEach(() => connection.close());

  it('authenticates with the token, subscribes its channels, then reports ready', async () => {
    const ready = jasmine.createSpy('ready');
    connection.ready$.subscribe(ready);
    void connection.subscribe('todos', { ownerId: 'u1' });
    connection.connect();
    const server = await accept();
    expect(server.sent).toEqual([
      { type: 'auth', token: 'alice-token' },
      { type: 'subscribe', channel: 'todos', params: { ownerId: 'u1' } },
    ]);
    expect(ready).toHaveBeenCalledTimes(1);
    expect(states).toEqual(['disconnected', 'connecting', 'connected']);
  });

  it('reconnects with backoff after a drop, asking for the token and subscribing again', async () => {
    const ready = jasmine.createSpy('ready');
    connection.ready$.subscribe(ready);
    void connection.subscribe('todos');
    connection.connect();
    await accept();
    socket().drop(1006);
    expect(connection.state).toBe('reconnecting');
    advance(499); // random 0.5 × 1000 ms
    expect(FakeSocket.all.length).toBe(1);
    advance(1);
    expect(FakeSocket.all.length).toBe(2);
    const again = await accept();
    expect(again.types()).toEqual(['auth', 'subscribe']);
    expect(token).toHaveBeenCalledTimes(2);
    expect(ready).toHaveBeenCalledTimes(2);
    expect(connection.state).toBe('connected');
  });

  it('grows the delay per failed attempt, and gives up after maxReconnectAttempts', async () => {
    config = { ...config, maxReconnectAttempts: 2 };
    connection.connect();
    await accept();
    socket().drop(1006);
    advance(500);
    socket().drop(1006); // attempt 1 failed: the next waits 0.5 × 2000 ms
    advance(999);
    expect(FakeSocket.all.length).toBe(2);
    advance(1);
    expect(FakeSocket.all.length).toBe(3);
    socket().drop(1006);
    expect(connection.state).toBe('disconnected');
    advance(60_000);
    expect(FakeSocket.all.length).toBe(3);
  });

  it('never reconnects after an auth failure; connect() asks for a token again', async () => {
    const statuses: (OfflineSyncError | null)[] = [];
    connection.status$.subscribe(({ error }) => statuses.push(error));
    connection.connect();
    socket().open();
    await tick();
    socket().receive({ type: 'auth_error', error: { code: 'unauthorized', message: 'no' } });
    socket().drop(4401, 'unauthorized');
    expect(connection.state).toBe('disconnected');
    expect(statuses.at(-1)?.kind).toBe('auth');
    advance(60_000);
    expect(FakeSocket.all.length).toBe(1);
    expect(token).toHaveBeenCalledTimes(1);

    connection.connect();
    await accept();
    expect(token).toHaveBeenCalledTimes(2);
    expect(connection.state).toBe('connected');
  });

  it('treats close code 4401 as an auth failure even without auth_error, 4408 as passing', async () => {
    connection.connect();
    await accept();
    socket().drop(4408, 'auth timeout');
    expect(connection.state).toBe('reconnecting');
    advance(500);
    await accept();
    socket().drop(4401, 'unauthorized');
    expect(connection.state).toBe('disconnected');
    advance(60_000);
    expect(FakeSocket.all.length).toBe(2);
  });

  it('reconnects with backoff after its token expired, asking the provider for a fresh one', async () => {
    let error: OfflineSyncError | null = null;
    connection.status$.subscribe((status) => (error = status.error));
    connection.connect();
    await accept();
    token.and.returnValue('fresh-token');
    const expired = { code: 'token_expired', message: 'The token expired at …' };
    socket().receive({ type: 'auth_error', error: expired });
    socket().drop(4401, 'token expired');
    expect(connection.state).toBe('reconnecting');
    expect((error as OfflineSyncError | null)?.message).toMatch(/token expired .*fresh token/);
    advance(499); // random 0.5 × 1000 ms
    expect(FakeSocket.all.length).toBe(1);
    advance(1);
    const again = await accept();
    expect(again.sent[0]).toEqual({ type: 'auth', token: 'fresh-token' });
    expect(token).toHaveBeenCalledTimes(2);
    expect(connection.state).toBe('connected');
  });

  it('says why it stopped when a reconnect after an expiry is refused, not the earlier reason', async () => {
    let error: OfflineSyncError | null = null;
    connection.status$.subscribe((status) => (error = status.error));
    connection.connect();
    await accept();
    socket().drop(4401, 'token expired');
    advance(500);
    socket().open();
    await tick();
    socket().drop(4401, 'unauthorized'); // the fresh token refused, without an auth_error first
    expect(connection.state).toBe('disconnected');
    expect((error as OfflineSyncError | null)?.message).toMatch(/code 4401 .*unauthorized/);
    expect((error as OfflineSyncError | null)?.message).not.toMatch(/reconnecting/);
  });

  it('backs off further while the provider keeps giving an expired token', async () => {
    connection.connect();
    const delays: number[] = [];
    for (let round = 0; round < 3; round++) {
      socket().open();
      await tick();
      // Only the close this time, as a server that sends no auth_error first would.
      socket().drop(4401, 'token_expired');
      expect(connection.state).toBe('reconnecting');
      const before = FakeSocket.all.length;
      let waited = 0;
      while (FakeSocket.all.length === before && waited < 60_000) {
        advance(100);
        waited += 100;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([500, 1_000, 2_000]);
    expect(token).toHaveBeenCalledTimes(3);
  });

  it('stops after an expiry when it has no token provider to ask', async () => {
    config = { ...config, token: null };
    let error: OfflineSyncError | null = null;
    connection.status$.subscribe((status) => (error = status.error));
    await connection.authenticate({ token: 'given-token' }); // kept for the connect
    connection.connect();
    socket().open();
    await tick();
    expect(socket().sent).toEqual([{ type: 'auth', token: 'given-token' }]);
    socket().receive({ type: 'auth_error', error: { code: 'token_expired', message: 'expired' } });
    socket().drop(4401, 'token expired');
    expect(connection.state).toBe('disconnected');
    expect((error as OfflineSyncError | null)?.message).toMatch(/authenticate\(\) with fresh/);
    advance(60_000);
    expect(FakeSocket.all.length).toBe(1);
  });

  it('asks a failing token provider again at the next reconnect', async () => {
    token.and.throwError('refresh failed');
    connection.connect();
    socket().open();
    await tick();
    expect(connection.state).toBe('reconnecting');
    token.and.returnValue('alice-token');
    advance(500);
    await accept();
    expect(connection.state).toBe('connected');
    expect(token).toHaveBeenCalledTimes(2);
  });

  it('reconnects when a subscription is not answered, instead of pulling too early', async () => {
    const ready = jasmine.createSpy('ready');
    connection.ready$.subscribe(ready);
    void connection.subscribe('todos');
    connection.connect();
    socket().open();
    await tick();
    socket().receive({ type: 'auth_ok', userId: 'alice' });
    advance(500);
    await tick();
    expect(ready).not.toHaveBeenCalled();
    expect(connection.state).toBe('reconnecting');
  });

  it('retries after giving up when the network comes back', async () => {
    config = { ...config, maxReconnectAttempts: 0 };
    connection.connect();
    await accept();
    socket().drop(1006);
    expect(connection.state).toBe('disconnected');
    connection.setOnline(false);
    connection.setOnline(true);
    expect(FakeSocket.all.length).toBe(2);
  });

  it('refuses a message that is not JSON without touching the connection', async () => {
    connection.connect();
    await accept();
    expect(() => connection.send({ type: 'big', n: 1n })).toThrowError(/not JSON/);
    const huge = { type: 'huge', text: 'x'.repeat(MAX_MESSAGE_CHARS) };
    expect(() => connection.send(huge)).toThrowError(/Send it in parts/);
    expect(connection.state).toBe('connected');
  });

  it('waits for the network while offline, and reconnects at once when it is back', async () => {
    connection.connect();
    await accept();
    connection.setOnline(false);
    expect(socket().readyState).toBe(3);
    expect(connection.state).toBe('reconnecting');
    advance(60_000);
    expect(FakeSocket.all.length).toBe(1);
    connection.setOnline(true);
    expect(FakeSocket.all.length).toBe(2);
    await accept();
    expect(connection.state).toBe('connected');
  });

  it('pings, and reconnects when no pong comes in time', async () => {
    connection.connect();
    const server = await accept();
    advance(1_000);
    expect(server.types()).toContain('ping');
    server.receive({ type: 'pong' });
    advance(1_000); // a second ping, answered by nothing
    expect(server.types().filter((t) => t === 'ping').length).toBe(2);
    advance(500);
    expect(connection.state).toBe('reconnecting');
  });

  it('stays closed after close(), and rejects a request whose answer never came', async () => {
    connection.connect();
    await accept();
    const answer = connection.request({ type: 'batch', requestId: 'r1' }, 'batch_result', 10_000);
    socket().drop(1001, 'server shutting down');
    await expectAsync(answer).toBeRejectedWith(jasmine.any(OfflineSyncError));
    connection.close();
    advance(60_000);
    expect(FakeSocket.all.length).toBe(1);
    expect(connection.state).toBe('disconnected');
    expect(() => connection.send({ type: 'hello' })).toThrowError(/disconnected/);
  });

  it('reports a frame it cannot read and carries on', async () => {
    const problems: OfflineSyncError[] = [];
    connection.problems$.subscribe((p) => problems.push(p));
    connection.connect();
    const server = await accept();
    server.onmessage?.({ data: '<html>' });
    expect(problems[0]?.kind).toBe('invalid-response');
    expect(connection.state).toBe('connected');
  });
});
