import { Store } from '@ngrx/store';
import { OfflineSyncEngineActions } from '../state/offline-sync-engine.actions';
import { SyncStorage } from '../storage/sync-storage';

/**
 * Counts the outbox (pending and dead letters) and puts the counts in state.
 *
 * @example
 * await reportOutboxCounts(store, storage);
 */
export async function reportOutboxCounts(store: Store, storage: SyncStorage): Promise<void> {
  const { pending, failed } = await storage.outboxCounts();
  store.dispatch(
    OfflineSyncEngineActions.outboxCounted({ pendingCount: pending, failedCount: failed })
  );
}
