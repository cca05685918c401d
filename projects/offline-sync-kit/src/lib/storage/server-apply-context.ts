import { ConflictRules } from '../core/conflict-resolution';
import { ConflictResolutionStrategy } from '../model/sync-conflict';
import { EntityStorageSpec } from './local-write';

/**
 * How one type's conflicts are settled, as the storage layer needs it: the strategy and rules,
 * and the fields the server owns (`version`, `updatedAt`), which a resolved record always takes
 * from the server's side.
 *
 * @example
 * const policy: StorageConflictPolicy = { strategy: 'mergeFields', sameField: 'serverWins', deleteVsUpdate: 'updateWins', serverFields: ['version', 'updatedAt'], versioned: true };
 */
export type StorageConflictPolicy = ConflictRules & {
  readonly strategy: ConflictResolutionStrategy;
  readonly serverFields: readonly string[];
  /**
   * Whether the type's server has versions (any `versionSource` but `none`). Then a pulled record
   * without one (list items of `ETag` APIs) is left to the push's `If-Match` to judge; without
   * versions, the pull compares it with the base of the local change.
   */
  readonly versioned: boolean;
};

/**
 * What storage operations that apply server answers (push outcomes, pulled pages, conflict
 * resolutions) need from outside: the time (on the server's clock), each type's storage spec and
 * conflict policy, and fresh ids for the outbox entries a resolution queues.
 *
 * @example
 * await applyPullPage(db, 'todo', page, { now: Date.now(), specFor, conflictPolicyFor, newMutationId });
 */
export interface ServerApplyContext {
  readonly now: number;
  readonly specFor: (modelType: string) => EntityStorageSpec;
  readonly conflictPolicyFor: (modelType: string) => StorageConflictPolicy;
  readonly newMutationId: () => string;
}
