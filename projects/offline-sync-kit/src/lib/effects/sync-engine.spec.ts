import { TestBed } from '@angular/core/testing';
import { Actions, ofType } from '@ngrx/effects';
import { provideStore, Store } from '@ngrx/store';
import { firstValueFrom, VirtualTimeScheduler } from 'rxjs';
import { OfflineSyncService } from '../facade/offline-sync.service';
import { OfflineSyncError } from '../model/sync-error';
import { provideOfflineSync } from '../providers/provide-offline-sync';
import { SYNC_CLOCK, SYNC_RANDOM, SYNC_SCHEDULER } from '../providers/tokens';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { OfflineSyncConflictActions } from '../state/offline-sync-conflict.actions';
import { OfflineSyncEngineActions } from '../state/offline-sync-engine.actions';
import { NetworkStatus } from '../transport/network-status';
import { SyncStorage } from '../storage/sync-storage';
import { SyncTransport } from '../transport/sync-transport';
import {
  eventually,
  rawDatabase,
  readRaw,
  uniqueDatabase,
} from '../../testing-support/test-database';
import { Mutation } from '../model/mutation';
import { Project, ProjectSync, Todo, TodoSync } from '../../testing-support/test-entities';
import { provideSyncEntities } from '../providers/provide-sync-entities';
import { FakeNetworkStatus, FakeSyncBackend } from '../../testing-support/fake-sync-backend';

describe('SyncEngine (unit, fake backend)', () => {
  let db: ReturnType<typeof uniqueDatabase>;
  let backend: FakeSyncBackend;
  let network: FakeNetworkStatus;
  let scheduler: VirtualTimeScheduler;
  let now: number;

  function start() {
    TestBed.configureTestingModule({
      providers: [
        provideStore(),
        provideOfflineSync({
          databaseName: db.name,
          entities: [TodoSync],
          sync: {
            serverUrl: 'http://backend.test',
            syncInterval: 0,
            pushDebounce: 0,
            batchSize: 10,
            retry: { initialDelay: 1000, maxDelay: 8000, multiplier: 2, maxAttempts: 4 },
          },
        }),
        { provide: SyncTransport, useValue: backend },
        { provide: NetworkStatus, useValue: network },
        { provide: SYNC_SCHEDULER, useValue: scheduler },
        { provide: SYNC_RANDOM, useValue: () => 0.5 },
        { provide: SYNC_CLOCK, useValue: () => now },
      ],
    });
    return { sync: TestBed.inject(OfflineSyncService), store: TestBed.inject(Store) };
  }

  const status = () => TestBed.inject(OfflineSyncService).currentStatus();
  const meta = (id: string) =>
    TestBed.inject(Store).selectSignal(TodoSync.selectors.selectMetaById(id))();

  beforeEach(() => {
    db = uniqueDatabase('engine');
    backend = new FakeSyncBackend();
    network = new FakeNetworkStatus();
    scheduler = new VirtualTimeScheduler();
    now = 1_000_000;
  });

  afterEach(async () => {
    TestBed.resetTestingModule();
    await db.cleanup();
  });

  it('keeps writes made offline, then pushes them all once online; every record synced', async () => {
    network.state.next(false);
    const { sync } = start();
    await sync.whenHydrated();
    const todos = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        sync.saveModel<Todo>('todo', { title: `#${i}`, done: false })
      )
    );
    await sync.syncAll();
    expect(backend.pushes.length).toBe(0);
    expect(status().phase).toBe('offline');

    network.state.next(true);
    await eventually(
      () => status().pendingChanges === 0 && status().lastSyncTime !== null,
      'the sync'
    );
    expect(backend.records.size).toBe(12);
    expect(backend.pushes.map((batch) => batch.length)).toEqual([10, 2]);
    for (const todo of todos)
      expect(meta(todo.id)).toEqual(jasmine.objectContaining({ state: 'synced', version: 1 }));
    expect((await readRaw(db.name)).outbox).toEqual([]);
  });

  it('retries a 5xx with exponential backoff and full jitter, with the same idempotency key', async () => {
    let failing = true;
    backend.script = (m) =>
      failing
        ? {
            mutationId: m.mutationId,
            status: 'retry',
            error: new OfflineSyncError('server', 'HTTP 503'),
          }
        : undefined;
    network.state.next(false); // set up offline, so the first push is the one this spec starts
    const { sync } = start();
    await sync.whenHydrated();
    await sync.saveModel<Todo>('todo', { id: 'a', title: 'A', done: false });
    const attempts = async () => (await readRaw(db.name)).outbox[0]?.attempts ?? -1;
    scheduler.flush(); // the write's debounced push trigger fires while offline: nothing happens

    network.state.next(true); // going online triggers the push
    await eventually(() => status().nextRetryAt !== null, 'the first failure');
    expect(await attempts()).toBe(1);
    expect(status().nextRetryAt).toBe(now + 500); // random 0.5 × initialDelay 1000
    expect(status().phase).toBe('error');
    expect(scheduler.actions.map((a) => a.delay)).toContain(500);

    const before = backend.pushes.length;
    scheduler.flush(); // the retry timer fires, without real waiting
    await eventually(
      async () => backend.pushes.length > before && (await attempts()) === 2 && !status().isSyncing,
      'retry 1'
    );
    expect(status().nextRetryAt).toBe(now + 1000); // 0.5 × 2000: the delay doubled

    failing = false;
    scheduler.flush();
    await eventually(
      () => status().pendingChanges === 0 && status().nextRetryAt === null,
      'the final push'
    );
    expect(new Set(backend.pushes.map((batch) => batch[0]?.mutationId)).size).toBe(1); // one idempotency key
    expect(meta('a')).toEqual(jasmine.objectContaining({ state: 'synced', version: 1 }));
  });

  it('counts an attempt only for the entry that was sent when a failure stops the round', async () => {
    // One by one, a transport stops at the first retryable failure and answers the entries it
    // never sent with the same error object.
    const unreachable = new OfflineSyncError('network', 'connection refused');
    backend.script = (m) => ({ mutationId: m.mutationId, status: 'retry', error: unreachable });
    network.state.next(false);
    const { sync } = start();
    await sync.whenHydrated();
    for (const id of ['a', 'b', 'c'])
      await sync.saveModel<Todo>('todo', { id, title: id, done: false });
    network.state.next(true);
    await eventually(() => status().nextRetryAt !== null, 'the failed push');
    const { outbox } = await readRaw(db.name);
    expect(outbox.map((m) => [m.recordId, m.attempts])).toEqual([
      ['a', 1],
      ['b', 0],
      ['c', 0],
    ]);
  });

  it('leaves entries of a type this app has not registered waiting, and syncs the rest', async () => {
    network.state.next(false);
    const { sync } = start();
    await sync.whenHydrated();
    await sync.saveModel<Todo>('todo', { id: 'a', title: 'A', done: false });
    // An entry written by a version of the app that registered "invoice" (a lazy route).
    const raw = await rawDatabase(db.name);
    const [todoEntry] = await raw.outbox.toArray();
    await raw.outbox.add({
      ...(todoEntry as Mutation),
      seq: undefined,
      mutationId: 'm-invoice',
      modelType: 'invoice',
      recordId: 'i1',
    } as never);
    raw.close();
    network.state.next(true);
    await eventually(() => status().lastSyncTime !== null && !status().isSyncing, 'the sync');
    expect(backend.records.has('a')).toBeTrue();
    expect(backend.pushes.flat().map((m) => m.modelType)).toEqual(['todo']);
    expect(status().lastError).toBeNull();
    expect((await readRaw(db.name)).outbox.map((m) => m.modelType)).toEqual(['invoice']);
  });

  it('syncs one entity type on request, leaving the others pending', async () => {
    network.state.next(false);
    TestBed.configureTestingModule({ providers: [provideSyncEntities(ProjectSync)] });
    const { sync } = start();
    await sync.whenHydrated();
    await sync.saveModel<Todo>('todo', { id: 't', title: 'Todo', done: false });
    await sync.saveModel<Project>('project', { id: 'p', name: 'Project' });
    network.state.next(true);
    await sync.syncAll(); // the going-online sync, if it started, ends first
    backend.pushes.length = 0;
    backend.records.clear();
    await sync.saveModel<Todo>('todo', { id: 't2', title: 'Todo 2', done: false });
    await sync.saveModel<Project>('project', { id: 'p2', name: 'Project 2' });
    await sync.syncByModelType('project');
    expect(backend.pushes.flat().map((m) => m.recordId)).toEqual(['p2']);
    expect(meta('t2')?.state).toBe('pending');
  });

  it('parks a permanently rejected change as failed while the others sync; retry and discard', async () => {
    let reject = true;
    backend.script = (m) =>
      m.recordId === 'bad' && reject
        ? {
            mutationId: m.mutationId,
            status: 'rejected',
            error: new OfflineSyncError('rejected', 'title too long'),
          }
        : undefined;
    const { sync } = start();
    await sync.whenHydrated();
    await sync.saveModel<Todo>('todo', { id: 'bad', title: 'x'.repeat(500), done: false });
    for (let i = 0; i < 20; i++)
      await sync.saveModel<Todo>('todo', { id: `ok${i}`, title: `${i}`, done: false });
    await sync.syncAll();
    expect(backend.records.size).toBe(20);
    expect(meta('bad')).toEqual(jasmine.objectContaining({ state: 'failed' }));
    expect(meta('bad')?.lastError?.message).toContain('title too long');
    expect(status().failedChanges).toBe(1);
    expect((await sync.failedChanges()).map((m) => m.recordId)).toEqual(['bad']);

    // A later edit of the failed record waits behind the dead letter.
    await sync.updateModel<Todo>('todo', 'bad', { done: true });
    await sync.syncAll();
    expect(backend.records.has('bad')).toBeFalse();

    reject = false;
    await sync.retryFailed('todo', 'bad');
    await eventually(
      () => backend.records.has('bad') && status().pendingChanges === 0,
      'the retried push'
    );
    expect(backend.records.get('bad')).toEqual(jasmine.objectContaining({ deleted: false }));
    expect(status().failedChanges).toBe(0);
  });

  it('counts the dead letters and pending changes it finds in the database at start', async () => {
    backend.script = (m) =>
      m.recordId === 'bad'
        ? {
            mutationId: m.mutationId,
            status: 'rejected',
            error: new OfflineSyncError('rejected', 'no'),
          }
        : undefined;
    let { sync } = start();
    await sync.whenHydrated();
    await sync.saveModel<Todo>('todo', { id: 'bad', title: 'Refused', done: false });
    await sync.syncAll();
    expect(status().failedChanges).toBe(1);

    TestBed.resetTestingModule(); // a reload, offline this time
    network = new FakeNetworkStatus();
    network.state.next(false);
    ({ sync } = start());
    await sync.whenHydrated();
    await sync.saveModel<Todo>('todo', { id: 'new', title: 'Pending', done: false });
    expect(status().failedChanges).toBe(1);
    expect(status().pendingChanges).toBe(1);
  });

  it('discardFailed restores the record as it was before the refused change', async () => {
    backend.script = (m) =>
      m.op === 'update'
        ? {
            mutationId: m.mutationId,
            status: 'rejected',
            error: new OfflineSyncError('rejected', 'no'),
          }
        : undefined;
    const { sync, store } = start();
    await sync.whenHydrated();
    await sync.saveModel<Todo>('todo', { id: 'a', title: 'Before', done: false });
    await sync.syncAll();
    await sync.updateModel<Todo>('todo', 'a', { title: 'Refused' });
    await sync.syncAll();
    expect(meta('a')?.state).toBe('failed');
    await sync.discardFailed('todo', 'a');
    expect(store.selectSignal(TodoSync.selectors.selectById('a'))()?.title).toBe('Before');
    expect(meta('a')?.state).toBe('synced');
    expect(status().failedChanges).toBe(0);
  });

  it('pushes an edit made while its record was in flight afterwards, on the new version', async () => {
    network.state.next(false);
    const { sync, store } = start();
    await sync.whenHydrated();
    await sync.saveModel<Todo>('todo', { id: 'a', title: 'First', done: false });
    backend.beforeAnswer = async () => {
      backend.beforeAnswer = null;
      await sync.updateModel<Todo>('todo', 'a', { done: true }); // committed before the answer lands
    };
    network.state.next(true);
    await eventually(() => status().pendingChanges === 0 && !status().isSyncing, 'both pushes');
    expect(backend.pushes.map((batch) => batch.map((m) => [m.op, m.baseVersion]))).toEqual([
      [['create', null]],
      [['update', 1]],
    ]);
    expect(backend.records.get('a')).toEqual(jasmine.objectContaining({ version: 2 }));
    expect(store.selectSignal(TodoSync.selectors.selectById('a'))()).toEqual(
      jasmine.objectContaining({ title: 'First', done: true })
    );
    expect(meta('a')).toEqual(jasmine.objectContaining({ state: 'synced', version: 2 }));
  });

  it('takes the next batch while one is in flight, one request at a time; a stopped round puts it back and sends it next time', async () => {
    network.state.next(false);
    const { sync } = start(); // batches of 10
    await sync.whenHydrated();
    for (let i = 0; i < 15; i++)
      await sync.saveModel<Todo>('todo', { id: `t${i}`, title: `#${i}`, done: false });
    const sendingCount = async () =>
      (await readRaw(db.name)).outbox.filter((m) => m.status === 'sending').length;
    backend.beforeAnswer = async () => {
      backend.beforeAnswer = null;
      // The first request is held until the next batch has been marked `sending` next to it.
      await eventually(async () => (await sendingCount()) === 15, 'the next batch taken');
    };
    backend.script = (m) =>
      backend.pushes.length === 1
        ? {
            mutationId: m.mutationId,
            status: 'retry',
            error: new OfflineSyncError('server', '503'),
          }
        : undefined;
    network.state.next(true);
    await eventually(() => status().nextRetryAt !== null, 'the failed round');
    // The round stopped at the first answer: the taken batch was never sent, nor counted, and is
    // back in line (`queued`: new changes fold into it, pulls see its records as pending).
    expect(backend.pushes.map((batch) => batch.length)).toEqual([10]);
    const { outbox } = await readRaw(db.name);
    expect(outbox.filter((m) => m.attempts === 1).length).toBe(10);
    expect(outbox.filter((m) => m.attempts === 0 && m.status === 'queued').length).toBe(5);

    scheduler.flush(); // the retry
    await eventually(() => status().pendingChanges === 0 && !status().isSyncing, 'the retry');
    expect(backend.maxConcurrentPushes).toBe(1);
    const sent = backend.pushes.slice(1).flat();
    expect(sent.length).toBe(15);
    expect(new Set(sent.map((m) => m.mutationId)).size).toBe(15); // each change once
    expect(backend.records.size).toBe(15);
  });

  it('sends the next batch while the answers of the one before are stored; a round that then fails still stores the answers of the batch it sent', async () => {
    network.state.next(false);
    const { sync } = start(); // batches of 10
    await sync.whenHydrated();
    for (let i = 0; i < 15; i++)
      await sync.saveModel<Todo>('todo', { id: `t${i}`, title: `#${i}`, done: false });
    // What this tab knew of the first batch when the second request went out.
    const firstBatchWhenSecondSent: (string | undefined)[] = [];
    backend.beforeAnswer = async () => {
      if (backend.pushes.length === 2) firstBatchWhenSecondSent.push(meta('t0')?.state);
    };
    // Storing the first batch's answers fails (a database error), after the second was sent.
    const storage = TestBed.inject(SyncStorage);
    const applyOutcomes = storage.applyPushOutcomes.bind(storage);
    let applies = 0;
    spyOn(storage, 'applyPushOutcomes').and.callFake((pushed, maxAttempts) =>
      ++applies === 1
        ? Promise.reject(new OfflineSyncError('storage', 'The disk failed'))
        : applyOutcomes(pushed, maxAttempts)
    );
    network.state.next(true);
    await eventually(() => status().nextRetryAt !== null, 'the failed round');

    expect(backend.pushes.map((batch) => batch.length)).toEqual([10, 5]);
    expect(firstBatchWhenSecondSent).toEqual(['pending']); // its answers not stored yet
    expect(backend.maxConcurrentPushes).toBe(1);
    const { outbox, records } = await readRaw(db.name);
    // The first batch stays `sending`, to go again under its idempotency keys; the second is done.
    const firstBatch = Array.from({ length: 10 }, (_, i) => `t${i}`);
    expect(outbox.map((m) => [m.recordId, m.status])).toEqual(
      firstBatch.map((id) => [id, 'sending'])
    );
    const synced = records.filter((row) => row.meta.state === 'synced').map((row) => row.id);
    expect(synced.sort()).toEqual(['t10', 't11', 't12', 't13', 't14']);
  });

  it('stores the answers of the batch in flight when taking the next one fails, before the round stops', async () => {
    network.state.next(false);
    const { sync } = start(); // batches of 10
    await sync.whenHydrated();
    for (let i = 0; i < 15; i++)
      await sync.saveModel<Todo>('todo', { id: `t${i}`, title: `#${i}`, done: false });
    const storage = TestBed.inject(SyncStorage);
    const takePushBatch = storage.takePushBatch.bind(storage);
    spyOn(storage, 'takePushBatch').and.callFake((limit, types, options) =>
      options?.queuedOnly
        ? Promise.reject(new OfflineSyncError('storage', 'The disk failed'))
        : takePushBatch(limit, types, options)
    );
    network.state.next(true);
    await eventually(() => status().nextRetryAt !== null, 'the failed round');

    expect(backend.pushes.map((batch) => batch.length)).toEqual([10]);
    // The server applied the first batch: its answers are stored, nothing of it is sent again.
    const { outbox } = await readRaw(db.name);
    expect(outbox.length).toBe(5);
    expect(outbox.every((m) => m.status === 'queued')).toBeTrue();
    expect(meta('t0')).toEqual(jasmine.objectContaining({ state: 'synced', version: 1 }));
  });

  it('settles a push conflict by the strategy in force, and reports both versions', async () => {
    const { sync, store } = start();
    const conflict = firstValueFrom(
      TestBed.inject(Actions).pipe(ofType(OfflineSyncConflictActions.conflictDetected))
    );
    await sync.whenHydrated();
    sync.updateSyncOptions({ conflicts: { strategy: 'serverWins' } });
    await sync.saveModel<Todo>('todo', { id: 'a', title: 'Mine', done: false });
    await sync.syncAll();
    backend.serverWrite('a', { title: 'Theirs', done: false }); // version 2 on the server
    await sync.updateModel<Todo>('todo', 'a', { title: 'Mine, edited' }); // base version 1
    await sync.syncAll();
    const { conflict: detected } = await conflict;
    expect(detected.local).toEqual(jasmine.objectContaining({ title: 'Mine, edited' }));
    expect(detected.server).toEqual(jasmine.objectContaining({ title: 'Theirs' }));
    expect(detected.strategy).toBe('serverWins');
    expect(store.selectSignal(TodoSync.selectors.selectById('a'))()?.title).toBe('Theirs');
  });

  it('keeps pending local edits when pulling, and takes the untouched server fields', async () => {
    const { sync, store } = start();
    await sync.whenHydrated();
    await sync.saveModel<Todo>('todo', { id: 'a', title: 'Old title', done: false });
    await sync.syncAll();
    network.state.next(false); // so no automatic push runs before the pull
    await sync.updateModel<Todo>('todo', 'a', { done: true }); // pending
    backend.serverWrite('a', { title: 'New title from elsewhere', done: false });
    await sync.pullFromServer('todo');
    expect(store.selectSignal(TodoSync.selectors.selectById('a'))()).toEqual(
      jasmine.objectContaining({ title: 'New title from elsewhere', done: true })
    );
    expect(meta('a')).toEqual(jasmine.objectContaining({ state: 'pending', version: 2 }));
    network.state.next(true);
    await sync.syncAll();
    expect(backend.records.get('a')).toEqual(
      jasmine.objectContaining({
        version: 3,
        data: jasmine.objectContaining({ title: 'New title from elsewhere', done: true }),
      })
    );
  });

  it('removes records the server deleted; one with pending edits is a conflict, by default restored', async () => {
    network.state.next(false);
    const { sync, store } = start();
    await sync.whenHydrated();
    backend.serverWrite('gone', { title: 'Deleted elsewhere', done: false });
    backend.serverWrite('edited', { title: 'Edited here, deleted elsewhere', done: false });
    await sync.pullFromServer('todo');
    await sync.updateModel<Todo>('todo', 'edited', { done: true }); // pending
    backend.serverWrite('gone', null);
    backend.serverWrite('edited', null);
    const resolved = firstValueFrom(
      TestBed.inject(Actions).pipe(ofType(OfflineSyncConflictActions.conflictResolved))
    );

    await sync.pullFromServer('todo');
    // The default (mergeFields, an update wins over a delete) brings the edited record back.
    expect(store.selectSignal(TodoSync.selectors.selectIds)()).toEqual(['edited']);
    expect(await resolved).toEqual(
      jasmine.objectContaining({ id: 'edited', strategy: 'mergeFields', outcome: 'local' })
    );
    const { outbox } = await readRaw(db.name);
    expect(outbox.map((m) => [m.recordId, m.op, m.baseVersion])).toEqual([
      ['edited', 'create', null],
    ]);
  });

  it('reads server records without storing them, and pulls one record by id', async () => {
    network.state.next(false);
    const { sync, store } = start();
    await sync.whenHydrated();
    backend.serverWrite('s1', { title: 'On the server', done: false });
    const listed = await sync.fetchItems<Todo>('todo', { limit: 10 });
    expect(listed.map((t) => t.id)).toEqual(['s1']);
    expect(store.selectSignal(TodoSync.selectors.selectTotal)()).toBe(0); // nothing stored

    const pulled = await sync.pullModelById<Todo>('todo', 's1');
    expect(pulled).toEqual(jasmine.objectContaining({ id: 's1', title: 'On the server' }));
    expect(meta('s1')).toEqual(jasmine.objectContaining({ state: 'synced', version: 1 }));
    expect((await readRaw(db.name)).meta.some((m) => m.key === 'cursor:todo')).toBeFalse(); // no cursor moved
    expect(await sync.pullModelById<Todo>('todo', 'missing')).toBeUndefined();
  });

  it('resumes an interrupted pull at the page after the last stored one', async () => {
    for (let i = 0; i < 10; i++)
      backend.serverWrite(`s${i}`, { title: `server ${i}`, done: false });
    backend.failPullAtPage = 3;
    network.state.next(false); // no automatic sync: this spec pulls by hand
    const { sync, store } = start();
    await sync.whenHydrated();
    await expectAsync(sync.pullFromServer('todo')).toBeRejected();
    expect(store.selectSignal(TodoSync.selectors.selectTotal)()).toBe(4); // pages 1 and 2 stored
    backend.pulls.length = 0;
    await sync.pullFromServer('todo');
    expect(backend.pulls[0]?.cursor).toBe('4'); // resumed at page 3
    expect(store.selectSignal(TodoSync.selectors.selectTotal)()).toBe(10);
  });

  it('reports an auth failure without counting an attempt', async () => {
    backend.script = (m) => ({
      mutationId: m.mutationId,
      status: 'auth',
      error: new OfflineSyncError('auth', 'HTTP 401'),
    });
    const { sync } = start();
    const authFailed = firstValueFrom(
      TestBed.inject(Actions).pipe(ofType(OfflineSyncEngineActions.syncAuthFailed))
    );
    await sync.whenHydrated();
    await sync.saveModel<Todo>('todo', { id: 'a', title: 'A', done: false });
    await sync.syncAll();
    expect((await authFailed).error.kind).toBe('auth');
    const { outbox } = await readRaw(db.name);
    expect(outbox.map((m) => m.attempts)).toEqual([0]);
    expect(TestBed.inject(Store).selectSignal(offlineSyncFeature.selectLastError)()?.kind).toBe(
      'auth'
    );
  });
});
