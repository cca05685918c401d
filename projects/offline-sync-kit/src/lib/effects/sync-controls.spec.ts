import { TestBed } from '@angular/core/testing';
import { provideStore } from '@ngrx/store';
import { VirtualTimeScheduler } from 'rxjs';
import { OfflineSyncService } from '../facade/offline-sync.service';
import { OfflineSyncError } from '../model/sync-error';
import { provideOfflineSync } from '../providers/provide-offline-sync';
import { SyncOptionsRef } from '../providers/sync-options-ref';
import { SYNC_SCHEDULER } from '../providers/tokens';
import { NetworkStatus } from '../transport/network-status';
import { SyncTransport } from '../transport/sync-transport';
import { FakeNetworkStatus, FakeSyncBackend } from '../../testing-support/fake-sync-backend';
import { eventually, uniqueDatabase } from '../../testing-support/test-database';
import { TodoSync } from '../../testing-support/test-entities';

describe('periodic sync and run-time sync options', () => {
  let db: ReturnType<typeof uniqueDatabase>;
  let backend: FakeSyncBackend;
  let scheduler: VirtualTimeScheduler;

  function start() {
    TestBed.configureTestingModule({
      providers: [
        provideStore(),
        provideOfflineSync({
          databaseName: db.name,
          entities: [TodoSync],
          sync: { serverUrl: 'http://backend.test', syncInterval: 1000, pushDebounce: 0 },
        }),
        { provide: SyncTransport, useValue: backend },
        { provide: NetworkStatus, useValue: new FakeNetworkStatus() },
        { provide: SYNC_SCHEDULER, useValue: scheduler },
      ],
    });
    return TestBed.inject(OfflineSyncService);
  }

  /** Runs the virtual timers due within `ms`, then lets the syncs they started finish. */
  async function advance(ms: number, sync: OfflineSyncService) {
    scheduler.maxFrames = scheduler.frame + ms;
    scheduler.flush();
    await eventually(() => !sync.currentStatus().isSyncing, 'the syncs to settle');
    await sync.syncAll(); // waits for any cycle the timers queued
  }

  beforeEach(() => {
    db = uniqueDatabase('controls');
    backend = new FakeSyncBackend();
    scheduler = new VirtualTimeScheduler();
  });

  afterEach(async () => {
    TestBed.resetTestingModule();
    await db.cleanup();
  });

  it('syncs on the interval, stops and starts again on request', async () => {
    const sync = start();
    await sync.whenHydrated();
    await sync.syncAll();
    const pulls = () => backend.pulls.length;

    let before = pulls();
    await advance(1000, sync);
    expect(pulls()).toBeGreaterThan(before); // the interval ran a sync

    sync.stopPeriodicSync();
    expect(scheduler.actions.filter((a) => a.delay > scheduler.frame).length).toBe(0);
    before = pulls();
    await advance(5000, sync);
    expect(pulls() - before).toBe(1); // only the syncAll() of advance() itself

    sync.startPeriodicSync();
    expect(scheduler.actions.some((a) => a.delay === scheduler.frame + 1000)).toBeTrue();
  });

  it('applies new options at run time and refuses bad ones, keeping the old', async () => {
    const sync = start();
    await sync.whenHydrated();
    sync.updateSyncOptions({ syncInterval: 250, batchSize: 7 });
    const options = TestBed.inject(SyncOptionsRef).current();
    expect(options.batchSize).toBe(7);
    expect(scheduler.actions.some((a) => a.delay === scheduler.frame + 250)).toBeTrue();

    expect(() => sync.updateSyncOptions({ batchSize: 0 })).toThrowMatching(
      (e) => e instanceof OfflineSyncError && e.kind === 'config' && /batchSize/.test(e.message)
    );
    expect(TestBed.inject(SyncOptionsRef).current().batchSize).toBe(7);
  });
});
