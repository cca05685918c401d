import { DestroyRef, inject, Injectable } from '@angular/core';
import { EffectSources, EffectsRunner } from '@ngrx/effects';
import { ReducerManager, Store } from '@ngrx/store';
import { toSyncErrorInfo } from '../model/sync-error';
import { PersistentStorageState } from '../model/sync-status';
import { OFFLINE_SYNC_CONFIG, STORAGE_MANAGER } from '../providers/tokens';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { OfflineSyncStorageActions } from '../state/offline-sync-storage.actions';
import { PersistenceEffects } from './persistence.effects';
import { SyncEngine } from './sync-engine';
import { SyncTriggerEffects } from './sync-trigger.effects';
import { SyncStorage } from '../storage/sync-storage';
import { SyncEntityRegistry } from './sync-entity-registry';
import { ConflictEffects } from './conflict.effects';
import { ServerClock } from '../providers/server-clock';
import { RealtimeSync } from './realtime-sync';
import { EncryptionReporting } from './encryption-reporting';

/**
 * Starts the kit once per app: opens the database, reports what happens to it, registers the
 * root entity types (which hydrates them) and asks for persistent storage if configured.
 *
 * @example
 * provideEnvironmentInitializer(() => inject(SyncBootstrap).start()) // done by provideOfflineSync()
 */
@Injectable()
export class SyncBootstrap {
  private readonly store = inject(Store);
  private readonly storage = inject(SyncStorage);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly config = inject(OFFLINE_SYNC_CONFIG);
  private readonly storageManager = inject(STORAGE_MANAGER);
  private readonly destroyRef = inject(DestroyRef);
  private readonly reducers = inject(ReducerManager);
  private readonly effectsRunner = inject(EffectsRunner);
  private readonly effectSources = inject(EffectSources);
  private readonly persistenceEffects = inject(PersistenceEffects);
  private readonly triggerEffects = inject(SyncTriggerEffects);
  private readonly conflictEffects = inject(ConflictEffects);
  private readonly serverClock = inject(ServerClock);
  private readonly engine = inject(SyncEngine);
  private readonly encryptionReporting = inject(EncryptionReporting);
  // Only with withWebSocket().
  private readonly realtime = inject(RealtimeSync, { optional: true });
  private reloaded: Promise<void> = Promise.resolve();

  /**
   * Resolves once a database that was locked (encryption key missing or wrong) and got its key
   * has been opened and loaded again; at once when nothing was locked.
   */
  whenReloadedAfterUnlock(): Promise<void> {
    return this.reloaded;
  }

  /** Adds the kit's state and effects to the store, opens the database, registers the root types. */
  start(): void {
    // Registered by hand rather than with provideState()/provideEffects(), which only work under
    // provideStore(): this way StoreModule.forRoot() apps are served by the same code.
    this.reducers.addReducer(offlineSyncFeature.name, offlineSyncFeature.reducer);
    if (!this.effectsRunner.isStarted) this.effectsRunner.start();
    this.effectSources.addEffects(this.persistenceEffects);
    this.effectSources.addEffects(this.triggerEffects);
    this.effectSources.addEffects(this.conflictEffects);

    const problems = this.storage.problems$.subscribe(({ kind, error }) => {
      const info = error.toInfo();
      this.store.dispatch(
        kind === 'closed'
          ? OfflineSyncStorageActions.databaseUnavailable({ error: info })
          : OfflineSyncStorageActions.databaseBlocked({ error: info })
      );
    });
    // A locked database (wrong or missing key) that gets its key: load what could not load.
    const encryption = this.encryptionReporting.start(() => {
      this.reloaded = Promise.all([this.open(), this.registry.retryFailedHydration()]).then(
        () => undefined
      );
    });
    this.destroyRef.onDestroy(() => {
      problems.unsubscribe();
      encryption.unsubscribe();
      this.engine.stop();
      this.storage.close();
    });
    void this.open();
    this.registry.register(this.config.entities);
    if (this.config.requestPersistentStorage) void this.requestPersistentStorage();
    this.realtime?.start();
  }

  /** Asks the browser to keep the database from eviction; the outcome also goes to state. */
  async requestPersistentStorage(): Promise<PersistentStorageState> {
    const state = await this.askForPersistence();
    this.store.dispatch(OfflineSyncStorageActions.persistentStorageResolved({ state }));
    return state;
  }

  private async open(): Promise<void> {
    try {
      await this.storage.open();
      await this.serverClock.restore();
      const { pending, failed } = await this.storage.outboxCounts();
      // Read before the store counts as hydrated, so open conflicts show from the first render.
      const conflicts = await this.storage.openConflicts();
      this.store.dispatch(
        OfflineSyncStorageActions.databaseOpened({
          pendingCount: pending,
          failedCount: failed,
          conflicts,
        })
      );
    } catch (error) {
      const info = toSyncErrorInfo(error, 'storage', `Opening the local database failed`);
      this.store.dispatch(OfflineSyncStorageActions.databaseUnavailable({ error: info }));
    }
  }

  private async askForPersistence(): Promise<PersistentStorageState> {
    const manager = this.storageManager;
    if (!manager || typeof manager.persist !== 'function') return 'unsupported';
    try {
      return (await manager.persist()) ? 'granted' : 'denied';
    } catch {
      return 'denied';
    }
  }
}
