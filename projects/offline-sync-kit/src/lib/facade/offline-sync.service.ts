import { inject, Injectable, Signal } from '@angular/core';
import { Actions, ofType } from '@ngrx/effects';
import { Action, Store } from '@ngrx/store';
import { combineLatest, filter, firstValueFrom, mergeMap, Observable } from 'rxjs';
import { SyncEntityRegistry } from '../effects/sync-entity-registry';
import { SyncBootstrap } from '../effects/sync-bootstrap';
import { WriteReceipts } from '../effects/write-receipts';
import { OfflineSyncError } from '../model/sync-error';
import { SyncEvent } from '../model/sync-event';
import { PersistentStorageState, SyncStatus } from '../model/sync-status';
import { SyncIdGenerator } from '../providers/tokens';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { OfflineSyncStorageActions } from '../state/offline-sync-storage.actions';
import { SyncStorage } from '../storage/sync-storage';

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
export class OfflineSyncService {
  private readonly store = inject(Store);
  private readonly actions$ = inject(Actions);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly receipts = inject(WriteReceipts);
  private readonly ids = inject(SyncIdGenerator);
  private readonly storage = inject(SyncStorage);
  private readonly bootstrap = inject(SyncBootstrap);

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
  /** Durable local changes, hydration and storage errors, as they happen. */
  readonly events$: Observable<SyncEvent> = this.actions$.pipe(
    ofType(
      OfflineSyncStorageActions.writesCommitted,
      OfflineSyncStorageActions.writesFailed,
      OfflineSyncStorageActions.entityTypeHydrated,
      OfflineSyncStorageActions.databaseUnavailable
    ),
    mergeMap((action): SyncEvent[] => {
      switch (action.type) {
        case OfflineSyncStorageActions.writesCommitted.type:
          return action.writes
            .filter((write) => write.change !== 'unchanged')
            .map((write) => ({
              type:
                write.change === 'created'
                  ? 'modelAdded'
                  : write.change === 'updated'
                    ? 'modelUpdated'
                    : 'modelDeleted',
              modelType: write.modelType,
              id: write.id,
              source: 'local',
            }));
        case OfflineSyncStorageActions.entityTypeHydrated.type:
          return [{ type: 'hydrated', modelType: action.modelType }];
        default:
          return [{ type: 'storageError', error: action.error }];
      }
    })
  );

  /**
   * Creates or replaces a record. A record without an id gets a UUID v7. Resolves with the record
   * (id included) once it and its outbox entry are stored.
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
    await this.dispatchWrite((writeId) => def.actions.added({ record: complete, writeId }));
    return complete;
  }

  /**
   * Changes some fields of a stored record. Rejects with a `not-found` error if there is none.
   * Resolves with the whole record as it is now.
   *
   * @example
   * await sync.updateModel<Todo>('todo', id, { done: true });
   */
  async updateModel<T>(modelType: string, id: string, changes: Partial<T>): Promise<T> {
    const def = this.registry.get<T>(modelType);
    await this.dispatchWrite((writeId) => def.actions.updated({ id, changes, writeId }));
    const updated = await firstValueFrom(this.store.select(def.selectors.selectById(id)));
    if (updated === undefined) {
      throw new OfflineSyncError(
        'not-found',
        `The ${modelType} "${id}" was deleted while it was being updated.`,
        {
          modelType,
          recordId: id,
        }
      );
    }
    return updated;
  }

  /**
   * Deletes a record. Deleting a record that does not exist succeeds and changes nothing.
   *
   * @example
   * await sync.deleteModel('todo', id);
   */
  async deleteModel(modelType: string, id: string): Promise<void> {
    const def = this.registry.get(modelType);
    await this.dispatchWrite((writeId) => def.actions.removed({ id, writeId }));
  }

  /**
   * One record by id, once its type is hydrated; `undefined` if there is none.
   *
   * @example
   * const todo = await sync.getModel<Todo>('todo', id);
   */
  async getModel<T>(modelType: string, id: string): Promise<T | undefined> {
    const def = this.registry.get<T>(modelType);
    await this.whenTypeHydrated(def.selectors.selectIsHydrated, modelType);
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
    await this.whenTypeHydrated(def.selectors.selectIsHydrated, modelType);
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
   * Resolves once every registered entity type is hydrated; rejects if the database is unusable.
   *
   * @example
   * await sync.whenHydrated();
   */
  whenHydrated(): Promise<void> {
    return this.waitFor(this.store.select(offlineSyncFeature.selectIsHydrated), 'the store');
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

  private async dispatchWrite(action: (writeId: string) => Action): Promise<void> {
    const writeId = this.ids.next();
    const done = this.receipts.expect(writeId);
    this.store.dispatch(action(writeId));
    await done;
  }

  private whenTypeHydrated(
    selectIsHydrated: (state: object) => boolean,
    modelType: string
  ): Promise<void> {
    return this.waitFor(this.store.select(selectIsHydrated), `${modelType} records`);
  }

  private async waitFor(hydrated$: Observable<boolean>, what: string): Promise<void> {
    const storage$ = this.store.select(offlineSyncFeature.selectStorage);
    const [hydrated] = await firstValueFrom(
      combineLatest([hydrated$, storage$]).pipe(
        filter(([done, storage]) => done || storage === 'unavailable')
      )
    );
    if (!hydrated) {
      const reason = this.store.selectSignal(offlineSyncFeature.selectLastError)()?.message;
      throw new OfflineSyncError(
        'storage',
        `Loading ${what} failed: ${reason ?? 'the local database is unavailable.'}`
      );
    }
  }
}
