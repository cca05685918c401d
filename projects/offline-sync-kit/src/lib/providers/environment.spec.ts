import { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideStore, Store } from '@ngrx/store';
import { firstValueFrom, filter } from 'rxjs';
import { OfflineSyncService } from '../facade/offline-sync.service';
import { OfflineSyncError } from '../model/sync-error';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { eventually, openRawIndexedDb, uniqueDatabase } from '../../testing-support/test-database';
import { Todo, TodoSync } from '../../testing-support/test-entities';
import { OfflineSyncConfig } from './offline-sync-config';
import { provideOfflineSync } from './provide-offline-sync';
import { defineSyncEntity } from '../state/define-sync-entity';
import { INDEXED_DB, STORAGE_MANAGER } from './tokens';

describe('offline-sync-kit in its environment', () => {
  let db: ReturnType<typeof uniqueDatabase>;

  /** Sets up a fresh app with the kit on the spec's database (plus any overriding providers). */
  function startKit(config: OfflineSyncConfig, ...overrides: Provider[]): void {
    TestBed.configureTestingModule({
      providers: [provideStore(), provideOfflineSync(config), ...overrides],
    });
  }

  beforeEach(() => (db = uniqueDatabase('env')));
  afterEach(async () => {
    TestBed.resetTestingModule();
    await db.cleanup();
  });

  it('stays idle and says so when there is no IndexedDB (server-side rendering)', async () => {
    startKit(
      { databaseName: db.name, entities: [TodoSync] },
      { provide: INDEXED_DB, useValue: null }
    );
    const sync = TestBed.inject(OfflineSyncService);
    const store = TestBed.inject(Store);
    await expectAsync(sync.whenHydrated()).toBeRejectedWith(jasmine.any(OfflineSyncError));
    expect(sync.currentStatus().phase).toBe('error');
    expect(sync.currentStatus().lastError?.message).toContain('IndexedDB is not available');
    await expectAsync(sync.saveModel<Todo>('todo', { title: 'x', done: false })).toBeRejectedWith(
      jasmine.objectContaining({ kind: 'storage' })
    );
    expect(store.selectSignal(TodoSync.selectors.selectTotal)()).toBe(0); // rolled back
  });

  it('rejects instead of waiting for ever when stored records of a type cannot be loaded', async () => {
    startKit({ databaseName: db.name, entities: [TodoSync] });
    await TestBed.inject(OfflineSyncService).saveModel<Todo>('todo', {
      title: 'stored',
      done: false,
    });
    TestBed.resetTestingModule();
    const Broken = defineSyncEntity<Todo>({
      modelType: 'todo',
      endpoint: 'todos',
      serialize: (todo) => ({ ...todo }),
      deserialize: () => {
        throw new Error('bad shape');
      },
    });
    startKit({ databaseName: db.name, entities: [Broken] });
    const sync = TestBed.inject(OfflineSyncService);
    await expectAsync(sync.whenHydrated()).toBeRejectedWith(
      jasmine.objectContaining({
        kind: 'storage',
        message: jasmine.stringMatching(/todo records .*bad shape.*deserialize/),
      })
    );
    await expectAsync(sync.getAllModels('todo')).toBeRejectedWith(
      jasmine.objectContaining({ modelType: 'todo' })
    );
  });

  it('asks for persistent storage when configured and puts the outcome in state', async () => {
    const persist = jasmine.createSpy('persist').and.resolveTo(true);
    startKit(
      { databaseName: db.name, requestPersistentStorage: true },
      { provide: STORAGE_MANAGER, useValue: { persist, persisted: async () => true } }
    );
    const store = TestBed.inject(Store);
    TestBed.inject(OfflineSyncService);
    await firstValueFrom(
      store
        .select(offlineSyncFeature.selectPersistentStorage)
        .pipe(filter((s) => s !== 'not-requested'))
    );
    expect(store.selectSignal(offlineSyncFeature.selectPersistentStorage)()).toBe('granted');
    expect(persist).toHaveBeenCalledTimes(1);
  });

  it('reports "unsupported" without a StorageManager and "denied" when the browser says no', async () => {
    startKit({ databaseName: db.name }, { provide: STORAGE_MANAGER, useValue: null });
    expect(await TestBed.inject(OfflineSyncService).requestPersistentStorage()).toBe('unsupported');
    TestBed.resetTestingModule();
    startKit(
      { databaseName: db.name },
      {
        provide: STORAGE_MANAGER,
        useValue: { persist: async () => false, persisted: async () => false },
      }
    );
    expect(await TestBed.inject(OfflineSyncService).requestPersistentStorage()).toBe('denied');
    expect(TestBed.inject(Store).selectSignal(offlineSyncFeature.selectPersistentStorage)()).toBe(
      'denied'
    );
  });

  it('uses the real navigator.storage.persist() by default', async () => {
    startKit({ databaseName: db.name });
    const outcome = await TestBed.inject(OfflineSyncService).requestPersistentStorage();
    expect(outcome).toBe((await navigator.storage.persisted()) ? 'granted' : 'denied');
  });

  it('goes unavailable with an actionable error when another tab upgrades the database', async () => {
    startKit({ databaseName: db.name, entities: [TodoSync] });
    const sync = TestBed.inject(OfflineSyncService);
    await sync.whenHydrated();
    (await openRawIndexedDb(db.name, 1000)).close();
    await eventually(() => sync.currentStatus().phase === 'error', 'the error phase');
    expect(sync.currentStatus().lastError?.message).toContain('Reload the page');
    await expectAsync(
      sync.saveModel<Todo>('todo', { title: 'late', done: false })
    ).toBeRejectedWith(jasmine.objectContaining({ kind: 'storage' }));
  });

  it('exposes every status selector through store.selectSignal', async () => {
    startKit({ databaseName: db.name, entities: [TodoSync] });
    const store = TestBed.inject(Store);
    const phase = store.selectSignal(offlineSyncFeature.selectSyncPhase);
    expect(phase()).toBe('hydrating');
    await TestBed.inject(OfflineSyncService).whenHydrated();
    expect(phase()).toBe('idle');
    expect(store.selectSignal(offlineSyncFeature.selectSyncStatus)()).toEqual({
      phase: 'idle',
      connection: jasmine.any(String),
      isOnline: jasmine.any(Boolean),
      isSyncing: false,
      pendingChanges: 0,
      failedChanges: 0,
      webSocket: 'disconnected',
      encryption: 'off',
      openConflicts: 0,
      lastSyncTime: null,
      lastError: null,
      nextRetryAt: null,
    });
    expect(store.selectSignal(offlineSyncFeature.selectIsHydrated)()).toBeTrue();
  });
});
