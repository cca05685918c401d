import { DestroyRef, inject, Injectable, Injector } from '@angular/core';
import { Store } from '@ngrx/store';
import { SerializedRecord } from '../model/mutation';
import { ConflictResolution, ConflictResolverFn, SyncConflict } from '../model/sync-conflict';
import { OfflineSyncError, toSyncErrorInfo } from '../model/sync-error';
import { ConflictResolver } from '../providers/conflict-resolver';
import { SyncLock } from '../providers/sync-lock';
import { OFFLINE_SYNC_CONFIG } from '../providers/tokens';
import { OfflineSyncConflictActions } from '../state/offline-sync-conflict.actions';
import { ConflictEvent } from '../storage/open-or-settle-conflict';
import { OpenConflictResult, StoredDecision } from '../storage/resolve-open-conflict';
import { SyncStorage } from '../storage/sync-storage';
import { SyncEntityDefinition } from '../state/define-sync-entity';
import { ConflictPolicies } from './conflict-policies';
import { RecordPublisher } from './record-publisher';
import { SyncEntityRegistry } from './sync-entity-registry';
import { reportOutboxCounts } from './report-outbox-counts';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { recordKey } from '../core/record-key';

const A = OfflineSyncConflictActions;
/** A conflict changed while its resolver decided this often in a row: leave it to the app. */
const MAX_OUTDATED_DECISIONS = 3;

/** Thrown into a resolver's wait when the app is destroyed, so its lock is released. */
class AppDestroyed extends Error {}

/**
 * Everything after the storage met a conflict: reports it (`conflictDetected`, and
 * `conflictResolved` when a built-in strategy settled it), runs `custom` resolvers (also those a
 * reload interrupted), and applies the app's decisions for `manual` ones. A resolver that throws
 * leaves its conflict to the app (strategy `manual`, with the error): no change is ever lost.
 *
 * @example
 * await inject(ConflictCoordinator).resolve('todo', 't1', 'local'); // what resolveConflict does
 */
@Injectable()
export class ConflictCoordinator {
  private readonly store = inject(Store);
  private readonly storage = inject(SyncStorage);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly policies = inject(ConflictPolicies);
  private readonly publisher = inject(RecordPublisher);
  private readonly injector = inject(Injector);
  private readonly lock = inject(SyncLock);
  private readonly databaseName = inject(OFFLINE_SYNC_CONFIG).databaseName;
  /** Records whose resolver is running in this app, so one conflict never runs two at once. */
  private readonly resolving = new Set<string>();
  private destroyed = false;
  private readonly whenDestroyed = new Promise<never>((_, reject) =>
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      reject(new AppDestroyed());
    })
  );

  constructor() {
    this.whenDestroyed.catch(() => undefined); // only a signal; nobody may be waiting
  }

  /** Reports conflicts a storage operation met, and starts `custom` resolvers. */
  report(events: readonly ConflictEvent[]): void {
    for (const { conflict, resolved } of events) {
      this.store.dispatch(A.conflictDetected({ conflict }));
      if (resolved) {
        this.store.dispatch(
          A.conflictResolved({
            modelType: conflict.modelType,
            id: conflict.id,
            strategy: conflict.strategy,
            outcome: resolved.winner,
            record: resolved.record,
          })
        );
      } else if (conflict.strategy === 'custom') void this.runResolver(conflict);
    }
  }

  /**
   * Applies the app's decision for an open conflict. Rejects with a `not-found` error when the
   * record has no open conflict, a `config` error for an unregistered type.
   */
  async resolve(
    modelType: string,
    id: string,
    resolution: ConflictResolution,
    revision?: number
  ): Promise<void> {
    const def = this.registry.get(modelType);
    const decision = toDecision(resolution, def, id);
    const result = await this.storage.resolveConflict(modelType, id, decision, revision);
    if (result.kind === 'outdated') {
      throw new OfflineSyncError(
        'conflict',
        `The ${modelType} "${id}" conflict changed while it was being decided (a newer server ` +
          `version or a local edit arrived), so the decision was not applied. Show the conflict ` +
          `as it is now and decide again.`,
        { modelType, recordId: id }
      );
    }
    this.finish(result, 'manual');
    // The outcome waits in the outbox until the push the resolution triggers: count it now, so
    // the status does not say "0 pending" (and "settled") before it is sent.
    if (result.kind === 'resolved') await reportOutboxCounts(this.store, this.storage);
  }

  /**
   * Runs the resolvers a reload interrupted, for a type once it is loaded (the open conflicts
   * came into state with the database).
   */
  resumeType(modelType: string): void {
    for (const conflict of this.store.selectSignal(offlineSyncFeature.selectConflicts)()) {
      const waiting = conflict.strategy === 'custom' && conflict.error === null;
      if (waiting && conflict.modelType === modelType) void this.runResolver(conflict);
    }
  }

  private async runResolver(conflict: SyncConflict): Promise<void> {
    const key = recordKey(conflict.modelType, conflict.id);
    if (this.resolving.has(key)) return;
    this.resolving.add(key);
    // One tab at a time: tabs starting together must not both run a resolver with side effects;
    // a failure is recorded before the lock goes, so a waiting tab sees it.
    const lockName = `offline-sync-kit:${this.databaseName}:conflict:${conflict.modelType}:${conflict.id}`;
    try {
      await this.lock.runExclusive(lockName, async () => {
        try {
          await this.decideUntilSettled(conflict);
        } catch (error) {
          if (!this.destroyed) await this.leaveToApp(conflict, error); // else: again at next start
        }
      });
    } finally {
      this.resolving.delete(key);
    }
  }

  /** Asks the resolver until its answer applies to the conflict as it still is. */
  private async decideUntilSettled(conflict: SyncConflict): Promise<void> {
    // Read again under the lock: another tab may have settled or changed it while we waited.
    let current = await this.storage.openConflict(conflict.modelType, conflict.id);
    for (let round = 0; round < MAX_OUTDATED_DECISIONS; round++) {
      if (!current || current.strategy !== 'custom') return; // settled meanwhile
      const decision = await Promise.race([this.decide(current), this.whenDestroyed]);
      const result = await this.storage
        .resolveConflict(current.modelType, current.id, decision, current.revision)
        .catch((error: unknown) => {
          // Resolved meanwhile (by the app, or in another tab): nothing is left to decide.
          if (error instanceof OfflineSyncError && error.kind === 'not-found') return null;
          throw error;
        });
      if (result?.kind === 'resolved') return this.finish(result, 'custom');
      current = result?.conflict ?? null;
    }
    throw new OfflineSyncError(
      'conflict',
      `the record kept changing (local edits or newer server versions) while the resolver ` +
        `decided, ${MAX_OUTDATED_DECISIONS} times in a row`,
      { modelType: conflict.modelType, recordId: conflict.id }
    );
  }

  private async decide(conflict: SyncConflict): Promise<StoredDecision> {
    const def = this.registry.get(conflict.modelType);
    const resolver = this.resolverFor(conflict.modelType);
    const answer = await resolver({
      ...conflict,
      base: deserialized(conflict.base, def),
      local: deserialized(conflict.local, def),
      server: deserialized(conflict.server, def),
    });
    if (answer !== null && answer !== 'local' && answer !== 'server') {
      if (typeof answer !== 'object' || Array.isArray(answer)) {
        throw new OfflineSyncError(
          'config',
          `the resolver answered ${JSON.stringify(answer) ?? String(answer)}; it must return ` +
            `the record to keep, 'local', 'server' or null (to delete it)`,
          { modelType: conflict.modelType, recordId: conflict.id }
        );
      }
    }
    return toDecision(
      answer === null || typeof answer === 'object' ? { merged: answer } : answer,
      def,
      conflict.id
    );
  }

  private resolverFor(modelType: string): ConflictResolverFn {
    const own = this.policies.for(modelType).resolver;
    if (own) return own;
    const provided = this.injector.get(ConflictResolver, null);
    if (provided) return (conflict) => provided.resolve(conflict) as ReturnType<ConflictResolverFn>;
    throw new OfflineSyncError(
      'config',
      `The ${modelType} conflict strategy is "custom" but no resolver is set: give ` +
        '`conflicts.resolver` (for the type or in `sync.conflicts`), or provide a ConflictResolver class.',
      { modelType }
    );
  }

  private async leaveToApp(conflict: SyncConflict, error: unknown): Promise<void> {
    const cause = toSyncErrorInfo(error, 'conflict', 'The resolver failed');
    const info = {
      ...cause,
      kind: 'conflict' as const,
      modelType: conflict.modelType,
      recordId: conflict.id,
      message:
        `Resolving the conflict of ${conflict.modelType} "${conflict.id}" failed (${cause.message}). ` +
        'Both versions are kept; it waits for resolveConflict() as under the manual strategy ' +
        '(fix the resolver to have such conflicts settled by it again).',
    };
    try {
      await this.storage.markConflictManual(conflict.modelType, conflict.id, info);
    } catch {
      // Still open in the database as `custom`: its resolver runs again at the next start.
    }
    this.store.dispatch(
      A.conflictResolutionFailed({ modelType: conflict.modelType, id: conflict.id, error: info })
    );
    this.publisher.publish([], { conflictsChanged: true });
  }

  private finish(result: OpenConflictResult, strategy: 'manual' | 'custom'): void {
    if (result.kind !== 'resolved') return;
    this.publisher.publish([result.change], { conflictsChanged: true });
    this.store.dispatch(
      A.conflictResolved({
        modelType: result.conflict.modelType,
        id: result.conflict.id,
        strategy,
        outcome: result.winner,
        record: result.change.data,
      })
    );
  }
}

function deserialized<T>(data: SerializedRecord | null, def: SyncEntityDefinition<T>): T | null {
  return data === null ? null : def.deserialize(data);
}

function toDecision(
  resolution: ConflictResolution,
  def: SyncEntityDefinition<unknown>,
  id: string
): StoredDecision {
  if (resolution === 'local' || resolution === 'server') return resolution;
  if (typeof resolution !== 'object' || resolution === null || !('merged' in resolution)) {
    throw new OfflineSyncError(
      'config',
      `The resolution of the ${def.modelType} "${id}" conflict must be 'local', 'server' or ` +
        `{ merged: record }, not ${JSON.stringify(resolution)}.`,
      { modelType: def.modelType, recordId: id }
    );
  }
  // The merged record is this record, whatever id the app's object carries.
  const merged = resolution.merged === null ? null : def.serialize(resolution.merged);
  return { merged: merged && { ...merged, [def.idField]: id } };
}
