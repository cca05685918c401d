import { DestroyRef, inject, Injectable } from '@angular/core';
import { Store } from '@ngrx/store';
import { OFFLINE_SYNC_CONFIG } from '../providers/tokens';
import { OfflineSyncConflictActions } from '../state/offline-sync-conflict.actions';
import { SyncStorage } from '../storage/sync-storage';
import { applyStoredChanges } from './apply-stored-changes';
import { reportOutboxCounts } from './report-outbox-counts';
import { SyncEntityRegistry } from './sync-entity-registry';

interface ChangedRecords {
  readonly keys: [modelType: string, id: string][];
  /** A conflict opened, changed or closed: the list of open conflicts is to be read again. */
  readonly conflicts?: boolean;
}

/**
 * Keeps the stores of several tabs (or app instances) on one database in step: after this app
 * stores anything, it names the changed records on a `BroadcastChannel`; the others read those
 * records back from IndexedDB (the source of truth, never the message) and update their stores.
 *
 * @example
 * inject(CrossTabChannel).announce([{ modelType: 'todo', id: 't1' }]);
 */
@Injectable()
export class CrossTabChannel {
  private readonly store = inject(Store);
  private readonly storage = inject(SyncStorage);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly channel: BroadcastChannel | null =
    typeof BroadcastChannel === 'function'
      ? new BroadcastChannel(`offline-sync-kit:${inject(OFFLINE_SYNC_CONFIG).databaseName}`)
      : null;

  constructor() {
    if (this.channel)
      this.channel.onmessage = (event: MessageEvent<ChangedRecords>) =>
        void this.receive(event.data);
    inject(DestroyRef).onDestroy(() => this.channel?.close());
  }

  /** Tells the other tabs which records changed, and whether the open conflicts did. */
  announce(records: readonly { modelType: string; id: string }[], conflicts = false): void {
    if (!this.channel || (records.length === 0 && !conflicts)) return;
    this.channel.postMessage({
      keys: records.map(({ modelType, id }) => [modelType, id]),
      conflicts,
    } satisfies ChangedRecords);
  }

  private async receive(message: ChangedRecords): Promise<void> {
    if (message?.conflicts) await this.reloadConflicts();
    const keys = (message?.keys ?? []).filter(([modelType]) => this.registry.has(modelType));
    if (keys.length === 0) return;
    try {
      const rows = await this.storage.readRecords(keys);
      applyStoredChanges(
        this.store,
        this.registry,
        keys.map(([modelType, id], i) => {
          const row = rows[i];
          return { modelType, id, data: row?.data ?? null, meta: row?.meta ?? null };
        })
      );
      await reportOutboxCounts(this.store, this.storage);
    } catch {
      // The database is unusable here; this tab already reports that through its own writes.
    }
  }

  private async reloadConflicts(): Promise<void> {
    try {
      const conflicts = await this.storage.openConflicts();
      this.store.dispatch(OfflineSyncConflictActions.conflictsRestored({ conflicts }));
    } catch {
      // As above: the database problem is reported by this tab's own operations.
    }
  }
}
