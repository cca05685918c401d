import { inject, Injectable } from '@angular/core';
import { Actions, createEffect } from '@ngrx/effects';
import { Action, Store } from '@ngrx/store';
import { concatMap, tap } from 'rxjs';
import { toSyncErrorInfo } from '../model/sync-error';
import { SyncIdGenerator } from '../providers/tokens';
import { OfflineSyncStorageActions, RestoredRecord } from '../state/offline-sync-storage.actions';
import { LocalWrite } from '../storage/local-write';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { isConflictOf } from '../state/open-conflicts';
import { SettledWrites, SyncStorage } from '../storage/sync-storage';
import { SyncEntityRegistry, UnstorableWrite } from './sync-entity-registry';
import { WriteReceipts } from './write-receipts';
import { CrossTabChannel } from './cross-tab-channel';

/**
 * Persists local entity actions: every `added`/`updated`/`removed` goes to the storage's group
 * commit, and every settled group is reported as `writesCommitted` or `writesFailed` (with the
 * stored rows, so the reducers roll back to what the database holds), then its waiters settle.
 *
 * @example
 * provideEffects(PersistenceEffects) // done by provideOfflineSync()
 */
@Injectable()
export class PersistenceEffects {
  private readonly actions$ = inject(Actions);
  private readonly store = inject(Store);
  private readonly storage = inject(SyncStorage);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly receipts = inject(WriteReceipts);
  private readonly ids = inject(SyncIdGenerator);
  private readonly tabs = inject(CrossTabChannel);

  readonly persistLocalWrites$ = createEffect(
    () =>
      this.actions$.pipe(
        tap((action) => {
          const entityAction = action as Action & Record<string, unknown>;
          for (const write of this.registry.toLocalWrites(entityAction, () => this.ids.next())) {
            if ('error' in write) this.reportUnstorable(action.type, write);
            // Outcomes arrive through `settled$`; this promise only must not be left unhandled.
            else this.storage.write(write).catch(() => undefined);
          }
        })
      ),
    { dispatch: false }
  );

  readonly reportSettledWrites$ = createEffect(
    () =>
      // concatMap: reports must reach the store in commit order, even while a failure is read back.
      this.storage.settled$.pipe(concatMap((batch) => this.report(batch))),
    { dispatch: false }
  );

  private async report(batch: SettledWrites): Promise<void> {
    if (batch.committed.length > 0) {
      this.store.dispatch(
        OfflineSyncStorageActions.writesCommitted({
          writes: batch.committed.map(({ recordId, ...write }) => ({ ...write, id: recordId })),
          pendingCount: batch.pendingCount,
        })
      );
      // An edit of a record in conflict changed the conflict's local side: other tabs re-read it.
      const open = this.store.selectSignal(offlineSyncFeature.selectConflicts)();
      const editedConflict = batch.committed.some(
        (write) =>
          write.meta?.state === 'conflict' ||
          open.some((c) => isConflictOf(c, write.modelType, write.recordId))
      );
      this.tabs.announce(
        batch.committed.map(({ modelType, recordId }) => ({ modelType, id: recordId })),
        editedConflict
      );
      batch.committed.forEach((outcome) => this.receipts.resolve(outcome));
    }
    for (const { writes, error } of batch.failed) {
      const restored = await this.readBack(writes);
      this.store.dispatch(
        OfflineSyncStorageActions.writesFailed({
          writes: writes.map(({ writeId, modelType, recordId }) => ({
            writeId,
            modelType,
            id: recordId,
          })),
          error: toSyncErrorInfo(error, 'storage', 'Saving on this device failed'),
          restored,
        })
      );
      writes.forEach((write) => this.receipts.reject(write.writeId, error));
    }
  }

  /** What the database holds for failed writes, in the app's form; `null` if it cannot be read. */
  private async readBack(writes: readonly LocalWrite[]): Promise<RestoredRecord[] | null> {
    try {
      const rows = await this.storage.readRecords(
        writes.map((w) => [w.modelType, w.recordId] as [string, string])
      );
      return writes.map((write, index) => {
        const row = rows[index];
        const def = this.registry.get(write.modelType);
        return row
          ? {
              modelType: write.modelType,
              id: write.recordId,
              record: def.deserialize(row.data),
              meta: row.meta,
            }
          : { modelType: write.modelType, id: write.recordId, record: null, meta: null };
      });
    } catch {
      return null;
    }
  }

  private reportUnstorable(actionType: string, { writeId, error }: UnstorableWrite): void {
    const info = toSyncErrorInfo(error, 'config', `The action "${actionType}" could not be stored`);
    this.store.dispatch(
      OfflineSyncStorageActions.writesFailed({
        writes: writeId ? [{ writeId, modelType: error.modelType ?? '', id: '' }] : [],
        error: info,
        restored: [],
      })
    );
    if (writeId) this.receipts.reject(writeId, error);
  }
}
