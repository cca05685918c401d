import { defineSyncEntity } from '../state/define-sync-entity';
import { resolveSyncOptions } from '../providers/resolve-sync-options';
import { conflictPolicyProblem, effectiveConflictPolicy } from './conflict-policy';

describe('conflict policies', () => {
  it('takes a type’s own fields over the global ones, over the defaults', () => {
    expect(effectiveConflictPolicy(undefined, undefined)).toEqual({
      strategy: 'mergeFields',
      sameField: 'serverWins',
      deleteVsUpdate: 'updateWins',
    });
    const resolver = () => 'local' as const;
    expect(
      effectiveConflictPolicy(
        { strategy: 'serverWins', deleteVsUpdate: 'deleteWins' },
        { strategy: 'custom', resolver, sameField: undefined }
      )
    ).toEqual({
      strategy: 'custom',
      sameField: 'serverWins',
      deleteVsUpdate: 'deleteWins',
      resolver,
    });
  });

  it('names the bad field of an invalid policy', () => {
    expect(conflictPolicyProblem(undefined, 'x')).toBeNull();
    expect(conflictPolicyProblem({ strategy: 'newest' }, 'x')).toContain(
      'x.strategy must be one of'
    );
    expect(conflictPolicyProblem({ sameField: 'local' }, 'x')).toContain('x.sameField');
    expect(conflictPolicyProblem({ deleteVsUpdate: true }, 'x')).toContain('x.deleteVsUpdate');
    expect(conflictPolicyProblem({ resolver: 'fn' }, 'x')).toContain(
      'x.resolver must be a function'
    );
    expect(conflictPolicyProblem('manual', 'x')).toContain('must be an object');
  });

  it('is checked where it is given: sync options and entity definitions throw config errors', () => {
    expect(() => resolveSyncOptions({ conflicts: { strategy: 'oldest' as never } })).toThrow(
      jasmine.objectContaining({
        kind: 'config',
        message: jasmine.stringContaining('`conflicts`.strategy'),
      })
    );
    expect(() =>
      defineSyncEntity({
        modelType: 'todo',
        endpoint: 'todos',
        conflicts: { sameField: 'mine' as never },
      })
    ).toThrow(jasmine.objectContaining({ kind: 'config', modelType: 'todo' }));
    // Merged over the options in force, field by field, as updateSyncOptions() does.
    const base = resolveSyncOptions({ conflicts: { strategy: 'manual' } });
    expect(resolveSyncOptions({ conflicts: { sameField: 'clientWins' } }, base).conflicts).toEqual(
      jasmine.objectContaining({ strategy: 'manual', sameField: 'clientWins' })
    );
  });
});
