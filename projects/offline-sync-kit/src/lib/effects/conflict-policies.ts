import { inject, Injectable } from '@angular/core';
import { effectiveConflictPolicy, ResolvedConflictPolicy } from '../core/conflict-policy';
import { SyncOptionsRef } from '../providers/sync-options-ref';
import { StorageConflictPolicy } from '../storage/server-apply-context';
import { resolveRestMapping } from '../transport/resolved-rest-mapping';
import { SyncEntityRegistry } from './sync-entity-registry';
import { toTransportEntity } from './transport-entity';

/**
 * The conflict policy in force for each type: the type's own fields over `sync.conflicts` (which
 * `updateSyncOptions` can change at run time), over the defaults.
 *
 * @example
 * const { strategy } = inject(ConflictPolicies).for('todo');
 */
@Injectable()
export class ConflictPolicies {
  private readonly registry = inject(SyncEntityRegistry);
  private readonly options = inject(SyncOptionsRef);

  /** The policy of one type (the global one for a type not registered here). */
  for(modelType: string): ResolvedConflictPolicy {
    const own = this.registry.has(modelType) ? this.registry.get(modelType).conflicts : undefined;
    return effectiveConflictPolicy(this.options.current().conflicts, own);
  }

  /** The policy as the storage applies it, with the fields the type's server owns. */
  forStorage(modelType: string): StorageConflictPolicy {
    const { strategy, sameField, deleteVsUpdate } = this.for(modelType);
    const mapping = resolveRestMapping(
      this.registry.has(modelType)
        ? toTransportEntity(this.registry.get(modelType))
        : { modelType, endpoint: modelType, rest: {} }
    );
    const serverFields =
      mapping.versionSource === 'field'
        ? [mapping.versionField, mapping.updatedAtField]
        : [mapping.updatedAtField];
    const versioned = mapping.versionSource !== 'none';
    return { strategy, sameField, deleteVsUpdate, serverFields, versioned };
  }
}
