import { HttpRequest, provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  TestRequest,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideStore, Store } from '@ngrx/store';
import { VirtualTimeScheduler } from 'rxjs';
import { OfflineSyncService } from '../facade/offline-sync.service';
import { OfflineSyncError } from '../model/sync-error';
import { SyncOptions } from '../model/sync-options';
import { provideOfflineSync } from '../providers/provide-offline-sync';
import { SYNC_SCHEDULER } from '../providers/tokens';
import { defineSyncEntity } from '../state/define-sync-entity';
import { NetworkStatus } from '../transport/network-status';
import { FakeNetworkStatus } from '../../testing-support/fake-sync-backend';
import {
  eventually,
  readRaw,
  rejectionOf,
  uniqueDatabase,
} from '../../testing-support/test-database';

interface Task {
  id: string;
  title: string;
  done: boolean;
  updatedAt?: string;
}

const API = 'http://legacy.test';
const T1 = '2026-03-01T09:00:00.000Z';
const T2 = '2026-03-01T09:05:00.000Z';
const T3 = '2026-03-01T09:10:00.000Z';
const T4 = '2026-03-01T09:15:00.000Z';
const T5 = '2026-03-01T09:20:00.000Z';

/**
 * The whole kit against a legacy-shaped API, simulated with `HttpTestingController`: records
 * without a version field (the version is the `ETag` of single-record answers), updates as `PUT`
 * of the whole record, and a change list that is a bare array paged by `?updatedSince=`.
 */
describe('the kit against a legacy-shaped REST API (rest mapping)', () => {
  let db: ReturnType<typeof uniqueDatabase>;
  let network: FakeNetworkStatus;
  let http: HttpTestingController;

  const TaskSync = defineSyncEntity<Task>({
    modelType: 'task',
    endpoint: 'tasks',
    rest: {
      listEnvelope: 'array',
      paging: 'since',
      sinceParam: 'updatedSince',
      updateMethod: 'PUT',
      versionSource: 'etag',
    },
  });

  function start(options: SyncOptions = {}) {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideStore(),
        provideOfflineSync({
          databaseName: db.name,
          entities: [TaskSync],
          sync: { serverUrl: API, syncInterval: 0, pushDebounce: 0, ...options },
        }),
        { provide: NetworkStatus, useValue: network },
        // The write trigger's debounce timer only fires when flushed, which no spec does:
        // every request comes from a sync the spec starts (or from going online).
        { provide: SYNC_SCHEDULER, useValue: new VirtualTimeScheduler() },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    return { sync: TestBed.inject(OfflineSyncService) };
  }

  /** Waits until the engine sends `method url` (query included), and hands it over to answer. */
  async function nextRequest(method: string, url: string): Promise<TestRequest> {
    let found: TestRequest[] = [];
    await eventually(() => {
      found = http.match(
        (request: HttpRequest<unknown>) =>
          request.method === method && request.urlWithParams === url
      );
      return found.length > 0;
    }, `the request ${method} ${url}`);
    expect(found.length).withContext(`requests ${method} ${url}`).toBe(1);
    return found[0]!;
  }

  /** Answers a write as the legacy API does: the record (no version field) and its ETag. */
  function answerWrite(request: TestRequest, record: Task, etag: string, status = 200): void {
    request.flush(record, {
      status,
      statusText: status === 201 ? 'Created' : 'OK',
      headers: { ETag: `"${etag}"` },
    });
  }

  const local = (id: string) =>
    TestBed.inject(Store).selectSignal(TaskSync.selectors.selectById(id))();
  const meta = (id: string) =>
    TestBed.inject(Store).selectSignal(TaskSync.selectors.selectMetaById(id))();
  const localIds = () =>
    TestBed.inject(Store)
      .selectSignal(TaskSync.selectors.selectAll)()
      .map((task) => task.id)
      .sort();

  /**
   * Goes online and answers the first pull of the sync that this starts (no `updatedSince`: the
   * kit has seen nothing yet), then waits for that sync to end. Requests to sync made while one
   * runs are merged into one more, so waiting here makes the next `syncAll()` send its own pull.
   */
  async function goOnlineAndPull(sync: OfflineSyncService, tasks: Task[]): Promise<void> {
    network.state.next(true);
    const first = await nextRequest('GET', `${API}/tasks?limit=100`);
    expect(first.request.params.has('updatedSince')).toBeFalse();
    first.flush(tasks);
    await eventually(
      () => !sync.currentStatus().isSyncing && sync.currentStatus().lastSyncTime !== null,
      'the sync after going online'
    );
  }

  beforeEach(() => {
    db = uniqueDatabase('legacy');
    network = new FakeNetworkStatus();
    network.state.next(false); // each spec decides when the app goes online
  });

  afterEach(async () => {
    http.verify();
    TestBed.resetTestingModule();
    await db.cleanup();
  });

  it('sends a create as a POST of the whole record and an update as a PUT with If-Match from the ETag', async () => {
    // Pushes only; pulls are the next spec's. (A pulled record without a version that matches the
    // stored one keeps its ETag version: see the SyncStorage pull specs.)
    const { sync } = start({ bidirectionalSync: false });
    await sync.whenHydrated();
    await sync.saveModel<Task>('task', { id: 'l1', title: 'Milk', done: false });
    await sync.saveModel<Task>('task', { id: 'l2', title: 'Bread', done: false });

    network.state.next(true);
    const created = sync.syncAll();
    const post1 = await nextRequest('POST', `${API}/tasks`);
    expect(post1.request.body).toEqual({ id: 'l1', title: 'Milk', done: false });
    expect(post1.request.headers.get('Idempotency-Key')).toEqual(jasmine.any(String));
    expect(post1.request.headers.has('If-Match')).toBeFalse();
    answerWrite(post1, { id: 'l1', title: 'Milk', done: false, updatedAt: T1 }, '7', 201);
    const post2 = await nextRequest('POST', `${API}/tasks`);
    expect(post2.request.body).toEqual({ id: 'l2', title: 'Bread', done: false });
    answerWrite(post2, { id: 'l2', title: 'Bread', done: false, updatedAt: T2 }, '3', 201);
    await created;

    expect(meta('l1')).toEqual(jasmine.objectContaining({ state: 'synced', version: 7 }));
    expect(meta('l2')).toEqual(jasmine.objectContaining({ state: 'synced', version: 3 }));
    expect(local('l1')).toEqual({ id: 'l1', title: 'Milk', done: false, updatedAt: T1 });

    await sync.updateModel<Task>('task', 'l1', { done: true });
    await sync.deleteModel('task', 'l2');
    const changed = sync.syncAll();
    const put = await nextRequest('PUT', `${API}/tasks/l1`);
    // The whole record as stored (the server's updatedAt included), with the change.
    expect(put.request.body).toEqual({ id: 'l1', title: 'Milk', done: true, updatedAt: T1 });
    expect(put.request.headers.get('If-Match')).toBe('"7"');
    answerWrite(put, { id: 'l1', title: 'Milk', done: true, updatedAt: T3 }, '8');
    const del = await nextRequest('DELETE', `${API}/tasks/l2`);
    expect(del.request.headers.get('If-Match')).toBe('"3"');
    del.flush(null, { status: 204, statusText: 'No Content' });
    await changed;

    expect(localIds()).toEqual(['l1']);
    expect(local('l1')).toEqual({ id: 'l1', title: 'Milk', done: true, updatedAt: T3 });
    expect(meta('l1')).toEqual(jasmine.objectContaining({ state: 'synced', version: 8 }));
    const stored = await readRaw(db.name);
    expect(stored.outbox).toEqual([]);
    expect(stored.records.map(({ id, data, meta }) => ({ id, data, meta }))).toEqual([
      {
        id: 'l1',
        data: { id: 'l1', title: 'Milk', done: true, updatedAt: T3 },
        meta: jasmine.objectContaining({ state: 'synced', version: 8, lastError: null }),
      },
    ]);
    expect(sync.currentStatus().pendingChanges).toBe(0);
  });

  it('pulls a bare array by updatedSince (absent at first, then the latest updatedAt); a tombstone removes its record', async () => {
    const { sync } = start();
    await sync.whenHydrated();

    await goOnlineAndPull(sync, [
      { id: 'r1', title: 'Call Ann', done: false, updatedAt: T1 },
      { id: 'r3', title: 'Water plants', done: false, updatedAt: T3 },
      { id: 'r2', title: 'Pay rent', done: false, updatedAt: T2 },
    ]);
    expect(localIds()).toEqual(['r1', 'r2', 'r3']);

    const synced = sync.syncAll();
    const second = await nextRequest('GET', `${API}/tasks?updatedSince=${T3}&limit=100`);
    second.flush([
      { id: 'r1', title: 'Call Ann back', done: true, updatedAt: T4 },
      { id: 'r2', deleted: true, updatedAt: T5 },
    ]);
    await synced;

    const pulled = sync.pullFromServer('task');
    (await nextRequest('GET', `${API}/tasks?updatedSince=${T5}&limit=100`)).flush([]);
    expect(await pulled).toBe(0);

    expect(localIds()).toEqual(['r1', 'r3']);
    expect(local('r1')).toEqual({ id: 'r1', title: 'Call Ann back', done: true, updatedAt: T4 });
    // The list carries no version (and list items have no ETag): these sync last-write-wins.
    expect(meta('r1')).toEqual(jasmine.objectContaining({ state: 'synced', version: null }));
    const stored = await readRaw(db.name);
    expect(stored.records.map(({ id, data }) => ({ id, data }))).toEqual([
      { id: 'r1', data: { id: 'r1', title: 'Call Ann back', done: true, updatedAt: T4 } },
      { id: 'r3', data: { id: 'r3', title: 'Water plants', done: false, updatedAt: T3 } },
    ]);
    expect(stored.meta).toContain({ key: 'cursor:task', value: T5 });
    expect(sync.currentStatus().lastSyncTime).not.toBeNull();
  });

  it('rejects a list answer that does not fit (an HTML page) as invalid-response, changing nothing stored', async () => {
    const { sync } = start();
    await sync.whenHydrated();
    await goOnlineAndPull(sync, [
      { id: 'r1', title: 'Call Ann', done: false, updatedAt: T1 },
      { id: 'r2', title: 'Pay rent', done: false, updatedAt: T2 },
    ]);
    const storedBefore = await readRaw(db.name);
    const tasksBefore = sync.modelsSignal<Task>('task')();
    expect(tasksBefore.length).toBe(2);

    const pulled = sync.pullFromServer('task');
    const request = `GET ${API}/tasks?updatedSince=${T2}&limit=100`;
    (await nextRequest('GET', `${API}/tasks?updatedSince=${T2}&limit=100`)).flush(
      '<!doctype html><html><body><h1>Please sign in</h1></body></html>',
      { headers: { 'Content-Type': 'text/html' } }
    );
    const error = await rejectionOf(pulled);

    expect(error).toEqual(jasmine.any(OfflineSyncError));
    expect(error?.kind).toBe('invalid-response');
    expect(error?.modelType).toBe('task');
    expect(error?.message).toContain(`The answer to ${request} (task)`);
    expect(error?.message).toContain('HTML page');
    expect(sync.currentStatus().lastError).toEqual(error!.toInfo());
    expect(sync.modelsSignal<Task>('task')()).toEqual(tasksBefore);
    expect(await readRaw(db.name)).toEqual(storedBefore);
  });
});
