import { createActionGroup, props } from '@ngrx/store';
import { SyncMeta } from '../model/sync-meta';

/**
 * Builds the action group of one entity type, source `Sync <modelType>`.
 * The app dispatches `added`, `addedMany`, `updated` and `removed` (or calls `OfflineSyncService`, which does);
 * the kit dispatches the rest. `writeId` is optional: it lets a caller wait for that write
 * to commit (the service sets it).
 *
 * @example
 * const actions = createSyncEntityActions<Todo>('todo');
 * store.dispatch(actions.updated({ id: 't1', changes: { done: true } }));
 */
export function createSyncEntityActions<T>(modelType: string) {
  return createActionGroup({
    // NgRx wants a literal source type; at run time it is e.g. "Sync todo", so actions read
    // "[Sync todo] Added". Typed code should use the creators, never the type strings.
    source: `Sync ${modelType}` as 'Sync <modelType>',
    events: {
      /** A record was created or replaced on this device. Its id must be set. */
      Added: props<{ record: T; writeId?: string }>(),
      /**
       * Records created or replaced on this device together (a burst of `saveModel` calls, an
       * import): one store update for all; `writeIds[i]` belongs to `records[i]`. Code that
       * watches `added` should watch this too.
       */
      'Added Many': props<{ records: T[]; writeIds?: string[] }>(),
      /** Some fields of a stored record were changed on this device. */
      Updated: props<{ id: string; changes: Partial<T>; writeId?: string }>(),
      /** A record was deleted on this device. */
      Removed: props<{ id: string; writeId?: string }>(),
      /** Records came from the server (push answers, pulls, real-time events). */
      'Upserted From Server': props<{ records: T[]; metas: Record<string, SyncMeta> }>(),
      /** The server deleted records. */
      'Removed From Server': props<{ ids: string[] }>(),
      /** The records stored on this device were loaded into the store. */
      Hydrated: props<{ records: T[]; metas: Record<string, SyncMeta> }>(),
    },
  });
}

/**
 * The action creators of one entity type, as returned by `defineSyncEntity(...).actions`.
 *
 * @example
 * function markDone(actions: SyncEntityActions<Todo>, id: string) {
 *   return actions.updated({ id, changes: { done: true } });
 * }
 */
export type SyncEntityActions<T> = ReturnType<typeof createSyncEntityActions<T>>;
