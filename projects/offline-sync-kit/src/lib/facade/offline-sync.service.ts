import { WriteBurst } from './write-burst';
import { inject, Injectable, Signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { Store } from '@ngrx/store';
import { combineLatest, distinctUntilChanged, filter, firstValueFrom, map, Observable } from 'rxjs';
import { SyncEntityRegistry } from '../effects/sync-entity-registry';
import { reportOutboxCounts } from '../effects/report-outbox-counts';
import { SyncEngine } from '../effects/sync-engine';
import { Mutation } from '../model/mutation';
import { SyncOptions } from '../model/sync-options';
import { SyncOptionsRef } from '../providers/sync-options-ref';
import { OfflineSyncEngineActions } from '../state/offline-sync-engine.actions';
import { FetchQuery } from '../transport/sync-transport';
import { SyncBootstrap } from '../effects/sync-bootstrap';
import { WriteReceipts } from '../effects/write-receipts';
import { OfflineSyncError, SyncErrorInfo } from '../model/sync-error';
import { SyncEvent } from '../model/sync-event';
import { PersistentStorageState, SyncStatus } from '../model/sync-status';
import { SyncIdGenerator } from '../providers/tokens';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { SyncStorage } from '../storage/sync-storage';
import { WriteOutcome } from '../storage/local-write';
import { OfflineSyncWebSocketApi } from './web-socket-api';
import { ConflictCoordinator } from '../effects/conflict-coordinator';
import { ConflictResolution, SyncConflict } from '../model/sync-conflict';

/**
 * The kit as one injectable: save, update, delete and read records by type, and watch the sync
 * status. Writes change the store at once and resolve when the change is durable in IndexedDB
 * (with its outbox entry); they reject with an {@link OfflineSyncError} if it is not, after the
 * store was rolled back to what is stored.
 *
 * @example
 * export class TodoPage {
 *   private readonly sync = inject(OfflineSyncService);
 *   readonly todos = this.sync.modelsSignal<Todo>('todo');
 *   async add(title: string) { await this.sync.saveModel<Todo>('todo', { title, done: false }); }
 * }
 */
@Injectable()
export class OfflineSyncService extends OfflineSyncWebSocketApi {
  private readonly store = inject(Store);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly receipts = inject(WriteReceipts);
  private readonly ids = inject(SyncIdGenerator);
  private readonly storage = inject(SyncStorage);
  private readonly bootstrap = inject(SyncBootstrap);
  private readonly engine = inject(SyncEngine);
  private readonly syncOptions = inject(SyncOptionsRef);
  private readonly conflictCoordinator = inject(ConflictCoordinator);
  private readonly writes = new WriteBurst((action) => this.store.dispatch(action));

  /** The sync status as a signal. */
  readonly currentStatus: Signal<SyncStatus> = this.store.selectSignal(
    offlineSyncFeature.selectSyncStatus
  );
  /** The sync status as an observable. */
  readonly syncStatus$: Observable<SyncStatus> = this.store.select(
    offlineSyncFeature.selectSyncStatus
  );
  /** Number of local changes not yet confirmed by the server. */
  readonly pendingChanges$: Observable<number> = this.store.select(
    offlineSyncFeature.selectPendingCount
  );
  /** True once every registered entity type is loaded from the database. */
  readonly isHydrated: Signal<boolean> = this.store.selectSignal(
    offlineSyncFeature.selectIsHydrated
  );
  /**
   * True while local changes are not yet durable (their promises have not resolved, usually for
   * milliseconds): closing the tab now would lose them. Guard `beforeunload` with it.
   *
   * @example
   * addEventListener('beforeunload', (e) => sync.hasUnsavedWrites() && e.preventDefault());
   */
  readonly hasUnsavedWrites: Signal<boolean> = toSignal(
    this.storage.unsavedWrites$.pipe(
      map((count) => count > 0),
      distinctUntilChanged()
    ),
    { requireSync: true }
  );
  /** Conflicts waiting for the app (or a resolver), oldest first; see `resolveConflict`. */
  readonly conflicts: Signal<readonly SyncConflict[]> = this.store.selectSignal(
    offlineSyncFeature.selectConflicts
  );
  /** The same, as an observable. */
  readonly conflicts$: Observable<readonly SyncConflict[]> = this.store.select(
    offlineSyncFeature.selectConflicts
  );
  /** The same as `syncEvents$`. */
  readonly events$: Observable<SyncEvent> = this.syncEvents$;

  /**
   * Creates or replaces a record. A record without an id gets a UUID v7. Resolves with the record
   * (id included) once it and its outbox entry are stored.
   *
   * The first save of a task reaches the store at once; the writes after it in the same task
   * reach it one microtask later, in order, consecutive saves of a type together as one
   * `addedMany` action (one store update for a burst, instead of one per record). An entity
   * action you dispatch yourself in the same task would not keep its place after them: await
   * the saves first. Effects that watch `added` should watch `addedMany` too.
   *
   * @example
   * const todo = await sync.saveModel<Todo>('todo', { title: 'Buy milk', done: false });
   */
  async saveModel<T>(modelType: string, record: T | Omit<T, 'id'>): Promise<T> {
    const def = this.registry.get<T>(modelType);
    const current = (record ?? {}) as Record<string, unknown>;
    const id = current[def.idField];
    const complete = (
      typeof id === 'string' && id !== '' ? current : { ...current, [def.idField]: this.ids.next() }
    ) as T;
    await this.dispatchWrite((writeId) => this.writes.save(def, complete, writeId));
    return complete;
  }

  /**
   * Changes some fields of a stored record. Rejects with a `not-found` error if there is none.
   * Resolves with the whole record as the update stored it.
   *
   * @example
   * await sync.updateModel<Todo>('todo', id, { done: true });
   */
  async updateModel<T>(modelType: string, id: string, changes: Partial<T>): Promise<T> {
    const def = this.registry.get<T>(modelType);
    const { record } = await this.dispatchWrite((writeId) =>
      this.writes.write(def.actions.updated({ id, changes, writeId }))
    );
    // As the update stored it: a delete made right after it may have removed it from the store
    // already, and the update still happened.
    if (record === null) {
      throw new OfflineSyncError(
        'not-found',
        `The ${modelType} "${id}" was deleted while it was being updated.`,
        { modelType, recordId: id }
      );
    }
    return def.deserialize(record);
  }

  /**
   * Deletes a record. Deleting a record that does not exist succeeds and changes nothing.
   *
   * @example
   * await sync.deleteModel('todo', id);
   */
  async deleteModel(modelType: string, id: string): Promise<void> {
    const def = this.registry.get(modelType);
    await this.dispatchWrite((writeId) => this.writes.write(def.actions.removed({ id, writeId })));
  }

  /**
   * One record by id, once its type is hydrated; `undefined` if there is none.
   *
   * @example
   * const todo = await sync.getModel<Todo>('todo', id);
   */
  async getModel<T>(modelType: string, id: string): Promise<T | undefined> {
    const def = this.registry.get<T>(modelType);
    await this.waitFor(this.store.select(def.selectors.selectIsHydrated), modelType);
    return firstValueFrom(this.store.select(def.selectors.selectById(id)));
  }

  /**
   * Every record of a type, once it is hydrated.
   *
   * @example
   * const todos = await sync.getAllModels<Todo>('todo');
   */
  async getAllModels<T>(modelType: string): Promise<T[]> {
    const def = this.registry.get<T>(modelType);
    await this.waitFor(this.store.select(def.selectors.selectIsHydrated), modelType);
    return firstValueFrom(this.store.select(def.selectors.selectAll));
  }

  /**
   * Stored records of a type whose indexed field (see `SyncEntityConfig.indexes`) has a value;
   * read from the database, not the store.
   *
   * @example
   * const inProject = await sync.findModels<Todo>('todo', 'projectId', 'p1');
   */
  async findModels<T>(modelType: string, field: string, value: string | number): Promise<T[]> {
    const def = this.registry.get<T>(modelType);
    if (!def.indexes.includes(field)) {
      throw new OfflineSyncError(
        'config',
        `The ${modelType} field "${field}" is not indexed. Add it to \`indexes\` in its defineSyncEntity().`,
        { modelType }
      );
    }
    const rows = await this.storage.findByIndex(modelType, field, value);
    return rows.map((row) => def.deserialize(row.data));
  }

  /**
   * Every record of a type, as a signal that follows the store.
   *
   * @example
   * readonly todos = inject(OfflineSyncService).modelsSignal<Todo>('todo');
   */
  modelsSignal<T>(modelType: string): Signal<T[]> {
    return this.store.selectSignal(this.registry.get<T>(modelType).selectors.selectAll);
  }

  /**
   * Every record of a type, as an observable that follows the store.
   *
   * @example
   * sync.models$<Todo>('todo').subscribe((todos) => render(todos));
   */
  models$<T>(modelType: string): Observable<T[]> {
    return this.store.select(this.registry.get<T>(modelType).selectors.selectAll);
  }

  /**
   * Resolves once every registered entity type is hydrated; rejects if the database is unusable
   * or a type's stored records cannot be loaded.
   *
   * @example
   * await sync.whenHydrated();
   */
  whenHydrated(): Promise<void> {
    return this.waitFor(this.store.select(offlineSyncFeature.selectIsHydrated));
  }

  /**
   * Asks the browser not to evict the database (`navigator.storage.persist()`); the outcome also
   * lands in state (`selectPersistentStorage`).
   *
   * @example
   * const state = await sync.requestPersistentStorage(); // 'granted' | 'denied' | 'unsupported'
   */
  requestPersistentStorage(): Promise<PersistentStorageState> {
    return this.bootstrap.requestPersistentStorage();
  }

  /**
   * Pushes every pending change and, with `bidirectionalSync`, pulls every type's changes.
   * Resolves when that sync has finished (or could not run: offline, no `serverUrl`).
   *
   * @example
   * await sync.syncAll();
   */
  syncAll(): Promise<void> {
    return this.engine.sync();
  }

  /**
   * Like {@link syncAll}, for one entity type.
   *
   * @example
   * await sync.syncByModelType('todo');
   */
  syncByModelType(modelType: string): Promise<void> {
    this.registry.get(modelType);
    return this.engine.sync([modelType]);
  }

  /**
   * Pulls one type's changes since the last pull and stores them; resolves with how many arrived.
   * Rejects with a typed error (network, timeout, server, auth, invalid-response).
   *
   * @example
   * const count = await sync.pullFromServer('todo');
   */
  pullFromServer(modelType: string): Promise<number> {
    return this.engine.pull(modelType);
  }

  /**
   * Reads records from the server without storing them, e.g. for a paging UI.
   *
   * @example
   * const page = await sync.fetchItems<Todo>('todo', { limit: 20, offset: 40 });
   */
  async fetchItems<T>(modelType: string, query: FetchQuery = {}): Promise<T[]> {
    const def = this.registry.get<T>(modelType);
    const items = await this.engine.fetchItems(modelType, query);
    return items.flatMap((item) => (item.deleted ? [] : [def.deserialize(item.data)]));
  }

  /**
   * Fetches one record from the server and stores it (pending local changes stay on top);
   * resolves with the record as it is now, `undefined` if the server has none.
   *
   * @example
   * const fresh = await sync.pullModelById<Todo>('todo', id);
   */
  async pullModelById<T>(modelType: string, id: string): Promise<T | undefined> {
    const def = this.registry.get<T>(modelType);
    await this.engine.pullMany(modelType, [id]);
    return firstValueFrom(this.store.select(def.selectors.selectById(id)));
  }

  /**
   * The changes the server refused for good (dead letters), oldest first, with the reason.
   *
   * @example
   * for (const m of await sync.failedChanges()) console.log(m.modelType, m.recordId, m.lastError?.message);
   */
  failedChanges(): Promise<Mutation[]> {
    return this.storage.failedEntries();
  }

  /**
   * Sends a record's refused changes again (after fixing the cause) and starts a sync.
   *
   * @example
   * await sync.retryFailed('todo', id);
   */
  async retryFailed(modelType: string, id: string): Promise<void> {
    this.engine.publish(compact([await this.storage.requeueFailed(modelType, id)]));
    await reportOutboxCounts(this.store, this.storage);
    void this.engine.sync([modelType]);
  }

  /**
   * Drops a record's refused changes and restores the record as it was before them, with its
   * later pending changes kept. When a server is configured, the record is then fetched again,
   * so it catches up with changes the server made meanwhile.
   *
   * @example
   * await sync.discardFailed('todo', id);
   */
  async discardFailed(modelType: string, id: string): Promise<void> {
    this.engine.publish(compact([await this.storage.discardFailed(modelType, id)]));
    await reportOutboxCounts(this.store, this.storage);
    if (this.syncOptions.current().serverUrl && this.currentStatus().isOnline) {
      await this.pullModelById(modelType, id).catch(() => undefined); // offline: the next pull heals it
    }
  }

  /**
   * Turns the periodic sync (every `syncInterval` ms) on.
   *
   * @example
   * sync.startPeriodicSync();
   */
  startPeriodicSync(): void {
    this.store.dispatch(OfflineSyncEngineActions.periodicSyncStarted());
  }

  /**
   * Turns the periodic sync off; syncs after writes and on reconnect still happen.
   *
   * @example
   * sync.stopPeriodicSync();
   */
  stopPeriodicSync(): void {
    this.store.dispatch(OfflineSyncEngineActions.periodicSyncStopped());
  }

  /**
   * Changes sync options at run time (e.g. `syncInterval`, `batchSize`, `serverUrl`).
   * Throws a `config` error for a bad value, leaving the options in force unchanged.
   *
   * @example
   * sync.updateSyncOptions({ syncInterval: 5 * 60_000 });
   */
  updateSyncOptions(options: SyncOptions): void {
    this.syncOptions.update(options);
    this.store.dispatch(OfflineSyncEngineActions.syncOptionsUpdated({ options }));
  }

  /**
   * Resolves a conflict that waits for the app (see `resolveConflict` the action, which does the
   * same): `'local'`, `'server'` or `{ merged: record }`. Resolves once the outcome is stored and
   * queued for the server; rejects with a `not-found` error when the record has no open conflict.
   * Pass the conflict's `revision` the decision was made on: if the conflict changed meanwhile (a
   * newer server version, a local edit), nothing is applied and it rejects with a `conflict` error.
   *
   * @example
   * await sync.resolveConflict<Todo>('todo', 't1', { merged: { ...c.server, done: true } }, c.revision);
   */
  resolveConflict<T>(
    modelType: string,
    id: string,
    resolution: ConflictResolution<T>,
    revision?: number
  ): Promise<void> {
    return this.conflictCoordinator.resolve(modelType, id, resolution, revision);
  }

  /**
   * Hands a write to the burst (`send`, after the writes made before it) under a new write id, and
   * resolves once it is stored (rejects with why it was not).
   */
  private dispatchWrite(send: (writeId: string) => void): Promise<WriteOutcome> {
    const writeId = this.ids.next();
    const done = this.receipts.expect(writeId);
    send(writeId);
    return done;
  }

  /**
   * Waits for hydration (of one type, or of all); rejects instead of waiting for ever when the
   * database is unusable or the records concerned could not be loaded.
   */
  private async waitFor(hydrated$: Observable<boolean>, modelType?: string): Promise<void> {
    const what = modelType ? `${modelType} records` : 'the store';
    const failure$ = this.store.select(offlineSyncFeature.selectOfflineSyncState).pipe(
      map((state): SyncErrorInfo | null => {
        if (state.storage === 'unavailable') {
          const reason = state.lastError?.message ?? 'the local database is unavailable.';
          return {
            kind: state.lastError?.kind ?? 'storage',
            message: `Loading ${what} failed: ${reason}`,
          };
        }
        const failed = modelType
          ? state.hydrationErrors[modelType]
          : Object.values(state.hydrationErrors)[0];
        return failed ?? null;
      })
    );
    const [hydrated, failure] = await firstValueFrom(
      combineLatest([hydrated$, failure$]).pipe(filter(([done, reason]) => done || reason !== null))
    );
    // The kind says why (`encryption`: the key is missing or wrong), the message what to do.
    if (!hydrated) {
      throw new OfflineSyncError(
        failure?.kind ?? 'storage',
        failure?.message ?? `Loading ${what} failed.`,
        {
          modelType,
        }
      );
    }
  }
}

function compact<V>(values: readonly (V | null)[]): V[] {
  return values.filter((value): value is V => value !== null);
}
