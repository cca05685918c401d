/**
 * The built library in Node, where there is no window, navigator or IndexedDB (as under
 * server-side rendering): importing it must not touch them, and a configured app must stay idle
 * and say why instead of crashing. Runs against `dist/`, so `ng build offline-sync-kit` first.
 */
import '@angular/compiler'; // links the partially compiled library at run time (JIT)
import {
  createEnvironmentInjector,
  ErrorHandler,
  Injector,
  ɵINJECTOR_SCOPE as INJECTOR_SCOPE,
} from '@angular/core';
import { provideStore, Store } from '@ngrx/store';

describe('offline-sync-kit without a browser (server-side rendering)', () => {
  let kit;
  let injector;

  beforeAll(async () => {
    expect('window' in globalThis).toBeFalse();
    expect('indexedDB' in globalThis).toBeFalse();
    kit = await import('../../../dist/offline-sync-kit/fesm2022/offline-sync-kit.mjs');
  });

  beforeEach(() => {
    const Todo = kit.defineSyncEntity({ modelType: 'todo', endpoint: 'todos' });
    injector = createEnvironmentInjector(
      [
        // What an application injector has: the root scope (for `providedIn: 'root'`) and an ErrorHandler.
        { provide: INJECTOR_SCOPE, useValue: 'root' },
        { provide: ErrorHandler, useClass: ErrorHandler },
        provideStore(),
        kit.provideOfflineSync({ databaseName: 'ssr', entities: [Todo] }),
      ],
      Injector.NULL
    );
  });

  afterEach(() => injector.destroy());

  it('imports and starts without touching browser globals, then reports itself unavailable', async () => {
    const sync = injector.get(kit.OfflineSyncService);
    const error = await sync.whenHydrated().then(
      () => null,
      (e) => e
    );
    expect(error).toEqual(jasmine.any(kit.OfflineSyncError));
    expect(sync.currentStatus().phase).toBe('error');
    expect(sync.currentStatus().lastError.message).toContain('IndexedDB is not available');
  });

  it('rejects writes with a typed storage error and keeps the store empty', async () => {
    const sync = injector.get(kit.OfflineSyncService);
    const store = injector.get(Store);
    const error = await sync.saveModel('todo', { title: 'offline on the server?' }).then(
      () => null,
      (e) => e
    );
    expect(error?.kind).toBe('storage');
    const todos = await new Promise((resolve) =>
      store.select((s) => s['offlineSync:todo']?.ids).subscribe(resolve)
    );
    expect(todos).toEqual([]);
  });
});
