import { Todo } from '../../testing-support/test-entities';
import {
  clearFaults,
  faultLog,
  restartSyncServer,
  syncServer,
  uniqueCollection,
} from '../../testing-support/sync-server-under-test';
import { eventually } from '../../testing-support/test-database';
import {
  afterAWhile,
  Device,
  DeviceOptions,
  Devices,
  serverRecord,
} from '../../testing-support/two-devices';
import { SyncEventMapper } from '../transport/sync-event-mapper';
import { WebSocketMessage } from '../transport/web-socket-messages';
import { SYNC_RANDOM } from '../providers/tokens';
import { webSocketUrl } from '../providers/with-web-socket';
import { defineSyncEntity, SyncEntityDefinition } from '../state/define-sync-entity';
import { OfflineSyncError } from '../model/sync-error';
import { SyncEvent } from '../model/sync-event';
import { RealtimeChanges } from './realtime-changes';
import { SyncEngine } from './sync-engine';
import { SyncStorage } from '../storage/sync-storage';

/** Real-time sync through the reference server's real WebSocket, between separate apps. */
describe('real-time sync over the WebSocket', () => {
  let endpoint: string;
  let TodoSync: SyncEntityDefinition<Todo>;
  let devices: Devices<Todo>;

  beforeEach(() => {
    endpoint = uniqueCollection('todos');
    TodoSync = defineSyncEntity<Todo>({ modelType: 'todo', endpoint });
    devices = new Devices(TodoSync);
  });

  afterEach(async () => {
    await devices.cleanup();
    await clearFaults();
  });

  /** A device with the WebSocket, connected (and caught up) before it is returned. */
  async function live(name: string, options: DeviceOptions = {}): Promise<Device<Todo>> {
    const device = await devices.start(name, { webSocket: {}, ...options });
    await eventually(() => device.sync.isWebSocketConnected(), `${name} connected`);
    await device.sync.syncAll();
    return device;
  }

  /** Change messages a device receives, as the server sent them. */
  function changesSeenBy(device: Device<Todo>): WebSocketMessage[] {
    const seen: WebSocketMessage[] = [];
    device.sync.registerMessageHandler('change', (message) => seen.push(message));
    return seen;
  }

  it("puts A's create, update and delete into B's store, with no polling", async () => {
    const a = await live('a');
    const b = await live('b', {
      sync: { serverUrl: syncServer().proxyUrl },
      webSocket: { serverUrl: webSocketUrl(syncServer().url) },
    });
    const events: SyncEvent[] = [];
    b.sync.syncEvents$.subscribe((event) => events.push(event));

    await a.sync.saveModel<Todo>('todo', { id: 't1', title: 'Milk', done: false });
    await eventually(() => b.record('t1')?.title === 'Milk', 'B has the new todo');

    await clearFaults(); // from here on, the proxy logs every HTTP request B makes
    await a.sync.updateModel<Todo>('todo', 't1', { done: true });
    await eventually(() => b.record('t1')?.done === true, 'B has the update');
    expect(await faultLog()).toEqual([]);
    await a.sync.deleteModel('todo', 't1');
    await eventually(() => b.record('t1') === undefined, 'B has the delete');
    // A deletion is followed by a pull of the feed (a pull under way must not bring it back).
    const requests = await faultLog();
    expect(
      requests.every((r) => r.method === 'GET' && r.path.startsWith(`/${endpoint}?`))
    ).toBeTrue();

    // The new record was fetched by id; the update and delete came from the events themselves.
    const fromServer = events.filter((e) => e.source === 'server').map((e) => e.type);
    expect(fromServer).toEqual(['modelUpdated', 'modelDeleted']);
    expect(b.sync.currentStatus().webSocket).toBe('connected');
  });

  it('pushes local writes with no pull after them while the socket brings the changes', async () => {
    const a = await live('a', {
      sync: { serverUrl: syncServer().proxyUrl },
      webSocket: { serverUrl: webSocketUrl(syncServer().url) },
    });
    await clearFaults(); // from here on, the proxy logs every HTTP request A makes
    await a.sync.saveModel<Todo>('todo', { id: 't1', title: 'Milk', done: false });
    await eventually(() => {
      const status = a.sync.currentStatus();
      return status.pendingChanges === 0 && !status.isSyncing;
    }, 'A pushed');
    const afterWrite = await faultLog();
    expect(afterWrite.map((r) => r.method)).toEqual(['POST']);

    await a.sync.syncAll(); // an explicit sync still pulls
    expect((await faultLog()).some((r) => r.method === 'GET')).toBeTrue();
  });

  it('reconnects after a server restart, subscribes again and pulls what it missed', async () => {
    const a = await live('a');
    // B waits its full reconnect delay, so A's writes below happen while B is disconnected.
    const b = await live('b', {
      webSocket: { reconnectDelay: 1_500 },
      providers: [{ provide: SYNC_RANDOM, useValue: () => 1 }],
    });
    await a.sync.saveModel<Todo>('todo', { id: 't1', title: 'before', done: false });
    await eventually(() => b.record('t1')?.title === 'before', 'B has the first todo');

    await restartSyncServer();
    expect(b.sync.webSocketState()).not.toBe('connected');
    await a.sync.saveModel<Todo>('todo', { id: 't2', title: 'while away', done: false });
    await a.sync.updateModel<Todo>('todo', 't1', { title: 'changed while away' });
    await a.sync.syncAll();

    // Its reconnect may meet the server still starting, and then wait a longer delay.
    await eventually(() => b.sync.isWebSocketConnected(), 'B reconnected', 2_000);
    await eventually(() => b.record('t2')?.title === 'while away', 'B caught up on t2');
    await eventually(() => b.record('t1')?.title === 'changed while away', 'B caught up on t1');
    // The channel is subscribed again: a change after the reconnect arrives on its own.
    await eventually(() => a.sync.isWebSocketConnected(), 'A reconnected', 2_000);
    await a.sync.updateModel<Todo>('todo', 't2', { done: true });
    await eventually(() => b.record('t2')?.done === true, 'B got the later change');
  });

  it('delivers nothing of a channel the client did not subscribe to', async () => {
    const other = uniqueCollection('notes');
    const a = await live('a');
    const b = await live('b', { webSocket: { channels: [other] } });
    const seen = changesSeenBy(b);

    await a.sync.saveModel<Todo>('todo', { id: 't1', title: 'not for B', done: false });
    // A marker written after it, on the channel B does subscribe to: once it is in, the todo's
    // event would have been too.
    await fetch(`${syncServer().url}/${other}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'marker', text: 'after' }),
    });
    await eventually(() => seen.some((m) => m['id'] === 'marker'), 'B got the marker');
    expect(seen.map((m) => m['channel'])).toEqual([other]);
    expect(b.record('t1')).toBeUndefined();
  });

  it("never delivers another user's records, on the secured server", async () => {
    const securedUrl = requireUrl(syncServer().securedUrl);
    const as = (user: string): DeviceOptions => ({
      sync: { serverUrl: securedUrl },
      bearerToken: `${user}-token`,
      webSocket: { token: () => `${user}-token` },
    });
    const alice = await live('alice', as('alice'));
    const bob = await live('bob', as('bob'));
    const seenByBob = changesSeenBy(bob);

    await alice.sync.saveModel<Todo>('todo', { id: 'a1', title: "alice's", done: false });
    await bob.sync.saveModel<Todo>('todo', { id: 'b1', title: "bob's", done: false });
    await bob.sync.syncAll();
    await eventually(() => seenByBob.some((m) => m['id'] === 'b1'), 'bob got his own change');
    expect(seenByBob.map((m) => m['id'])).toEqual(['b1']);
    expect(bob.record('a1')).toBeUndefined();
  });

  it('does not reconnect after an auth failure, and asks for a token again on connect', async () => {
    const securedUrl = requireUrl(syncServer().securedUrl);
    let token = 'wrong-token';
    const tokenProvider = jasmine.createSpy('token').and.callFake(() => token);
    const device = await devices.start('d', {
      sync: { serverUrl: securedUrl },
      bearerToken: 'alice-token',
      webSocket: { token: tokenProvider, reconnectDelay: 50, maxReconnectDelay: 100 },
    });
    // Asked for a token, so the socket opened; disconnected after that is the refusal.
    await eventually(
      () => tokenProvider.calls.count() === 1 && device.sync.webSocketState() === 'disconnected',
      'the refusal'
    );
    await afterAWhile(); // many reconnect delays long
    expect(tokenProvider).toHaveBeenCalledTimes(1);
    expect(device.sync.webSocketState()).toBe('disconnected');

    token = 'alice-token';
    await device.sync.connectWebSocket();
    expect(tokenProvider).toHaveBeenCalledTimes(2);
    expect(device.sync.isWebSocketConnected()).toBeTrue();
  });

  it('rejects connectWebSocket() with a typed auth error when the token is refused', async () => {
    const device = await devices.start('d', {
      sync: { serverUrl: requireUrl(syncServer().securedUrl) },
      webSocket: { token: () => 'nobody', autoConnect: false },
    });
    const error = await device.sync.connectWebSocket().then(
      () => null,
      (e: unknown) => e
    );
    expect(error).toEqual(jasmine.any(OfflineSyncError));
    expect((error as OfflineSyncError).kind).toBe('auth');
    expect((error as OfflineSyncError).message).toContain('connectWebSocket()');
  });

  it('maps custom event names both ways through SyncEventMapper', async () => {
    const renamedUrl = requireUrl(syncServer().renamedUrl);
    const eventMapper = new SyncEventMapper({
      eventNameToType: {
        'record.created': 'modelAdded',
        'record.changed': 'modelUpdated',
        'record.removed': 'modelDeleted',
      },
    });
    const options: DeviceOptions = { sync: { serverUrl: renamedUrl }, webSocket: { eventMapper } };
    const a = await live('a', options);
    const b = await live('b', options);
    await a.sync.saveModel<Todo>('todo', { id: 't1', title: 'Milk', done: false });
    await eventually(() => b.record('t1')?.title === 'Milk', 'B has the todo');
    await a.sync.updateModel<Todo>('todo', 't1', { title: 'Oat milk' });
    await eventually(() => b.record('t1')?.title === 'Oat milk', 'B has the update');
    await a.sync.deleteModel('todo', 't1');
    await eventually(() => b.record('t1') === undefined, 'B has the delete');

    const echoes: WebSocketMessage[] = [];
    b.sync.registerMessageHandler('echo', (message) => echoes.push(message));
    b.sync.sendWebSocketMessage({ type: 'notify', event: 'modelUpdated', id: 't1' });
    await eventually(() => echoes.length === 1, 'the server echoed the message');
    expect(echoes[0]?.['message']).toEqual({ type: 'notify', event: 'record.changed', id: 't1' });
  });

  it('pushes over the socket when asked, with the same results as HTTP', async () => {
    const a = await live('a', {
      sync: { serverUrl: syncServer().proxyUrl },
      webSocket: { serverUrl: webSocketUrl(syncServer().url), pushOverWebSocket: true },
    });
    await clearFaults();
    await a.sync.saveModel<Todo>('todo', { id: 't1', title: 'Milk', done: false });
    await a.sync.updateModel<Todo>('todo', 't1', { done: true });
    await a.settled();
    expect(await serverRecord(endpoint, 't1')).toEqual(
      jasmine.objectContaining({ title: 'Milk', done: true, version: jasmine.any(Number) })
    );
    expect(a.record('t1')).toEqual(jasmine.objectContaining({ done: true }));
    const writes = (await faultLog()).filter((r) => r.method !== 'GET');
    expect(writes).toEqual([]);
  });

  it('ignores duplicated and out-of-order events, and pulls records it does not hold', async () => {
    const a = await live('a');
    const b = await live('b');
    await a.sync.saveModel<Todo>('todo', { id: 't1', title: 'v1', done: false });
    await a.settled();
    await a.sync.updateModel<Todo>('todo', 't1', { title: 'v2' });
    await a.settled();
    await eventually(() => b.record('t1')?.title === 'v2', 'B has version 2');

    const changes = b.app.injector.get(RealtimeChanges);
    const mapper = new SyncEventMapper();
    const event = (version: number, title: string, id = 't1') => ({
      type: 'change' as const,
      event: 'updated',
      channel: endpoint,
      modelType: endpoint,
      id,
      version,
      data: { id, title, done: false, version },
    });
    await changes.receive(event(1, 'late v1'), mapper);
    await changes.receive(event(2, 'duplicate v2'), mapper);
    expect(b.record('t1')?.title).toBe('v2');

    // An event about a record B does not hold is not stored from the event (the record may have
    // been deleted since): the record is fetched by id; many such records through the feed.
    const engine = b.app.injector.get(SyncEngine);
    const pullMany = spyOn(engine, 'pullMany').and.resolveTo([]);
    const sync = spyOn(engine, 'sync').and.resolveTo();
    const stored = spyOn(b.app.injector.get(SyncStorage), 'applyRealtimeChanges').and.callThrough();
    await changes.receive(event(5, 'from the event only', 'ghost'), mapper);
    expect(b.record('ghost')).toBeUndefined();
    expect(pullMany).toHaveBeenCalledOnceWith('todo', ['ghost']);
    expect(sync).not.toHaveBeenCalled();
    // The store does not hold it: no transaction that would only find it unknown.
    expect(stored).not.toHaveBeenCalled();
    await changes.receive(event(3, 'held: stored from the event', 't1'), mapper);
    expect(stored).toHaveBeenCalledTimes(1);
    expect(b.record('t1')?.title).toBe('held: stored from the event');

    // The first event is stored alone; the 20 queued meanwhile go together, more than 10.
    const many = Array.from({ length: 21 }, (_, i) => event(5, 'many', `ghost-${i}`));
    await Promise.all(many.map((message) => changes.receive(message, mapper)));
    expect(many.every((message) => b.record(message.id) === undefined)).toBeTrue();
    expect(sync).toHaveBeenCalledWith(['todo']);
  });
});

function requireUrl(url: string | undefined): string {
  if (!url) throw new Error('this spec needs the servers started by the Karma run');
  return url;
}
