import { EntityAdapter } from '@ngrx/entity';
import { ActionReducer, createReducer, on } from '@ngrx/store';
import { SyncMeta } from '../model/sync-meta';
import { OfflineSyncStorageActions } from './offline-sync-storage.actions';
import { SyncEntityActions } from './sync-entity-actions';
import { SyncEntityState } from './sync-entity-state';

/**
 * The reducer of one entity type. Local changes apply at once (optimistic) and mark the record
 * `pending`; commits and failures reported by the storage layer then set the stored metadata or
 * roll the record back to what the database holds.
 *
 * @example
 * const reducer = createSyncEntityReducer('todo', adapter, actions);
 * const next = reducer(undefined, actions.added({ record: { id: 't1', title: 'Milk' } }));
 */
export function createSyncEntityReducer<T>(
  modelType: string,
  adapter: EntityAdapter<T>,
  actions: SyncEntityActions<T>
): ActionReducer<SyncEntityState<T>> {
  const initialState: SyncEntityState<T> = adapter.getInitialState({
    meta: {},
    hydrated: false,
    removedBeforeHydration: [],
  });
  return createReducer(
    initialState,
    on(actions.added, (state, { record }) => {
      const id = adapter.selectId(record);
      // A record without an id cannot be stored; the persistence effect reports the error.
      if (typeof id !== 'string' || id === '') return state;
      return {
        ...adapter.setOne(record, state),
        meta: withMeta(state.meta, id, pendingMeta(state.meta[id])),
      };
    }),
    on(actions.updated, (state, { id, changes }) =>
      id in state.entities
        ? {
            ...adapter.updateOne({ id, changes }, state),
            meta: withMeta(state.meta, id, pendingMeta(state.meta[id])),
          }
        : state
    ),
    on(actions.removed, (state, { id }) => ({
      ...adapter.removeOne(id, state),
      meta: withMeta(state.meta, id, null),
      removedBeforeHydration: state.hydrated ? [] : [...state.removedBeforeHydration, id],
    })),
    on(actions.upsertedFromServer, (state, { records, metas }) => ({
      ...adapter.upsertMany(records, state),
      meta: { ...state.meta, ...metas },
    })),
    on(actions.removedFromServer, (state, { ids }) => ({
      ...adapter.removeMany(ids, state),
      meta: withoutIds(state.meta, ids),
    })),
    on(actions.hydrated, (state, { records, metas }) => {
      // Records changed or removed locally while hydration read the database are newer than the
      // rows it read, so those rows must not overwrite them.
      const skip = new Set<string>([...state.removedBeforeHydration, ...(state.ids as string[])]);
      const fresh = records.filter((record) => !skip.has(adapter.selectId(record) as string));
      const freshMeta = Object.fromEntries(
        fresh
          .map((record) => adapter.selectId(record) as string)
          .flatMap((id) => (metas[id] ? [[id, metas[id]]] : []))
      );
      return {
        ...adapter.addMany(fresh, state),
        meta: { ...freshMeta, ...state.meta },
        hydrated: true,
        removedBeforeHydration: [],
      };
    }),
    on(OfflineSyncStorageActions.writesCommitted, (state, { writes }) => {
      const mine = writes.filter(
        (write) => write.modelType === modelType && write.id in state.entities
      );
      if (mine.length === 0) return state;
      let meta = state.meta;
      for (const write of mine) meta = withMeta(meta, write.id, write.meta);
      return { ...state, meta };
    }),
    on(OfflineSyncStorageActions.writesFailed, (state, { writes, restored, error }) => {
      const mine = writes.filter((write) => write.modelType === modelType);
      if (mine.length === 0) return state;
      if (!restored) {
        // The database could not even be read back: say so on every record still shown.
        let meta = state.meta;
        for (const { id } of mine) {
          const current = meta[id];
          if (current) meta = withMeta(meta, id, { ...current, state: 'failed', lastError: error });
        }
        return { ...state, meta };
      }
      let next: SyncEntityState<T> = state;
      for (const row of restored.filter((r) => r.modelType === modelType)) {
        next =
          row.record === null
            ? { ...adapter.removeOne(row.id, next), meta: withMeta(next.meta, row.id, null) }
            : {
                ...adapter.setOne(row.record as T, next),
                meta: withMeta(next.meta, row.id, row.meta),
              };
      }
      return next;
    })
  );
}

function pendingMeta(previous: SyncMeta | undefined): SyncMeta {
  return {
    state: previous?.state === 'conflict' ? 'conflict' : 'pending',
    version: previous?.version ?? null,
    lastError: previous?.lastError ?? null,
    attempts: previous?.attempts ?? 0,
    localUpdatedAt: previous?.localUpdatedAt ?? 0,
  };
}

function withMeta(
  meta: Readonly<Record<string, SyncMeta>>,
  id: string,
  value: SyncMeta | null
): Readonly<Record<string, SyncMeta>> {
  if (value) return { ...meta, [id]: value };
  if (!(id in meta)) return meta;
  const { [id]: _removed, ...rest } = meta;
  return rest;
}

function withoutIds(meta: Readonly<Record<string, SyncMeta>>, ids: readonly string[]) {
  const rest = { ...meta };
  for (const id of ids) delete rest[id];
  return rest;
}
