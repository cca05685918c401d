import { inject, Injectable } from '@angular/core';
import { Store } from '@ngrx/store';
import { pairwise, startWith, Subscription } from 'rxjs';
import { OfflineSyncEncryptionActions } from '../state/offline-sync-encryption.actions';
import { SyncStorage } from '../storage/sync-storage';

/**
 * Puts what happens to encryption at rest into the store: its state, failures (a wrong or
 * missing key), values that failed authentication. When a locked database gets its key, it calls
 * `onUnlocked` so what could not load is loaded now.
 *
 * @example
 * const subscription = inject(EncryptionReporting).start(() => reload());
 */
@Injectable()
export class EncryptionReporting {
  private readonly store = inject(Store);
  private readonly storage = inject(SyncStorage);

  /** Starts reporting; unsubscribe the result when the app is destroyed. */
  start(onUnlocked: () => void): Subscription {
    const { encryption } = this.storage;
    const subscription = new Subscription();
    subscription.add(
      encryption.status$
        .pipe(startWith(encryption.status$.value), pairwise())
        .subscribe(([before, status]) => {
          this.store.dispatch(OfflineSyncEncryptionActions.stateChanged(status));
          if (before.state === 'locked' && status.state !== 'locked') onUnlocked();
        })
    );
    subscription.add(
      encryption.failures$.subscribe((error) =>
        this.store.dispatch(
          OfflineSyncEncryptionActions.encryptionFailed({ error: error.toInfo() })
        )
      )
    );
    subscription.add(
      encryption.ring.corrupt$.subscribe((error) =>
        this.store.dispatch(
          OfflineSyncEncryptionActions.corruptValueFound({
            error: error.toInfo(),
            table: error.table,
          })
        )
      )
    );
    return subscription;
  }
}
