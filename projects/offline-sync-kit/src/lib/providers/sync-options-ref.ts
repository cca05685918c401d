import { inject, Injectable } from '@angular/core';
import { BehaviorSubject, Observable } from 'rxjs';
import { SyncOptions } from '../model/sync-options';
import { ResolvedSyncOptions, resolveSyncOptions } from './resolve-sync-options';
import { OFFLINE_SYNC_CONFIG } from './tokens';

/**
 * The sync options in force: those given at setup, changed at run time by
 * `OfflineSyncService.updateSyncOptions()`.
 *
 * @example
 * const { batchSize } = inject(SyncOptionsRef).current();
 */
@Injectable()
export class SyncOptionsRef {
  private readonly options = new BehaviorSubject<ResolvedSyncOptions>(
    inject(OFFLINE_SYNC_CONFIG).sync
  );

  /** The options in force now, then after every change. */
  readonly changes$: Observable<ResolvedSyncOptions> = this.options.asObservable();

  /** The options in force now. */
  current(): ResolvedSyncOptions {
    return this.options.value;
  }

  /** Merges changes over the options in force; throws a `config` error for a bad value. */
  update(changes: SyncOptions): ResolvedSyncOptions {
    const next = resolveSyncOptions(changes, this.options.value);
    this.options.next(next);
    return next;
  }
}
