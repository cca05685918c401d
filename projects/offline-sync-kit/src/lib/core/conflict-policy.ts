import { ConflictPolicy, ConflictResolutionStrategy } from '../model/sync-conflict';
import { ConflictRules, DEFAULT_CONFLICT_RULES } from './conflict-resolution';
import { withoutUndefined } from './without-undefined';

/**
 * A {@link ConflictPolicy} with every default applied: what decides one type's conflicts now.
 *
 * @example
 * const policy: ResolvedConflictPolicy = effectiveConflictPolicy(globalPolicy, TodoSync.conflicts);
 */
export type ResolvedConflictPolicy = ConflictRules & {
  readonly strategy: ConflictResolutionStrategy;
  readonly resolver?: ConflictPolicy['resolver'];
};

/**
 * The policy when neither the app nor the type sets one: `mergeFields`, which keeps every change
 * made on one side only, the server winning a field both sides changed, an update winning over a
 * delete.
 *
 * @example
 * provideOfflineSync({ sync: { conflicts: { ...DEFAULT_CONFLICT_POLICY, sameField: 'clientWins' } } });
 */
export const DEFAULT_CONFLICT_POLICY: ResolvedConflictPolicy = {
  strategy: 'mergeFields',
  ...DEFAULT_CONFLICT_RULES,
};

const STRATEGIES: readonly ConflictResolutionStrategy[] = [
  'serverWins',
  'clientWins',
  'lastUpdateWins',
  'mergeFields',
  'custom',
  'manual',
];

/**
 * One type's policy: its own fields over the global ones, over the defaults. A type that sets
 * only a `resolver` does not inherit another type's: resolvers never cross types.
 *
 * @example
 * effectiveConflictPolicy({ strategy: 'serverWins' }, { sameField: 'clientWins' });
 * // { strategy: 'serverWins', sameField: 'clientWins', deleteVsUpdate: 'updateWins' }
 */
export function effectiveConflictPolicy(
  global: ConflictPolicy | undefined,
  own: ConflictPolicy | undefined
): ResolvedConflictPolicy {
  return { ...DEFAULT_CONFLICT_POLICY, ...withoutUndefined(global), ...withoutUndefined(own) };
}

/**
 * The problem with a conflict policy, or `null` when it is valid. `where` names it in the message.
 *
 * @example
 * conflictPolicyProblem({ strategy: 'newest' }, 'sync.conflicts');
 * // 'sync.conflicts.strategy must be one of serverWins, clientWins, …'
 */
export function conflictPolicyProblem(policy: unknown, where: string): string | null {
  if (policy === undefined) return null;
  if (typeof policy !== 'object' || policy === null) return `${where} must be an object.`;
  const { strategy, sameField, deleteVsUpdate, resolver } = policy as Record<string, unknown>;
  if (strategy !== undefined && !STRATEGIES.includes(strategy as ConflictResolutionStrategy)) {
    return `${where}.strategy must be one of ${STRATEGIES.join(', ')}, not ${JSON.stringify(strategy)}.`;
  }
  if (sameField !== undefined && sameField !== 'serverWins' && sameField !== 'clientWins') {
    return `${where}.sameField must be "serverWins" or "clientWins".`;
  }
  if (
    deleteVsUpdate !== undefined &&
    deleteVsUpdate !== 'updateWins' &&
    deleteVsUpdate !== 'deleteWins'
  ) {
    return `${where}.deleteVsUpdate must be "updateWins" or "deleteWins".`;
  }
  if (resolver !== undefined && typeof resolver !== 'function') {
    return `${where}.resolver must be a function (conflict) => record | 'local' | 'server'.`;
  }
  return null;
}
