import { inject, Injectable } from '@angular/core';
import { Action, ReducerManager, Store } from '@ngrx/store';
import { isOfflineSyncError, OfflineSyncError } from '../model/sync-error';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { SyncMeta } from '../model/sync-meta';
import { SyncEntityDefinition } from '../state/define-sync-entity';
import { OfflineSyncStorageActions } from '../state/offline-sync-storage.actions';
import { LocalWrite } from '../storage/local-write';
import { SyncStorage } from '../storage/sync-storage';

// Definitions are generic per type; the registry holds many types at once.
type AnyDefinition = SyncEntityDefinition<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The entity types this app has registered, from the root config and from lazy routes. Registering
 * a type adds its reducer to the store, tells the storage how to store it, and hydrates it from
 * the database.
 *
 * @example
 * inject(SyncEntityRegistry).register([TodoSync]);
 * const def = inject(SyncEntityRegistry).get('todo');
 */
@Injectable()
export class SyncEntityRegistry {
  private readonly store = inject(Store);
  private readonly reducers = inject(ReducerManager);
  private readonly storage = inject(SyncStorage);
  private readonly definitions = new Map<string, AnyDefinition>();
  private readonly byActionType = new Map<
    string,
    { def: AnyDefinition; kind: 'added' | 'addedMany' | 'updated' | 'removed' }
  >();

  /** Registers entity types; registering the same definition again is a no-op. */
  register(definitions: readonly AnyDefinition[]): void {
    const added = definitions.filter((def) => this.accept(def));
    if (added.length === 0) return;
    this.reducers.addReducers(
      Object.fromEntries(added.map((def) => [def.featureKey, def.reducer]))
    );
    for (const def of added) {
      this.storage.registerSpec(def);
      this.byActionType.set(def.actions.added.type, { def, kind: 'added' });
      this.byActionType.set(def.actions.addedMany.type, { def, kind: 'addedMany' });
      this.byActionType.set(def.actions.updated.type, { def, kind: 'updated' });
      this.byActionType.set(def.actions.removed.type, { def, kind: 'removed' });
    }
    this.store.dispatch(
      OfflineSyncStorageActions.entityTypesRegistered({ modelTypes: added.map((d) => d.modelType) })
    );
    for (const def of added) void this.hydrate(def);
  }

  /** Loads again the types whose records could not be loaded (the encryption key was missing). */
  async retryFailedHydration(): Promise<void> {
    const failed = this.store.selectSignal(offlineSyncFeature.selectHydrationErrors)();
    const retried = [...this.definitions.values()].filter((def) => def.modelType in failed);
    await Promise.all(retried.map((def) => this.hydrate(def)));
  }

  /** The definition of a registered type; throws a `config` error naming the type otherwise. */
  get<T>(modelType: string): SyncEntityDefinition<T> {
    const def = this.definitions.get(modelType);
    if (!def) {
      throw new OfflineSyncError(
        'config',
        `The entity type "${modelType}" is not registered. Add its definition to ` +
          `provideOfflineSync({ entities }), provideSyncEntities() or OfflineSyncModule.forFeature().`,
        { modelType }
      );
    }
    return def;
  }

  /** Whether a type is registered in this app. */
  has(modelType: string): boolean {
    return this.definitions.has(modelType);
  }

  /** Every registered definition. */
  all(): AnyDefinition[] {
    return [...this.definitions.values()];
  }

  /**
   * The storage writes for a local entity action: one for `added`, `updated` or `removed`, one
   * per record for `addedMany` (each stored, checked and reported like a single write), none for
   * any other action. A record without a string id gives an {@link UnstorableWrite} in its place.
   *
   * @example
   * for (const write of registry.toLocalWrites(action, () => ids.next())) persist(write);
   */
  toLocalWrites(
    action: Action & Record<string, unknown>,
    newWriteId: () => string
  ): (LocalWrite | UnstorableWrite)[] {
    const match = this.byActionType.get(action.type);
    if (!match) return [];
    const { def, kind } = match;
    const modelType = def.modelType;
    if (kind === 'addedMany') {
      const writeIds = action['writeIds'] as readonly (string | undefined)[] | undefined;
      return (action['records'] as unknown[]).map((record, i) =>
        savedRecord(def, record, writeIds?.[i], newWriteId)
      );
    }
    const given = typeof action['writeId'] === 'string' ? action['writeId'] : undefined;
    if (kind === 'added') return [savedRecord(def, action['record'], given, newWriteId)];
    const writeId = given ?? newWriteId();
    const recordId = action['id'] as string;
    return [
      kind === 'updated'
        ? {
            writeId,
            modelType,
            recordId,
            kind: 'update',
            changes: action['changes'] as Record<string, unknown>,
          }
        : { writeId, modelType, recordId, kind: 'remove' },
    ];
  }

  private accept(def: AnyDefinition): boolean {
    const known = this.definitions.get(def.modelType);
    if (known === def) return false;
    if (known) {
      throw new OfflineSyncError(
        'config',
        `The entity type "${def.modelType}" is registered twice with different definitions. ` +
          `Call defineSyncEntity() once per type and share the result.`,
        { modelType: def.modelType }
      );
    }
    this.definitions.set(def.modelType, def);
    return true;
  }

  private async hydrate(def: AnyDefinition, retry = true): Promise<void> {
    try {
      const rows = await this.storage.hydrate(def.modelType);
      const metas: Record<string, SyncMeta> = {};
      for (const row of rows) metas[row.id] = row.meta;
      this.store.dispatch(
        def.actions.hydrated({ records: rows.map((row) => def.deserialize(row.data)), metas })
      );
      this.store.dispatch(
        OfflineSyncStorageActions.entityTypeHydrated({
          modelType: def.modelType,
          count: rows.length,
        })
      );
    } catch (error) {
      const keyError = isOfflineSyncError(error) && error.kind === 'encryption';
      // Refused while locked, but the key came meanwhile (after `retryFailedHydration` looked).
      if (keyError && retry && !this.storage.encryption.ring.locked)
        return this.hydrate(def, false);
      const info = keyError
        ? { ...error.toInfo(), modelType: def.modelType }
        : {
            kind: 'storage' as const,
            modelType: def.modelType,
            message:
              `The ${def.modelType} records stored on this device could not be loaded ` +
              `(${error instanceof Error ? error.message : String(error)}). Nothing in the database ` +
              `was changed; check the type's \`deserialize\` function, or reload if the database was busy.`,
          };
      this.store.dispatch(
        OfflineSyncStorageActions.hydrationFailed({ modelType: def.modelType, error: info })
      );
    }
  }
}

/**
 * A local write that cannot be stored (a record without a string id): reported as failed with
 * `error` instead of stored.
 *
 * @example
 * if ('error' in write) reportUnstorable(write.writeId, write.error);
 */
export interface UnstorableWrite {
  /** The write id the action carried (a facade write waits on it), if any. */
  readonly writeId: string | undefined;
  readonly error: OfflineSyncError;
}

/** The write that saves `record`, or why it cannot be stored. */
function savedRecord(
  def: AnyDefinition,
  record: unknown,
  writeId: string | undefined,
  newWriteId: () => string
): LocalWrite | UnstorableWrite {
  const modelType = def.modelType;
  const recordId = def.selectId(record);
  if (typeof recordId !== 'string' || recordId === '') {
    const error = new OfflineSyncError(
      'config',
      `A ${modelType} record was added without a string id in "${def.idField}". ` +
        `Use OfflineSyncService.saveModel(), which assigns one, or set it yourself.`,
      { modelType }
    );
    return { writeId, error };
  }
  return { writeId: writeId ?? newWriteId(), modelType, recordId, kind: 'save', record };
}
