import { provideHttpClient } from '@angular/common/http';
import { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideStore, Store } from '@ngrx/store';
import { VirtualTimeScheduler } from 'rxjs';
import { OfflineSyncService } from '../facade/offline-sync.service';
import { SyncOptions } from '../model/sync-options';
import { provideOfflineSync } from '../providers/provide-offline-sync';
import { SYNC_RANDOM, SYNC_SCHEDULER } from '../providers/tokens';
import { defineSyncEntity, SyncEntityDefinition } from '../state/define-sync-entity';
import { NetworkStatus } from '../transport/network-status';
import { FakeNetworkStatus } from '../../testing-support/fake-sync-backend';
import {
  eventually,
  rawDatabase,
  readRaw,
  uniqueDatabase,
} from '../../testing-support/test-database';
import {
  clearFaults,
  faultLog,
  setFaults,
  syncServer,
  uniqueCollection,
} from '../../testing-support/sync-server-under-test';
import { serverRecords } from '../../testing-support/two-devices';

interface Task {
  id: string;
  title: string;
  done: boolean;
  note?: string;
  details?: Record<string, unknown>;
  version?: number;
}

/** A collection's live records, read straight from the server (not through the proxy). */
async function serverTasks(endpoint: string): Promise<Task[]> {
  return [...(await serverRecords(endpoint)).values()] as unknown as Task[];
}

/** Writes a record on the server as another device would. */
async function serverWrite(
  endpoint: string,
  record: Omit<Task, 'version'>,
  version?: number
): Promise<Task> {
  const answer = await fetch(`${syncServer().url}/${endpoint}${version ? `/${record.id}` : ''}`, {
    method: version ? 'PATCH' : 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(version ? { 'If-Match': `"${version}"` } : {}),
    },
    body: JSON.stringify(record),
  });
  expect(answer.ok)
    .withContext(await answer.clone().text())
    .toBeTrue();
  return (await answer.json()) as Task;
}

describe('sync engine against the reference server', () => {
  let db: ReturnType<typeof uniqueDatabase>;
  let TaskSync: SyncEntityDefinition<Task>;
  let network: FakeNetworkStatus;

  function start(options: SyncOptions = {}, ...overrides: Provider[]) {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideStore(),
        provideOfflineSync({
          databaseName: db.name,
          entities: [TaskSync],
          sync: { serverUrl: syncServer().proxyUrl, syncInterval: 0, pushDebounce: 0, ...options },
        }),
        { provide: NetworkStatus, useValue: network },
        ...overrides,
      ],
    });
    return { sync: TestBed.inject(OfflineSyncService), store: TestBed.inject(Store) };
  }

  const status = () => TestBed.inject(OfflineSyncService).currentStatus();
  const meta = (id: string) =>
    TestBed.inject(Store).selectSignal(TaskSync.selectors.selectMetaById(id))();
  const local = (id: string) =>
    TestBed.inject(Store).selectSignal(TaskSync.selectors.selectById(id))();

  beforeEach(async () => {
    db = uniqueDatabase('integration');
    TaskSync = defineSyncEntity<Task>({ modelType: 'task', endpoint: uniqueCollection('tasks') });
    network = new FakeNetworkStatus();
    network.state.next(false); // each spec decides when the app goes online
    await clearFaults();
  });

  afterEach(async () => {
    TestBed.resetTestingModule();
    await clearFaults();
    await db.cleanup();
  });

  it('pushes 50 writes made offline once online: all on the server, outbox empty, all synced', async () => {
    const { sync } = start({ batchSize: 20 });
    await sync.whenHydrated();
    const saved = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sync.saveModel<Task>('task', { title: `Task ${i}`, done: i % 2 === 0 })
      )
    );
    expect(status().pendingChanges).toBe(50);

    network.state.next(true);
    await eventually(
      () => status().pendingChanges === 0 && status().lastSyncTime !== null,
      'the sync',
      1000
    );
    const onServer = await serverTasks(TaskSync.endpoint);
    expect(onServer.map((t) => t.id).sort()).toEqual(saved.map((t) => t.id).sort());
    expect((await readRaw(db.name)).outbox).toEqual([]);
    for (const task of saved) {
      const server = onServer.find((t) => t.id === task.id);
      expect(meta(task.id)).toEqual(
        jasmine.objectContaining({ state: 'synced', version: server?.version })
      );
    }
  });

  it('applies a create once when its response is lost after the server committed it', async () => {
    const { sync } = start();
    await sync.whenHydrated();
    const task = await sync.saveModel<Task>('task', { title: 'Lost answer', done: false });
    await setFaults([
      { match: { method: 'POST', pathPrefix: `/${TaskSync.endpoint}` }, dropResponse: true },
    ]);
    network.state.next(true);
    await eventually(() => status().nextRetryAt !== null, 'the failed push');
    expect(meta(task.id)?.state).toBe('pending');

    await sync.syncAll(); // any trigger retries at once
    expect(status().pendingChanges).toBe(0);
    const onServer = await serverTasks(TaskSync.endpoint);
    expect(onServer.length).toBe(1);
    expect(onServer[0]).toEqual(jasmine.objectContaining({ id: task.id, version: 1 }));
    const posts = (await faultLog()).filter((entry) => entry.method === 'POST');
    expect(posts.length).toBe(2);
    expect(posts[1]?.status).toBe(201); // the replayed first answer
  });

  it('confirms a create answered without its record by reading the record back', async () => {
    const { sync } = start();
    await sync.whenHydrated();
    const task = await sync.saveModel<Task>('task', { title: 'Answered {}', done: false });
    // The server stores it; its answer reaches the device as an empty object.
    await setFaults([
      {
        match: { method: 'POST', pathPrefix: `/${TaskSync.endpoint}` },
        replaceAnswer: { status: 201, body: {} },
      },
    ]);
    network.state.next(true);
    await sync.syncAll();

    const reads = (await faultLog()).filter((e) => e.method === 'GET' && e.path.includes(task.id));
    expect(reads.length).toBe(1);
    expect((await readRaw(db.name)).outbox).toEqual([]);
    expect(meta(task.id)).toEqual(jasmine.objectContaining({ state: 'synced', version: 1 }));
  });

  it('keeps a create that something answered for without the server, and sends it again', async () => {
    const { sync } = start();
    await sync.whenHydrated();
    const task = await sync.saveModel<Task>('task', { title: 'Never arrived', done: false });
    // A captive portal or a misrouted proxy: 200 with JSON, and the server never saw the create.
    await setFaults([
      {
        match: { method: 'POST', pathPrefix: `/${TaskSync.endpoint}` },
        failWith: { status: 200, body: {} },
      },
    ]);
    network.state.next(true);
    await eventually(() => status().nextRetryAt !== null, 'the push to stop for a retry');

    // Read back: the server has no such record, so the create was not confirmed.
    expect(local(task.id)).toEqual(task);
    expect((await readRaw(db.name)).outbox.map((e) => [e.op, e.recordId])).toEqual([
      ['create', task.id],
    ]);
    expect(await serverTasks(TaskSync.endpoint)).toEqual([]);

    await sync.syncAll(); // the retry, now through to the server
    expect((await serverTasks(TaskSync.endpoint)).map((t) => t.title)).toEqual(['Never arrived']);
    expect((await readRaw(db.name)).outbox).toEqual([]);
    expect(meta(task.id)?.state).toBe('synced');
  });

  it('retries 503s on the policy schedule (virtual time), then succeeds', async () => {
    const scheduler = new VirtualTimeScheduler();
    const { sync } = start(
      { retry: { initialDelay: 2000, multiplier: 3, maxDelay: 60_000, maxAttempts: 5 } },
      { provide: SYNC_SCHEDULER, useValue: scheduler },
      { provide: SYNC_RANDOM, useValue: () => 0.25 }
    );
    await sync.whenHydrated();
    await sync.saveModel<Task>('task', { id: 'r1', title: 'Retry me', done: false });
    scheduler.flush(); // the debounced trigger, while offline
    await setFaults([
      {
        match: { method: 'POST' },
        times: 2,
        failWith: { status: 503, body: { error: { code: 'busy', message: 'try later' } } },
      },
    ]);

    network.state.next(true);
    await eventually(() => status().nextRetryAt !== null, 'failure 1');
    expect(scheduler.actions.map((a) => a.delay)).toEqual([500]); // 0.25 × 2000
    scheduler.flush();
    await eventually(() => scheduler.actions.length === 1 && !status().isSyncing, 'failure 2');
    expect(scheduler.actions[0]?.delay).toBe(500 + 1500); // 0.25 × 6000, after the first 500
    scheduler.flush();
    await eventually(() => status().pendingChanges === 0 && !status().isSyncing, 'the success');
    expect((await serverTasks(TaskSync.endpoint)).map((t) => t.id)).toEqual(['r1']);
    expect((await faultLog()).map((e) => e.status)).toContain(201);
  });

  it('parks a change the server refuses for good as failed; the other 20 records sync', async () => {
    const { sync } = start();
    await sync.whenHydrated();
    await sync.saveModel<Task>('task', {
      id: 'x'.repeat(300),
      title: 'id too long for the server',
      done: false,
    });
    for (let i = 0; i < 20; i++)
      await sync.saveModel<Task>('task', { id: `ok-${i}`, title: `${i}`, done: false });
    network.state.next(true);
    await eventually(
      () => status().pendingChanges === 0 && status().failedChanges === 1 && !status().isSyncing,
      'the push'
    );
    expect((await serverTasks(TaskSync.endpoint)).length).toBe(20);
    const [failed] = await sync.failedChanges();
    expect(failed?.recordId.length).toBe(300);
    expect(failed?.lastError?.kind).toBe('rejected');
    expect(failed?.lastError?.message).toMatch(/HTTP 4\d\d/);
    expect(meta('x'.repeat(300))?.state).toBe('failed');
  });

  it('pushes an edit made during an in-flight push right after it, losing nothing', async () => {
    const { sync } = start();
    await sync.whenHydrated();
    const task = await sync.saveModel<Task>('task', { title: 'Draft', done: false });
    await setFaults([{ match: { method: 'POST' }, delay: { ms: 300 } }]);
    network.state.next(true);
    await eventually(() => status().isSyncing, 'the push to start');
    await sync.updateModel<Task>('task', task.id, { done: true, note: 'edited in flight' });
    await eventually(
      () => status().pendingChanges === 0 && !status().isSyncing,
      'both pushes',
      1000
    );
    const [onServer] = await serverTasks(TaskSync.endpoint);
    expect(onServer).toEqual(
      jasmine.objectContaining({ id: task.id, done: true, note: 'edited in flight', version: 2 })
    );
    expect(local(task.id)).toEqual(
      jasmine.objectContaining({ done: true, note: 'edited in flight', version: 2 })
    );
  });

  it('keeps pending local edits through a pull and takes the fields the server changed', async () => {
    const { sync } = start();
    await sync.whenHydrated();
    const task = await sync.saveModel<Task>('task', { title: 'Original', done: false });
    network.state.next(true);
    await eventually(() => status().pendingChanges === 0 && !status().isSyncing, 'the first sync');
    network.state.next(false);
    await sync.syncAll(); // returns once every cycle a trigger started has ended
    await sync.updateModel<Task>('task', task.id, { done: true });
    await serverWrite(
      TaskSync.endpoint,
      { id: task.id, title: 'Renamed elsewhere', done: false },
      1
    );

    await sync.pullFromServer('task');
    expect(local(task.id)).toEqual(
      jasmine.objectContaining({ title: 'Renamed elsewhere', done: true })
    );
    expect(meta(task.id)).toEqual(jasmine.objectContaining({ state: 'pending', version: 2 }));

    network.state.next(true);
    await eventually(() => status().pendingChanges === 0 && !status().isSyncing, 'the push');
    const [onServer] = await serverTasks(TaskSync.endpoint);
    expect(onServer).toEqual(
      jasmine.objectContaining({ title: 'Renamed elsewhere', done: true, version: 3 })
    );
  });

  it('finishes the push of a tab that closed mid-push, applying it once', async () => {
    let { sync } = start();
    await sync.whenHydrated();
    const task = await sync.saveModel<Task>('task', {
      title: 'Sent, then the tab closed',
      done: false,
    });
    // The closed tab had marked the entry as being sent and the server had committed it; the
    // answer never arrived.
    const raw = await rawDatabase(db.name);
    const [entry] = await raw.outbox.toArray();
    await raw.outbox.update(entry?.seq as number, { status: 'sending' });
    raw.close();
    await fetch(`${syncServer().url}/${TaskSync.endpoint}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': entry?.mutationId ?? '' },
      body: JSON.stringify(entry?.patch),
    });

    TestBed.resetTestingModule(); // a new tab opens the app
    ({ sync } = start());
    await sync.whenHydrated();
    network.state.next(true);
    await eventually(
      () => status().pendingChanges === 0 && status().lastSyncTime !== null,
      'the sync'
    );
    const onServer = await serverTasks(TaskSync.endpoint);
    expect(onServer.map((t) => [t.id, t.version])).toEqual([[task.id, 1]]);
    expect(meta(task.id)).toEqual(jasmine.objectContaining({ state: 'synced', version: 1 }));
  });

  it('removes a key inside a nested object on the server too (delta sync sends a nested merge patch)', async () => {
    const { sync } = start();
    await sync.whenHydrated();
    const task = await sync.saveModel<Task>('task', {
      title: 'Nested',
      done: false,
      details: { colour: 'red', size: 'L', tags: ['a', 'b'] },
    });
    network.state.next(true);
    await eventually(() => status().pendingChanges === 0 && !status().isSyncing, 'the create');
    await sync.updateModel<Task>('task', task.id, { details: { colour: 'red', tags: ['a'] } });
    await eventually(() => status().pendingChanges === 0 && !status().isSyncing, 'the update');
    const [onServer] = await serverTasks(TaskSync.endpoint);
    expect(onServer?.details).toEqual({ colour: 'red', tags: ['a'] });
    expect(local(task.id)?.details).toEqual({ colour: 'red', tags: ['a'] });
  });

  it('does not bring back a record deleted while its fetch by id was answered late', async () => {
    const { sync } = start();
    await sync.whenHydrated();
    network.state.next(true);
    await sync.syncAll(); // the cursor now stands before x exists
    await serverWrite(TaskSync.endpoint, { id: 'x', title: 'X', done: false });
    // The fetch reads x on the server, and its answer is held while x is deleted there.
    await setFaults([
      {
        match: { method: 'GET', pathPrefix: `/${TaskSync.endpoint}/x` },
        delayResponse: { ms: 500 },
      },
    ]);
    const fetching = sync.pullModelById<Task>('task', 'x');
    await eventually(
      async () => (await faultLog()).some((e) => e.fault === 'delayResponse' && e.serverStatus),
      'the server to answer the fetch of x'
    );
    const deleted = await fetch(`${syncServer().url}/${TaskSync.endpoint}/x`, {
      method: 'DELETE',
      headers: { 'If-Match': '"1"' },
    });
    expect(deleted.status).toBe(204);

    // The change feed has x's tombstone; a pull that passed it before the late answer was stored
    // would leave x on this device for good.
    await sync.pullFromServer('task');
    await fetching;
    await sync.syncAll();

    expect(local('x')).toBeUndefined();
    expect((await readRaw(db.name)).records.map((r) => r.id)).not.toContain('x');
  });

  it('resumes an interrupted pull at the page after the last stored one', async () => {
    for (let i = 0; i < 10; i++)
      await serverWrite(TaskSync.endpoint, { id: `p${i}`, title: `${i}`, done: false });
    const { sync, store } = start({ pullPageSize: 2 });
    await sync.whenHydrated();
    // Pages 1 and 2 go through; the connection drops on page 3 (of 5).
    await setFaults([
      { match: { method: 'GET', pathPrefix: `/${TaskSync.endpoint}` }, times: 2, delay: { ms: 0 } },
      { match: { method: 'GET', pathPrefix: `/${TaskSync.endpoint}` }, resetConnection: true },
    ]);
    await expectAsync(sync.pullFromServer('task')).toBeRejected();
    expect(store.selectSignal(TaskSync.selectors.selectTotal)()).toBe(4);
    const cursorAfterPage2 = (await faultLog()).filter((e) => e.method === 'GET')[2]?.path;

    await sync.pullFromServer('task');
    expect(store.selectSignal(TaskSync.selectors.selectTotal)()).toBe(10);
    const gets = (await faultLog()).filter((e) => e.method === 'GET');
    expect(gets.length).toBe(6); // 3 (the 3rd cut) + pages 3, 4, 5
    expect(gets[3]?.path).toBe(cursorAfterPage2 as string); // asked again for page 3, not page 1
  });
});
