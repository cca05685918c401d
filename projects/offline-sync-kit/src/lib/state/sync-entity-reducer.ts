import { EntityAdapter } from '@ngrx/entity';
import { ActionReducer, createReducer, on } from '@ngrx/store';
import { SerializedRecord } from '../model/mutation';
import { SyncMeta } from '../model/sync-meta';
import { OfflineSyncStorageActions } from './offline-sync-storage.actions';
import { SyncEntityActions } from './sync-entity-actions';
import { SyncEntityState } from './sync-entity-state';

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
  /** Counts local writes of `ids` as in flight and marks their records pending. */
  const local = (
    state: SyncEntityState<T>,
    next: SyncEntityState<T>,
    ids: readonly string[],
    removed = false
  ): SyncEntityState<T> => ({
    ...next,
    meta: edited(state.meta, (meta) => {
      for (const id of ids) {
        if (removed) delete meta[id];
        else meta[id] = pendingMeta(meta[id]);
      }
    }),
    inflight: edited(state.inflight, (inflight) => {
      for (const id of ids) inflight[id] = (inflight[id] ?? 0) + 1;
    }),
  });

  return createReducer(
    initialSyncEntityState(adapter),
    on(actions.added, (state, { record }) => {
      const id = adapter.selectId(record);
      // A record without an id cannot be stored; the persistence effect reports the error.
      if (typeof id !== 'string' || id === '') return state;
      return local(state, adapter.setOne(record, state), [id]);
    }),
    on(actions.addedMany, (state, { records }) => {
      // One pass for a burst: each `added` alone copies the whole entity map again.
      const storable = records.filter((record) => {
        const id = adapter.selectId(record);
        return typeof id === 'string' && id !== '';
      });
      if (storable.length === 0) return state;
      const ids = storable.map((record) => adapter.selectId(record) as string);
      return local(state, adapter.setMany(storable, state), ids);
    }),
    on(actions.updated, (state, { id, changes }) => {
      if (!(id in state.entities)) return state;
      return local(state, adapter.updateOne({ id, changes }, state), [id]);
    }),
    on(actions.removed, (state, { id }) =>
      local(
        state,
        {
          ...adapter.removeOne(id, state),
          removedBeforeHydration: state.hydrated ? [] : [...state.removedBeforeHydration, id],
        },
        [id],
        true
      )
    ),
    on(actions.upsertedFromServer, (state, { records, metas }) => {
      const ids = records.map((record) => adapter.selectId(record) as string);
      const held = new Set(ids.filter((id) => (state.inflight[id] ?? 0) > 0));
      const freeRecords = records.filter((_, i) => !held.has(ids[i] as string));
      return {
        ...adapter.upsertMany(freeRecords, state),
        meta: edited(state.meta, (meta) => {
          for (const id of ids) if (!held.has(id)) setMeta(meta, id, metas[id] ?? null);
        }),
        staleIds: withIds(state.staleIds, [...held]),
      };
    }),
    on(actions.removedFromServer, (state, { ids }) => {
      const [held, free] = partition(ids, (id) => (state.inflight[id] ?? 0) > 0);
      return {
        ...adapter.removeMany(free, state),
        meta: edited(state.meta, (meta) => free.forEach((id) => delete meta[id])),
        staleIds: withIds(state.staleIds, held),
      };
    }),
    on(actions.hydrated, (state, { records, metas }) => {
      // Records changed or removed locally while hydration read the database are newer than the
      // rows it read, so those rows must not overwrite them.
      const skip = new Set<string>([...state.removedBeforeHydration, ...(state.ids as string[])]);
      const fresh = records.filter((record) => !skip.has(adapter.selectId(record) as string));
      return {
        ...adapter.addMany(fresh, state),
        meta: edited(state.meta, (meta) => {
          for (const record of fresh) {
            const id = adapter.selectId(record) as string;
            if (!(id in meta)) setMeta(meta, id, metas[id] ?? null);
          }
        }),
        hydrated: true,
        removedBeforeHydration: [],
      };
    }),
    on(OfflineSyncStorageActions.writesCommitted, (state, { writes }) => {
      const mine = writes.filter((w) => w.modelType === modelType);
      if (mine.length === 0) return state;
      // One copy of each map for the batch; each write settles in turn, so an earlier write of a
      // record still sees a later one of the same record in flight (and leaves the store to it).
      const inflight = { ...state.inflight };
      const meta = { ...state.meta };
      let next = state;
      for (const write of mine) {
        settleOne(inflight, write.id);
        if (next.staleIds[write.id] && !inflight[write.id]) {
          // A server update was held back for this record: take the database's result now.
          const record = write.record ? deserialize(write.record) : null;
          next = replaceIn(next, meta, write.id, record, write.meta);
          next = { ...next, staleIds: withoutId(next.staleIds, write.id) };
        } else if (write.id in next.entities) {
          setMeta(meta, write.id, write.meta);
        } else if (!next.hydrated && write.record && !inflight[write.id]) {
          // A write to a record the store had not loaded yet (an update before hydration):
          // take the stored result, which the coming hydration will then leave alone.
          next = replaceIn(next, meta, write.id, deserialize(write.record), write.meta);
        }
      }
      return { ...next, inflight, meta };
    }),
    on(OfflineSyncStorageActions.writesFailed, (state, { writes, restored, error }) => {
      const mine = writes.filter((write) => write.modelType === modelType);
      if (mine.length === 0) return state;
      let next = settleAll(
        state,
        mine.map(({ id }) => id)
      );
      if (!restored && !next.hydrated) {
        // Nothing was loaded yet either (a locked database): hydration will show what is stored,
        // so the failed writes' records are left to it, a failed delete included.
        const ids = mine.map(({ id }) => id);
        return {
          ...adapter.removeMany(ids, next),
          meta: edited(next.meta, (meta) => ids.forEach((id) => delete meta[id])),
          removedBeforeHydration: next.removedBeforeHydration.filter((id) => !ids.includes(id)),
        };
      }
      if (!restored) {
        // The database could not even be read back: say so on every record still shown.
        return {
          ...next,
          meta: edited(next.meta, (meta) => {
            for (const { id } of mine) {
              const current = meta[id];
              if (current) meta[id] = { ...current, state: 'failed', lastError: error };
            }
          }),
        };
      }
      const meta = { ...next.meta };
      for (const row of restored.filter((r) => r.modelType === modelType)) {
        next = replaceIn(next, meta, row.id, row.record as T | null, row.meta);
      }
      return { ...next, meta };
    })
  );

  /** Shows `record` (or nothing) for `id`, its metadata written into the `meta` draft. */
  function replaceIn(
    state: SyncEntityState<T>,
    meta: Record<string, SyncMeta>,
    id: string,
    record: T | null,
    value: SyncMeta | null
  ): SyncEntityState<T> {
    setMeta(meta, id, record === null ? null : value);
    return record === null ? adapter.removeOne(id, state) : adapter.setOne(record, state);
  }
}

/** One local write of each of `ids` is no longer in flight (one copy for all). */
function settleAll<S extends { inflight: Readonly<Record<string, number>> }>(
  state: S,
  ids: readonly string[]
): S {
  if (!ids.some((id) => (state.inflight[id] ?? 0) > 0)) return state;
  const inflight = edited(state.inflight, (draft) => ids.forEach((id) => settleOne(draft, id)));
  return { ...state, inflight };
}

/** One local write of `id` is no longer in flight, in a draft of the in-flight counts. */
function settleOne(inflight: Record<string, number>, id: string): void {
  const count = inflight[id] ?? 0;
  if (count > 1) inflight[id] = count - 1;
  else delete inflight[id];
}

/**
 * A copy of `map` changed by `edit`: one copy per action however many ids it touches (copying
 * the map per id made bursts, pulls and hydration quadratic in the number of records).
 */
function edited<V>(
  map: Readonly<Record<string, V>>,
  edit: (draft: Record<string, V>) => void
): Readonly<Record<string, V>> {
  const draft = { ...map };
  edit(draft);
  return draft;
}

function setMeta(meta: Record<string, SyncMeta>, id: string, value: SyncMeta | null): void {
  if (value) meta[id] = value;
  else delete meta[id];
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
