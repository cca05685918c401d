import { SyncConflict } from '../model/sync-conflict';
import { CommittedWrite } from './offline-sync-storage.actions';

/**
 * Whether a conflict is the one of a record.
 *
 * @example
 * const open = conflicts.find((c) => isConflictOf(c, 'todo', 't1'));
 */
export function isConflictOf(c: SyncConflict, modelType: string, id: string): boolean {
  return c.modelType === modelType && c.id === id;
}

/**
 * The open conflicts with `conflict` added or, for a record already listed, replaced in place.
 * Conflicts a built-in strategy settled at once are never open and are left out.
 *
 * @example
 * withConflict(state.conflicts, conflict);
 */
export function withConflict(
  conflicts: readonly SyncConflict[],
  conflict: SyncConflict
): readonly SyncConflict[] {
  if (conflict.strategy !== 'manual' && conflict.strategy !== 'custom') return conflicts;
  const at = conflicts.findIndex((c) => isConflictOf(c, conflict.modelType, conflict.id));
  return at < 0 ? [...conflicts, conflict] : conflicts.map((c, i) => (i === at ? conflict : c));
}

/**
 * The open conflicts without the one of a record.
 *
 * @example
 * withoutConflict(state.conflicts, { modelType: 'todo', id: 't1' });
 */
export function withoutConflict(
  conflicts: readonly SyncConflict[],
  { modelType, id }: { modelType: string; id: string }
): readonly SyncConflict[] {
  return conflicts.filter((c) => !isConflictOf(c, modelType, id));
}

/**
 * The open conflicts with local edits of their records applied to their local side, and their
 * revision as stored (a record in conflict takes edits but pushes nothing until resolved; a
 * decision made on the revision before the edit is refused as outdated).
 *
 * @example
 * withLocalEdits(state.conflicts, action.writes);
 */
export function withLocalEdits(
  conflicts: readonly SyncConflict[],
  writes: readonly CommittedWrite[]
): readonly SyncConflict[] {
  if (conflicts.length === 0) return conflicts;
  let result = conflicts;
  for (const write of writes) {
    if (write.change === 'unchanged') continue;
    result = result.map((c) =>
      isConflictOf(c, write.modelType, write.id)
        ? {
            ...c,
            local: write.record,
            localUpdatedAt: write.meta?.localUpdatedAt ?? c.localUpdatedAt,
            revision: write.conflictRevision ?? c.revision,
          }
        : c
    );
  }
  return result;
}
