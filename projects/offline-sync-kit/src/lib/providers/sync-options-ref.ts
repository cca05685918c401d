import { inject, Injectable } from '@angular/core';
import { BehaviorSubject, Observable } from 'rxjs';
import { OfflineSyncError } from '../model/sync-error';
import { SyncOptions } from '../model/sync-options';
import { TransportContext } from '../transport/sync-transport';
import { ResolvedSyncOptions, resolveSyncOptions } from './resolve-sync-options';
import { OFFLINE_SYNC_CONFIG } from './tokens';
import { ServerClock } from './server-clock';

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

  private readonly serverClock = inject(ServerClock);

  /** The options in force now, then after every change. */
  readonly changes$: Observable<ResolvedSyncOptions> = this.options.asObservable();

  /** The options in force now. */
  current(): ResolvedSyncOptions {
    return this.options.value;
  }

  /**
   * What the transport needs for a call, from the options in force. Throws a `config` error when
   * no server is configured.
   */
  transportContext(): TransportContext {
    const { serverUrl, requestTimeout, useBatchEndpoint, useDeltaSync } = this.options.value;
    if (!serverUrl) {
      throw new OfflineSyncError(
        'config',
        'No server is configured: set `sync.serverUrl` in provideOfflineSync() or updateSyncOptions().'
      );
    }
    return {
      serverUrl,
      timeoutMs: requestTimeout,
      useBatchEndpoint,
      useDeltaSync,
      serverDates: this.serverClock,
    };
  }

  /** Merges changes over the options in force; throws a `config` error for a bad value. */
  update(changes: SyncOptions): ResolvedSyncOptions {
    const next = resolveSyncOptions(changes, this.options.value);
    this.options.next(next);
    return next;
  }
}
