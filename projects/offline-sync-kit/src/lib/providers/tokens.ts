import { inject, Injectable, InjectionToken } from '@angular/core';
import { asyncScheduler, SchedulerLike } from 'rxjs';
import { formatUuidV7 } from '../core/uuid-v7';
import { ResolvedOfflineSyncConfig } from './offline-sync-config';
import { OfflineSyncError } from '../model/sync-error';

/**
 * The resolved configuration given to `provideOfflineSync()` / `OfflineSyncModule.forRoot()`.
 *
 * @example
 * const { databaseName } = inject(OFFLINE_SYNC_CONFIG);
 */
export const OFFLINE_SYNC_CONFIG = new InjectionToken<ResolvedOfflineSyncConfig>(
  'offline-sync-kit Config',
  {
    providedIn: 'root',
    factory: () => {
      throw new OfflineSyncError(
        'config',
        'offline-sync-kit is not set up: add provideOfflineSync({...}) to the application providers ' +
          '(or import OfflineSyncModule.forRoot({...})).'
      );
    },
  }
);

/**
 * The kit's clock, in ms since the epoch. Override it in tests to control time.
 *
 * @example
 * { provide: SYNC_CLOCK, useValue: () => 1_732_400_000_000 }
 */
export const SYNC_CLOCK = new InjectionToken<() => number>('offline-sync-kit Clock', {
  providedIn: 'root',
  factory: () => () => Date.now(),
});

/**
 * The browser's `StorageManager` (`navigator.storage`), or `null` where there is none (server-side
 * rendering). Looked up lazily so importing the kit never touches `navigator`.
 *
 * @example
 * { provide: STORAGE_MANAGER, useValue: { persist: async () => true, persisted: async () => true } }
 */
export const STORAGE_MANAGER = new InjectionToken<Pick<
  StorageManager,
  'persist' | 'persisted'
> | null>('offline-sync-kit StorageManager', {
  providedIn: 'root',
  factory: () => (globalThis as { navigator?: Navigator }).navigator?.storage ?? null,
});

/**
 * Makes ids for new records and outbox entries. The default makes UUID v7 (time-ordered); provide
 * your own class to use another scheme.
 *
 * @example
 * @Injectable() class SeqIds extends SyncIdGenerator { private n = 0; next() { return `id-${++this.n}`; } }
 * providers: [{ provide: SyncIdGenerator, useClass: SeqIds }]
 */
@Injectable({ providedIn: 'root', useFactory: () => new UuidV7Generator(inject(SYNC_CLOCK)) })
export abstract class SyncIdGenerator {
  /** A new unique id. */
  abstract next(): string;
}

/**
 * The default {@link SyncIdGenerator}: UUID v7 from the wall clock and `crypto.getRandomValues`.
 *
 * @example
 * new UuidV7Generator().next(); // '0193597c-8a2e-7b41-9c3d-5e6f7a8b9c0d'
 */
export class UuidV7Generator extends SyncIdGenerator {
  constructor(private readonly clock: () => number = () => Date.now()) {
    super();
  }

  next(): string {
    const random = new Uint8Array(10);
    globalThis.crypto.getRandomValues(random);
    return formatUuidV7(this.clock(), random);
  }
}

/**
 * The IndexedDB factory the kit stores into, or `null` where there is none (server-side rendering,
 * some test runners): the kit then stays idle and says so in state. Looked up lazily.
 *
 * @example
 * { provide: INDEXED_DB, useValue: null } // e.g. in a server-side rendering config
 */
export const INDEXED_DB = new InjectionToken<IDBFactory | null>('offline-sync-kit IndexedDB', {
  providedIn: 'root',
  factory: () => (globalThis as { indexedDB?: IDBFactory }).indexedDB ?? null,
});

/**
 * The RxJS scheduler for the kit's timers (push debounce, retry backoff, the sync interval).
 * Tests provide a `TestScheduler` or `VirtualTimeScheduler` so no spec waits for real time.
 *
 * @example
 * { provide: SYNC_SCHEDULER, useValue: new VirtualTimeScheduler() }
 */
export const SYNC_SCHEDULER = new InjectionToken<SchedulerLike>('offline-sync-kit Scheduler', {
  providedIn: 'root',
  factory: () => asyncScheduler,
});

/**
 * Random numbers in [0, 1) for retry jitter. Override in tests for a predictable schedule.
 *
 * @example
 * { provide: SYNC_RANDOM, useValue: () => 0.5 }
 */
export const SYNC_RANDOM = new InjectionToken<() => number>('offline-sync-kit Random', {
  providedIn: 'root',
  factory: () => Math.random,
});
