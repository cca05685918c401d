import { Component, NgModule, Provider, EnvironmentProviders } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, RouterModule, Routes } from '@angular/router';
import { provideStore, Store, StoreModule } from '@ngrx/store';
import { firstValueFrom, take, toArray } from 'rxjs';
import { OfflineSyncService } from '../facade/offline-sync.service';
import { OfflineSyncError } from '../model/sync-error';
import { SyncEvent } from '../model/sync-event';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { eventually, readRaw, uniqueDatabase } from '../../testing-support/test-database';
import { Project, ProjectSync, Todo, TodoSync } from '../../testing-support/test-entities';
import { OfflineSyncModule } from './offline-sync.module';
import { provideOfflineSync } from './provide-offline-sync';
import { provideSyncEntities } from './provide-sync-entities';
import { withEncryption } from './with-encryption';

@Component({ template: '' })
class EmptyPage {}

@NgModule({
  imports: [
    OfflineSyncModule.forFeature(ProjectSync),
    RouterModule.forChild([{ path: '', component: EmptyPage }]),
  ],
})
class ProjectsModule {}

/** The same app, set up through either front door. */
interface FrontDoor {
  readonly name: string;
  setUp(databaseName: string): void;
}

const lazyStandaloneRoutes: Routes = [
  { path: 'projects', providers: [provideSyncEntities(ProjectSync)], component: EmptyPage },
];
const lazyModuleRoutes: Routes = [
  { path: 'projects', loadChildren: () => Promise.resolve(ProjectsModule) },
];

const frontDoors: FrontDoor[] = [
  {
    name: 'provideOfflineSync() (standalone)',
    setUp: (databaseName) =>
      TestBed.configureTestingModule({
        providers: [
          provideStore(),
          provideOfflineSync({ databaseName, entities: [TodoSync] }),
          provideRouter(lazyStandaloneRoutes),
        ],
      }),
  },
  {
    name: 'OfflineSyncModule.forRoot() (NgModule)',
    setUp: (databaseName) =>
      TestBed.configureTestingModule({
        imports: [
          StoreModule.forRoot({}),
          OfflineSyncModule.forRoot({ databaseName, entities: [TodoSync] }),
          RouterModule.forRoot(lazyModuleRoutes),
        ],
      }),
  },
];

for (const door of frontDoors) {
  describe(`offline-sync-kit through ${door.name}`, () => {
    let db: ReturnType<typeof uniqueDatabase>;

    /** Starts (or restarts, like a page reload) the app on the spec's database. */
    async function startApp() {
      TestBed.resetTestingModule();
      door.setUp(db.name);
      const sync = TestBed.inject(OfflineSyncService);
      await sync.whenHydrated();
      return { sync, store: TestBed.inject(Store) };
    }

    beforeEach(() => (db = uniqueDatabase('doors')));
    afterEach(async () => {
      TestBed.resetTestingModule(); // closes the database connection
      await db.cleanup();
    });

    it('applies a save to the store at once and resolves once record and outbox entry are stored', async () => {
      const { sync, store } = await startApp();
      const saving = sync.saveModel<Todo>('todo', { title: 'Milk', done: false });
      // Optimistic: the store has it before the transaction committed.
      expect(
        store
          .selectSignal(TodoSync.selectors.selectAll)()
          .map((t) => t.title)
      ).toEqual(['Milk']);
      const saved = await saving;
      expect(saved.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
      );
      expect(store.selectSignal(TodoSync.selectors.selectMetaById(saved.id))()?.state).toBe(
        'pending'
      );
      expect(store.selectSignal(offlineSyncFeature.selectPendingCount)()).toBe(1);
      const { records, outbox } = await readRaw(db.name);
      expect(records.map((r) => r.data)).toEqual([{ title: 'Milk', done: false, id: saved.id }]);
      expect(outbox.map((m) => [m.op, m.recordId])).toEqual([['create', saved.id]]);
    });

    it('hydrates every record and keeps the outbox when the app is re-created on the same database', async () => {
      let { sync } = await startApp();
      const a = await sync.saveModel<Todo>('todo', { title: 'A', done: false });
      const b = await sync.saveModel<Todo>('todo', { title: 'B', done: false });
      const c = await sync.saveModel<Todo>('todo', { title: 'C', done: false });
      await sync.updateModel<Todo>('todo', b.id, { done: true });
      await sync.deleteModel('todo', c.id);
      const before = await readRaw(db.name);

      ({ sync } = await startApp());
      const todos = await sync.getAllModels<Todo>('todo');
      expect(todos.map((t) => [t.id, t.title, t.done]).sort()).toEqual(
        [
          [a.id, 'A', false],
          [b.id, 'B', true],
        ].sort()
      );
      const after = await readRaw(db.name);
      expect(after.outbox).toEqual(before.outbox);
      expect(after.outbox.map((m) => m.op)).toEqual(['create', 'create']);
      expect(sync.currentStatus().pendingChanges).toBe(2);
      expect(sync.currentStatus().phase).toBe('idle');
      const store = TestBed.inject(Store);
      expect(store.selectSignal(TodoSync.selectors.selectMetaById(a.id))()?.state).toBe('pending');
    });

    it('registers and hydrates an entity type when its lazy route loads', async () => {
      // A previous session stored projects (the type was registered then).
      let { sync } = await startApp();
      TestBed.inject(Router).navigateByUrl('/projects');
      await eventually(
        () => TestBed.inject(Store).selectSignal(ProjectSync.selectors.selectIsHydrated)(),
        'projects hydrated'
      );
      await sync.saveModel<Project>('project', { id: 'p1', name: 'Garden' });

      ({ sync } = await startApp());
      const store = TestBed.inject(Store);
      expect(store.selectSignal(ProjectSync.selectors.selectTotal)()).toBe(0); // not registered yet
      await expectAsync(sync.getAllModels('project')).toBeRejectedWith(
        jasmine.any(OfflineSyncError)
      );
      await TestBed.inject(Router).navigateByUrl('/projects');
      await eventually(
        () => store.selectSignal(ProjectSync.selectors.selectIsHydrated)(),
        'projects hydrated'
      );
      expect(store.selectSignal(ProjectSync.selectors.selectAll)()).toEqual([
        { id: 'p1', name: 'Garden' },
      ]);
      expect(store.selectSignal(offlineSyncFeature.selectHydration)()).toEqual({
        todo: true,
        project: true,
      });
      expect(await sync.getModel<Project>('project', 'p1')).toEqual({ id: 'p1', name: 'Garden' });
    });

    it('rolls the store back to what is stored and rejects with a typed error when a write fails', async () => {
      const { sync, store } = await startApp();
      const kept = await sync.saveModel<Todo>('todo', { title: 'Kept', done: false });
      const error = await sync
        .updateModel<Todo>('todo', kept.id, { title: (() => 'not storable') as unknown as string })
        .then(
          () => null,
          (e: unknown) => e as OfflineSyncError
        );
      expect(error).toEqual(jasmine.any(OfflineSyncError));
      expect(error?.kind).toBe('storage');
      expect(error?.recordId).toBe(kept.id);
      expect(store.selectSignal(TodoSync.selectors.selectById(kept.id))()?.title).toBe('Kept');
      expect(store.selectSignal(offlineSyncFeature.selectLastError)()?.kind).toBe('storage');
      const { records } = await readRaw(db.name);
      expect(records.map((r) => r.data['title'])).toEqual(['Kept']);
    });

    it('rejects an update of an unknown record with not-found and leaves the store as it was', async () => {
      const { sync, store } = await startApp();
      await expectAsync(sync.updateModel<Todo>('todo', 'missing', { done: true })).toBeRejectedWith(
        jasmine.objectContaining({ kind: 'not-found', recordId: 'missing' })
      );
      expect(store.selectSignal(TodoSync.selectors.selectTotal)()).toBe(0);
    });

    it('resolves an update that was stored, even when a delete made right after it removed the record', async () => {
      const { sync } = await startApp();
      const todo = await sync.saveModel<Todo>('todo', { title: 'Milk', done: false });
      const updating = sync.updateModel<Todo>('todo', todo.id, { done: true });
      const deleting = sync.deleteModel('todo', todo.id);

      expect(await updating).toEqual({ ...todo, done: true }); // as the update stored it
      await deleting;
      const { records, outbox } = await readRaw(db.name);
      expect(records).toEqual([]);
      expect(outbox).toEqual([]); // create + update + delete: nothing left to send
    });

    it('says changes are unsaved until they are durable', async () => {
      const { sync } = await startApp();
      expect(sync.hasUnsavedWrites()).toBeFalse();
      const saving = sync.saveModel<Todo>('todo', { title: 'Tea', done: false });
      expect(sync.hasUnsavedWrites()).toBeTrue();
      await saving;
      expect(sync.hasUnsavedWrites()).toBeFalse();
    });

    it('persists entity actions the app dispatches itself', async () => {
      const { store } = await startApp();
      store.dispatch(
        TodoSync.actions.added({ record: { id: 'raw-1', title: 'Raw', done: false } })
      );
      await eventually(
        async () => (await readRaw(db.name)).outbox.length === 1,
        'the outbox entry'
      );
      const { records } = await readRaw(db.name);
      expect(records.map((r) => r.id)).toEqual(['raw-1']);
    });

    it('reports durable local changes on events$', async () => {
      const { sync } = await startApp();
      const events = firstValueFrom(sync.events$.pipe(take(3), toArray()));
      const todo = await sync.saveModel<Todo>('todo', { title: 'E', done: false });
      await sync.updateModel<Todo>('todo', todo.id, { done: true });
      await sync.deleteModel('todo', todo.id);
      expect((await events).map((e: SyncEvent) => [e.type, e.id, e.source])).toEqual([
        ['modelAdded', todo.id, 'local'],
        ['modelUpdated', todo.id, 'local'],
        ['modelDeleted', todo.id, 'local'],
      ]);
    });
  });
}

describe('offline-sync-kit setup errors', () => {
  afterEach(() => TestBed.resetTestingModule());

  function setUpWith(providers: (Provider | EnvironmentProviders)[]) {
    TestBed.configureTestingModule({ providers });
  }

  it('refuses a second root setup in the same injector with a config error', () => {
    setUpWith([
      provideStore(),
      provideOfflineSync({ databaseName: 'a' }),
      provideOfflineSync({ databaseName: 'b' }),
    ]);
    expect(() => TestBed.inject(OfflineSyncService)).toThrowMatching(
      (e) => e instanceof OfflineSyncError && e.kind === 'config' && /set up twice/.test(e.message)
    );
  });

  it('refuses a root setup in a child injector (forRoot in a lazy module)', async () => {
    @NgModule({ imports: [OfflineSyncModule.forRoot({ databaseName: 'child' })] })
    class WrongLazyModule {}
    TestBed.configureTestingModule({
      imports: [
        StoreModule.forRoot({}),
        OfflineSyncModule.forRoot({ databaseName: uniqueDatabase('guard').name }),
        RouterModule.forRoot([
          { path: 'wrong', loadChildren: () => Promise.resolve(WrongLazyModule) },
        ]),
      ],
    });
    await expectAsync(TestBed.inject(Router).navigateByUrl('/wrong')).toBeRejectedWith(
      jasmine.objectContaining({
        kind: 'config',
        message: jasmine.stringContaining('set up twice'),
      })
    );
  });

  it('explains that provideSyncEntities() needs a root setup', () => {
    setUpWith([provideStore(), provideSyncEntities(TodoSync)]);
    expect(() => TestBed.inject(Store)).toThrowMatching(
      (e) =>
        e instanceof OfflineSyncError &&
        e.kind === 'config' &&
        /needs provideOfflineSync/.test(e.message)
    );
  });

  it('rejects an invalid config with a message naming the field', () => {
    expect(() => provideOfflineSync({ databaseName: ' ' })).toThrowMatching(
      (e) => e instanceof OfflineSyncError && e.kind === 'config' && /databaseName/.test(e.message)
    );
    expect(() => provideOfflineSync({ entities: [TodoSync, TodoSync] })).toThrowMatching(
      (e) => e instanceof OfflineSyncError && /"todo" is listed twice/.test(e.message)
    );
  });
});

describe('withEncryption() through both front doors', () => {
  const key = { key: new Uint8Array(32).fill(9) };
  let db: ReturnType<typeof uniqueDatabase>;

  beforeEach(() => (db = uniqueDatabase('doors-encrypted')));
  afterEach(async () => {
    TestBed.resetTestingModule();
    await db.cleanup();
  });

  const setUps: [string, () => void][] = [
    [
      'provideOfflineSync()',
      () =>
        TestBed.configureTestingModule({
          providers: [
            provideStore(),
            provideOfflineSync(
              { databaseName: db.name, entities: [TodoSync] },
              withEncryption(key)
            ),
          ],
        }),
    ],
    [
      'OfflineSyncModule.forRoot()',
      () =>
        TestBed.configureTestingModule({
          imports: [
            StoreModule.forRoot({}),
            OfflineSyncModule.forRoot(
              { databaseName: db.name, entities: [TodoSync] },
              withEncryption(key)
            ),
          ],
        }),
    ],
  ];

  for (const [name, setUp] of setUps) {
    it(`stores encrypted and reads back after a restart (${name})`, async () => {
      setUp();
      const sync = TestBed.inject(OfflineSyncService);
      await sync.whenHydrated();
      const todo = await sync.saveModel<Todo>('todo', { title: 'door-secret', done: false });
      expect(sync.isEncryptionEnabled()).toBeTrue();
      const { records, outbox } = await readRaw(db.name);
      expect(JSON.stringify([records, outbox])).not.toContain('door-secret');
      TestBed.resetTestingModule();
      setUp();
      const again = TestBed.inject(OfflineSyncService);
      await again.whenHydrated();
      expect(again.currentStatus().encryption).toBe('on');
      expect(
        TestBed.inject(Store).selectSignal(TodoSync.selectors.selectById(todo.id))()?.title
      ).toBe('door-secret');
    });
  }

  it('refuses encryption configured twice, and too few PBKDF2 iterations, with config errors', () => {
    expect(() =>
      provideOfflineSync({ databaseName: db.name }, withEncryption(key), withEncryption(key))
    ).toThrowMatching(
      (e) => e instanceof OfflineSyncError && /encryption is configured twice/.test(e.message)
    );
    expect(() => withEncryption({ passphrase: 'p', iterations: 1_000 })).toThrowMatching(
      (e) =>
        e instanceof OfflineSyncError && e.kind === 'config' && /at least 100,000/.test(e.message)
    );
  });
});
