import { EntityState } from '@ngrx/entity';
import { SyncMeta } from '../model/sync-meta';

/**
 * The store slice of one entity type: the `@ngrx/entity` state of the app's records, their sync
 * metadata by id (kept apart so the app's objects stay its own), and whether the type is hydrated.
 *
 * @example
 * const state: SyncEntityState<Todo> = store.selectSignal(TodoSync.selectors.selectState)();
 */
export interface SyncEntityState<T> extends EntityState<T> {
  readonly meta: Readonly<Record<string, SyncMeta>>;
  readonly hydrated: boolean;
  /** Ids removed before hydration finished, so the hydrated rows do not bring them back. */
  readonly removedBeforeHydration: readonly string[];
  /** Local writes per id applied to the store but not yet committed to the database. */
  readonly inflight: Readonly<Record<string, number>>;
  /** Ids whose server update arrived while a local write was in flight; the commit brings it. */
  readonly staleIds: Readonly<Record<string, true>>;
}
