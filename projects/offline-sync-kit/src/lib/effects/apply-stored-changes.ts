import { Store } from '@ngrx/store';
import { SyncMeta } from '../model/sync-meta';
import { StoredChange } from '../storage/stored-change';
import { SyncEntityRegistry } from './sync-entity-registry';

/**
 * Brings the store in line with records a storage operation changed (push answers, pulled pages,
 * another tab's writes): one `upsertedFromServer` and one `removedFromServer` per entity type.
 *
 * @example
 * applyStoredChanges(store, registry, result.changes);
 */
export function applyStoredChanges(
  store: Store,
  registry: SyncEntityRegistry,
  changes: readonly StoredChange[]
): void {
  const byType = new Map<string, StoredChange[]>();
  for (const change of changes)
    byType.set(change.modelType, [...(byType.get(change.modelType) ?? []), change]);
  for (const [modelType, typeChanges] of byType) {
    if (!registry.has(modelType)) continue; // a type this tab has not registered (yet)
    const def = registry.get(modelType);
    const live = typeChanges.filter((change) => change.data !== null);
    const gone = typeChanges.filter((change) => change.data === null).map((change) => change.id);
    if (live.length > 0) {
      const metas: Record<string, SyncMeta> = {};
      for (const change of live) if (change.meta) metas[change.id] = change.meta;
      store.dispatch(
        def.actions.upsertedFromServer({
          records: live.map((change) => def.deserialize(change.data ?? {})),
          metas,
        })
      );
    }
    if (gone.length > 0) store.dispatch(def.actions.removedFromServer({ ids: gone }));
  }
}
