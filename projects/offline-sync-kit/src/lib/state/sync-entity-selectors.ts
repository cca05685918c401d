import { EntityAdapter } from '@ngrx/entity';
import { createSelector, MemoizedSelector } from '@ngrx/store';
import { SyncMeta, SyncRecordState } from '../model/sync-meta';
import { initialSyncEntityState } from './sync-entity-reducer';
import { SyncEntityState } from './sync-entity-state';

/**
 * Builds the selectors of one entity type. They work before the type is registered (they see an
 * empty state), so a component may select before its lazy route registered the type.
 *
 * @example
 * const selectors = createSyncEntitySelectors('offlineSync:todo', adapter);
 * const todos = store.selectSignal(selectors.selectAll);
 */
export function createSyncEntitySelectors<T>(featureKey: string, adapter: EntityAdapter<T>) {
  const empty = initialSyncEntityState(adapter);
  const selectState: MemoizedSelector<object, SyncEntityState<T>> = createSelector(
    (root: object) => (root as Record<string, SyncEntityState<T> | undefined>)[featureKey],
    (state) => state ?? empty
  );
  const { selectAll, selectEntities, selectIds, selectTotal } = adapter.getSelectors(selectState);
  const selectMetaEntities = createSelector(selectState, (state) => state.meta);
  return {
    selectState,
    selectAll,
    selectEntities,
    selectIds,
    selectTotal,
    /** Sync metadata of every record, by id. */
    selectMetaEntities,
    /** True once this type's stored records are in the store. */
    selectIsHydrated: createSelector(selectState, (state) => state.hydrated),
    /** One record by id, `undefined` if absent. */
    selectById: (id: string) => createSelector(selectEntities, (entities) => entities[id]),
    /** One record's sync metadata (`pending`, `synced`, `failed`, `conflict`, version, last error, attempts). */
    selectMetaById: (id: string) =>
      createSelector(selectMetaEntities, (meta): SyncMeta | undefined => meta[id]),
    /** The records whose sync state is the given one, e.g. every `failed` record. */
    selectByState: (syncState: SyncRecordState) =>
      createSelector(selectAll, selectMetaEntities, (records, meta) =>
        records.filter((record) => meta[adapter.selectId(record) as string]?.state === syncState)
      ),
  };
}

/**
 * The selectors of one entity type, as returned by `defineSyncEntity(...).selectors`.
 *
 * @example
 * const pending = store.selectSignal(TodoSync.selectors.selectByState('pending'));
 */
export type SyncEntitySelectors<T> = ReturnType<typeof createSyncEntitySelectors<T>>;
