import { EntityAdapter } from '@ngrx/entity';
import { ActionReducer, createReducer, on } from '@ngrx/store';
import { SerializedRecord } from '../model/mutation';
import { SyncMeta } from '../model/sync-meta';
import { OfflineSyncStorageActions } from './offline-sync-storage.actions';
import { SyncEntityActions } from './sync-entity-actions';
import { SyncEntityState } from './sync-entity-state';

type Meta = Readonly<Record<string, SyncMeta>>;

/**
 * The initial slice of one entity type.
 *
 * @example
 * const state = initialSyncEntityState(adapter);
 */
export function initialSyncEntityState<T>(adapter: EntityAdapter<T>): SyncEntityState<T> {
  return adapter.getInitialState({
    meta: {},
    hydrated: false,
    removedBeforeHydration: [],
    inflight: {},
    staleIds: {},
  });
}

/**
 * The reducer of one entity type. Local changes apply at once (optimistic), mark the record
 * `pending` and count as in flight until the database committed them. Server updates to a record
 * with a local write in flight are held back (the database applies the write on top of the
 * server's version, and its commit brings the result), so the store never shows a value that
 * neither the user nor the database holds. Failed writes roll back to what the database holds.
 *
 * @example
 * const reducer = createSyncEntityReducer('todo', adapter, actions, (s) => s as Todo);
 * const next = reducer(undefined, actions.added({ record: { id: 't1', title: 'Milk' } }));
 */
export function createSyncEntityReducer<T>(
  modelType: string,
  adapter: EntityAdapter<T>,
  actions: SyncEntityActions<T>,
  deserialize: (stored: SerializedRecord) => T
): ActionReducer<SyncEntityState<T>> {
  const local = (state: SyncEntityState<T>, id: string): SyncEntityState<T> => ({
    ...state,
    inflight: { ...state.inflight, [id]: (state.inflight[id] ?? 0) + 1 },
  });

  return createReducer(
    initialSyncEntityState(adapter),
    on(actions.added, (state, { record }) => {
      const id = adapter.selectId(record);
      // A record without an id cannot be stored; the persistence effect reports the error.
      if (typeof id !== 'string' || id === '') return state;
      const next = adapter.setOne(record, state);
      return local({ ...next, meta: withMeta(state.meta, id, pendingMeta(state.meta[id])) }, id);
    }),
    on(actions.updated, (state, { id, changes }) => {
      if (!(id in state.entities)) return state;
      const next = adapter.updateOne({ id, changes }, state);
      return local({ ...next, meta: withMeta(state.meta, id, pendingMeta(state.meta[id])) }, id);
    }),
    on(actions.removed, (state, { id }) =>
      local(
        {
          ...adapter.removeOne(id, state),
          meta: withMeta(state.meta, id, null),
          removedBeforeHydration: state.hydrated ? [] : [...state.removedBeforeHydration, id],
        },
        id
      )
    ),
    on(actions.upsertedFromServer, (state, { records, metas }) => {
      const ids = records.map((record) => adapter.selectId(record) as string);
      const [held, free] = partition(ids, (id) => (state.inflight[id] ?? 0) > 0);
      const freeRecords = records.filter((_, i) => !held.includes(ids[i] as string));
      let meta = state.meta;
      for (const id of free) meta = withMeta(meta, id, metas[id] ?? null);
      return {
        ...adapter.upsertMany(freeRecords, state),
        meta,
        staleIds: withIds(state.staleIds, held),
      };
    }),
    on(actions.removedFromServer, (state, { ids }) => {
      const [held, free] = partition(ids, (id) => (state.inflight[id] ?? 0) > 0);
      let meta = state.meta;
      for (const id of free) meta = withMeta(meta, id, null);
      return { ...adapter.removeMany(free, state), meta, staleIds: withIds(state.staleIds, held) };
    }),
    on(actions.hydrated, (state, { records, metas }) => {
      // Records changed or removed locally while hydration read the database are newer than the
      // rows it read, so those rows must not overwrite them.
      const skip = new Set<string>([...state.removedBeforeHydration, ...(state.ids as string[])]);
      const fresh = records.filter((record) => !skip.has(adapter.selectId(record) as string));
      let meta = state.meta;
      for (const record of fresh) {
        const id = adapter.selectId(record) as string;
        if (!(id in meta)) meta = withMeta(meta, id, metas[id] ?? null);
      }
      return { ...adapter.addMany(fresh, state), meta, hydrated: true, removedBeforeHydration: [] };
    }),
    on(OfflineSyncStorageActions.writesCommitted, (state, { writes }) => {
      let next = state;
      for (const write of writes.filter((w) => w.modelType === modelType)) {
        next = settle(next, write.id);
        const present = write.id in next.entities;
        if (next.staleIds[write.id] && !next.inflight[write.id]) {
          // A server update was held back for this record: take the database's result now.
          next = replaceWith(
            next,
            write.id,
            write.record ? deserialize(write.record) : null,
            write.meta
          );
          next = { ...next, staleIds: withoutId(next.staleIds, write.id) };
        } else if (present) {
          next = { ...next, meta: withMeta(next.meta, write.id, write.meta) };
        } else if (!next.hydrated && write.record && !next.inflight[write.id]) {
          // A write to a record the store had not loaded yet (an update before hydration):
          // take the stored result, which the coming hydration will then leave alone.
          next = replaceWith(next, write.id, deserialize(write.record), write.meta);
        }
      }
      return next;
    }),
    on(OfflineSyncStorageActions.writesFailed, (state, { writes, restored, error }) => {
      const mine = writes.filter((write) => write.modelType === modelType);
      if (mine.length === 0) return state;
      let next = mine.reduce((acc, { id }) => settle(acc, id), state);
      if (!restored) {
        // The database could not even be read back: say so on every record still shown.
        for (const { id } of mine) {
          const current = next.meta[id];
          if (current)
            next = {
              ...next,
              meta: withMeta(next.meta, id, { ...current, state: 'failed', lastError: error }),
            };
        }
        return next;
      }
      for (const row of restored.filter((r) => r.modelType === modelType)) {
        next = replaceWith(next, row.id, row.record as T | null, row.meta);
      }
      return next;
    })
  );

  function replaceWith(
    state: SyncEntityState<T>,
    id: string,
    record: T | null,
    meta: SyncMeta | null
  ) {
    return record === null
      ? { ...adapter.removeOne(id, state), meta: withMeta(state.meta, id, null) }
      : { ...adapter.setOne(record, state), meta: withMeta(state.meta, id, meta) };
  }
}

/** One local write of `id` is no longer in flight. */
function settle<S extends { inflight: Readonly<Record<string, number>> }>(state: S, id: string): S {
  const count = state.inflight[id] ?? 0;
  if (count <= 0) return state;
  if (count > 1) return { ...state, inflight: { ...state.inflight, [id]: count - 1 } };
  const { [id]: _settled, ...rest } = state.inflight;
  return { ...state, inflight: rest };
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

function withMeta(meta: Meta, id: string, value: SyncMeta | null): Meta {
  if (value) return { ...meta, [id]: value };
  if (!(id in meta)) return meta;
  const { [id]: _removed, ...rest } = meta;
  return rest;
}

function withIds(set: Readonly<Record<string, true>>, ids: readonly string[]) {
  return ids.length === 0
    ? set
    : { ...set, ...Object.fromEntries(ids.map((id) => [id, true as const])) };
}

function withoutId(set: Readonly<Record<string, true>>, id: string) {
  const { [id]: _removed, ...rest } = set;
  return rest;
}

function partition<V>(values: readonly V[], test: (value: V) => boolean): [V[], V[]] {
  return [values.filter(test), values.filter((value) => !test(value))];
}
