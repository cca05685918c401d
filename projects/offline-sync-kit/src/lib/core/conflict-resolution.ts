import { SerializedRecord } from '../model/mutation';
import { ConflictResolutionStrategy } from '../model/sync-conflict';
import { sameValue } from './changed-fields';

/**
 * The built-in rules for settling a conflict between a local change and the server's version.
 * (`custom` and `manual` are decided outside this pure core.)
 *
 * @example
 * const strategy: BuiltInConflictStrategy = 'mergeFields';
 */
export type BuiltInConflictStrategy = Exclude<ConflictResolutionStrategy, 'custom' | 'manual'>;

/**
 * Whether a strategy is settled by the kit alone, at once (not by the app or its resolver).
 *
 * @example
 * if (isBuiltInStrategy(policy.strategy)) resolveByStrategy(policy.strategy, sides, policy);
 */
export function isBuiltInStrategy(
  strategy: ConflictResolutionStrategy
): strategy is BuiltInConflictStrategy {
  return strategy !== 'custom' && strategy !== 'manual';
}

/**
 * The three versions of a conflicting record: the one the local change was made on, the local
 * one, and the server's; `null` where the record is deleted (or, for `base`, did not exist).
 * Update times are in server time (ms since epoch), or `null` when unknown.
 *
 * @example
 * const sides: ConflictSides = { base, local, server, localUpdatedAt: 1_700_000_100_000, serverUpdatedAt: 1_700_000_000_000 };
 */
export interface ConflictSides {
  readonly base: SerializedRecord | null;
  readonly local: SerializedRecord | null;
  readonly server: SerializedRecord | null;
  readonly localUpdatedAt?: number | null;
  readonly serverUpdatedAt?: number | null;
}

/**
 * How the rules treat the cases the strategy alone does not settle.
 * - `sameField`: for `mergeFields`, who wins a field both sides changed differently;
 * - `deleteVsUpdate`: when one side deleted and the other updated, whether the update wins (the
 *   record is kept or restored) or the delete does.
 *
 * @example
 * const rules: ConflictRules = { sameField: 'serverWins', deleteVsUpdate: 'updateWins' };
 */
export interface ConflictRules {
  readonly sameField: 'serverWins' | 'clientWins';
  readonly deleteVsUpdate: 'updateWins' | 'deleteWins';
}

/**
 * The default rules: the server wins a field both sides changed, and an update wins over a delete
 * (nobody loses an edit to a deletion they did not see).
 *
 * @example
 * resolveByStrategy('mergeFields', sides, { ...DEFAULT_CONFLICT_RULES, sameField: 'clientWins' });
 */
export const DEFAULT_CONFLICT_RULES: ConflictRules = {
  sameField: 'serverWins',
  deleteVsUpdate: 'updateWins',
};

/**
 * The record a conflict settles on: `null` means deleted. `winner` says which side it came from
 * (`merged` when fields of both were combined).
 *
 * @example
 * if (outcome.winner === 'local') pushAgainOnTheServersVersion(outcome.record);
 */
export interface ConflictOutcome {
  readonly record: SerializedRecord | null;
  readonly winner: 'local' | 'server' | 'merged';
}

/**
 * Settles a conflict by a built-in strategy. Pure: the caller brings the three versions and the
 * update times, already on the server's clock.
 * - `serverWins` / `clientWins`: that side's version, deletion included;
 * - `lastUpdateWins`: the side changed last (ties and unknown times: the server);
 * - `mergeFields`: three-way merge against the base: a field changed on one side only takes that
 *   side's value; a field changed on both sides to different values follows `rules.sameField`.
 * Delete against update follows `rules.deleteVsUpdate` for every strategy but the two "wins" ones;
 * a delete against a side that did not change the record (still equal to the base) wins.
 *
 * @example
 * resolveByStrategy('mergeFields', {
 *   base: { id: 't1', title: 'Milk', done: false },
 *   local: { id: 't1', title: 'Milk', done: true },
 *   server: { id: 't1', title: 'Oat milk', done: false },
 * }); // { record: { id: 't1', title: 'Oat milk', done: true }, winner: 'merged' }
 */
export function resolveByStrategy(
  strategy: BuiltInConflictStrategy,
  sides: ConflictSides,
  rules: ConflictRules = DEFAULT_CONFLICT_RULES
): ConflictOutcome {
  const local: ConflictOutcome = { record: sides.local, winner: 'local' };
  const server: ConflictOutcome = { record: sides.server, winner: 'server' };
  if (strategy === 'serverWins') return server;
  if (strategy === 'clientWins') return local;
  if (sides.local === null || sides.server === null) {
    if (sides.local === null && sides.server === null) return server;
    const [deleted, kept] = sides.local === null ? [local, server] : [server, local];
    // A side that kept the record unchanged made no edit for the delete to lose.
    if (sides.base && sameValue(kept.record, sides.base)) return deleted;
    return rules.deleteVsUpdate === 'updateWins' ? kept : deleted;
  }
  if (strategy === 'lastUpdateWins') {
    const localAt = sides.localUpdatedAt ?? null;
    const serverAt = sides.serverUpdatedAt ?? null;
    return localAt !== null && (serverAt === null || localAt > serverAt) ? local : server;
  }
  return mergeFields(sides.base ?? {}, sides.local, sides.server, rules.sameField);
}

function mergeFields(
  base: SerializedRecord,
  local: SerializedRecord,
  server: SerializedRecord,
  sameField: ConflictRules['sameField']
): ConflictOutcome {
  const merged: SerializedRecord = {};
  const fields = new Set([...Object.keys(base), ...Object.keys(local), ...Object.keys(server)]);
  let tookLocal = false;
  let tookServer = false;
  for (const field of fields) {
    const localChanged = !sameValue(base[field], local[field]);
    const serverChanged = !sameValue(base[field], server[field]);
    const clash = localChanged && serverChanged && !sameValue(local[field], server[field]);
    const useLocal = clash ? sameField === 'clientWins' : localChanged && !serverChanged;
    const source = useLocal ? local : server;
    if (useLocal) tookLocal = true;
    else if (serverChanged) tookServer = true;
    if (field in source) merged[field] = source[field];
  }
  const winner = tookLocal && tookServer ? 'merged' : tookLocal ? 'local' : 'server';
  return { record: merged, winner };
}
