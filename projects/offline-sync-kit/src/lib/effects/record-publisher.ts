import { inject, Injectable } from '@angular/core';
import { Store } from '@ngrx/store';
import { StoredChange } from '../storage/stored-change';
import { applyStoredChanges } from './apply-stored-changes';
import { CrossTabChannel } from './cross-tab-channel';
import { SyncEntityRegistry } from './sync-entity-registry';

/**
 * Brings this tab's store and the other tabs in line with what a storage operation changed: the
 * records, and (when `conflictsChanged`) the list of open conflicts.
 *
 * @example
 * inject(RecordPublisher).publish(result.changes, { conflictsChanged: result.conflicts.length > 0 });
 */
@Injectable()
export class RecordPublisher {
  private readonly store = inject(Store);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly tabs = inject(CrossTabChannel);

  publish(changes: readonly StoredChange[], { conflictsChanged = false } = {}): void {
    applyStoredChanges(this.store, this.registry, changes);
    this.tabs.announce(
      changes.map(({ modelType, id }) => ({ modelType, id })),
      conflictsChanged
    );
  }
}
