import { provideHttpClient, withFetch } from '@angular/common/http';
import { ApplicationRef, provideZonelessChangeDetection } from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { provideStore, Store } from '@ngrx/store';
import { OfflineSyncService } from '../facade/offline-sync.service';
import { provideOfflineSync } from '../providers/provide-offline-sync';
import { defineSyncEntity, SyncEntityDefinition } from '../state/define-sync-entity';
import { SyncOptions } from '../model/sync-options';
import { eventually, uniqueDatabase } from '../../testing-support/test-database';
import {
  clearFaults,
  faultLog,
  setFaults,
  syncServer,
  uniqueCollection,
} from '../../testing-support/sync-server-under-test';

interface Note {
  id: string;
  text: string;
}

describe('two app instances on one database (as two tabs)', () => {
  let db: ReturnType<typeof uniqueDatabase>;
  let apps: ApplicationRef[];
  let NoteSync: SyncEntityDefinition<Note>;

  /** A whole application with its own store, as a second tab would have; only the database is shared. */
  async function startApp(options: SyncOptions = {}) {
    const app = await createApplication({
      providers: [
        provideZonelessChangeDetection(),
        provideHttpClient(withFetch()),
        provideStore(),
        provideOfflineSync({
          databaseName: db.name,
          entities: [NoteSync],
          sync: { serverUrl: syncServer().proxyUrl, syncInterval: 0, pushDebounce: 0, ...options },
        }),
      ],
    });
    apps.push(app);
    const store = app.injector.get(Store);
    return {
      sync: app.injector.get(OfflineSyncService),
      notes: () => store.selectSignal(NoteSync.selectors.selectAll)(),
    };
  }

  beforeEach(async () => {
    db = uniqueDatabase('tabs');
    // A collection per spec: records another spec pushed must not be pulled into this one.
    NoteSync = defineSyncEntity<Note>({ modelType: 'note', endpoint: uniqueCollection('notes') });
    apps = [];
    await clearFaults();
  });

  afterEach(async () => {
    apps.forEach((app) => app.destroy());
    await clearFaults();
    await db.cleanup();
  });

  it('shows each instance the other one’s changes without a reload', async () => {
    const a = await startApp();
    const b = await startApp();
    await Promise.all([a.sync.whenHydrated(), b.sync.whenHydrated()]);
    await a.sync.saveModel<Note>('note', { id: 'from-a', text: 'written in A' });
    await eventually(() => b.notes().some((n) => n.id === 'from-a'), 'A’s note in B');
    await b.sync.updateModel<Note>('note', 'from-a', { text: 'edited in B' });
    await eventually(
      () => a.notes().find((n) => n.id === 'from-a')?.text === 'edited in B',
      'B’s edit in A'
    );
  });

  it('lets only one instance push at a time, so every change goes to the server once', async () => {
    await setFaults([{ match: { method: 'POST' }, times: 'always', delay: { ms: 20 } }]);
    const a = await startApp();
    const b = await startApp();
    await Promise.all([a.sync.whenHydrated(), b.sync.whenHydrated()]);
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? a : b).sync.saveModel<Note>('note', { id: `n${i}`, text: `${i}` })
      )
    );
    await Promise.all([a.sync.syncAll(), b.sync.syncAll(), a.sync.syncAll(), b.sync.syncAll()]);
    await eventually(
      () =>
        a.sync.currentStatus().pendingChanges === 0 && b.sync.currentStatus().pendingChanges === 0,
      'both outboxes empty'
    );
    const posts = (await faultLog()).filter((entry) => entry.method === 'POST');
    expect(posts.length).toBe(6); // one request per note: no instance sent what the other sent
    expect(new Set(posts.map((p) => p.path)).size).toBe(1);
    await eventually(
      () => b.notes().length === 6 && a.notes().length === 6,
      'both stores hold every note'
    );
  });

  it('shows a conflict met in one instance in the other, and its resolution in both', async () => {
    const a = await startApp({ conflicts: { strategy: 'manual' } });
    const b = await startApp({ conflicts: { strategy: 'manual' } });
    await Promise.all([a.sync.whenHydrated(), b.sync.whenHydrated()]);
    await a.sync.saveModel<Note>('note', { id: 'n1', text: 'first' });
    await a.sync.syncAll();
    // Another device changes it on the server: version 2.
    const changed = await fetch(`${syncServer().url}/${NoteSync.endpoint}/n1`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': '"1"' },
      body: JSON.stringify({ text: 'from another device' }),
    });
    expect(changed.status).toBe(200);
    await a.sync.updateModel<Note>('note', 'n1', { text: 'from this device' });
    await a.sync.syncAll();
    expect(a.sync.conflicts().length).toBe(1);
    await eventually(() => b.sync.conflicts().length === 1, 'the conflict in the other instance');

    await b.sync.resolveConflict('note', 'n1', 'local');
    await eventually(() => a.sync.conflicts().length === 0, 'the resolution in the first instance');
    await b.sync.syncAll();
    await eventually(
      () => a.notes().find((n) => n.id === 'n1')?.text === 'from this device',
      'the resolved note in the first instance'
    );
  });
});
