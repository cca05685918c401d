import { inject, Injectable, Signal } from '@angular/core';
import { Store } from '@ngrx/store';
import { EncryptionSecret, EncryptionState } from '../model/encryption-options';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { SyncStorage } from '../storage/sync-storage';
import { SyncBootstrap } from '../effects/sync-bootstrap';

/**
 * The encryption part of `OfflineSyncService` (a base class of it): turn encryption at rest on
 * or off, change the key, unlock a database whose key was missing or wrong. Each call rewrites
 * the stored values in resumable chunks and resolves once every value is stored as asked; a
 * reload meanwhile leaves each value readable, and the next call (or start) finishes the job.
 *
 * @example
 * const sync = inject(OfflineSyncService);
 * await sync.enableEncryption(passphrase);
 * sync.isEncryptionEnabled(); // true
 */
@Injectable()
export abstract class OfflineSyncEncryptionApi {
  private readonly encryptionStorage = inject(SyncStorage);
  private readonly encryptionStore = inject(Store);
  private readonly encryptionBootstrap = inject(SyncBootstrap);

  /** Whether stored values are, or are being, encrypted. */
  readonly isEncryptionEnabled: Signal<boolean> = this.encryptionStore.selectSignal(
    offlineSyncFeature.selectEncryptionEnabled
  );
  /** `off`, `on`, `rewriting` or `locked` (a key is missing or wrong). */
  readonly encryptionState: Signal<EncryptionState> = this.encryptionStore.selectSignal(
    offlineSyncFeature.selectEncryption
  );

  /**
   * Turns encryption on with a key or passphrase (a string is a passphrase), encrypting every
   * stored value; on a `locked` database, unlocks it with its key and loads what was waiting.
   * Rejects with an `EncryptionKeyError` when the database is encrypted with another key (nothing
   * is changed), and with a `config` error for an unusable key or too few PBKDF2 iterations.
   *
   * @example
   * try {
   *   await sync.enableEncryption({ passphrase, iterations: 600_000 });
   * } catch (e) {
   *   if (e instanceof EncryptionKeyError) showWrongPassphrase();
   * }
   */
  async enableEncryption(secret: EncryptionSecret): Promise<void> {
    await this.encryptionStorage.enableEncryption(secret);
    await this.encryptionBootstrap.whenReloadedAfterUnlock();
  }

  /**
   * Turns encryption off, storing every value in the clear again. On a `locked` database give the
   * key, which this session does not hold yet.
   *
   * @example
   * await sync.disableEncryption();
   */
  async disableEncryption(secret?: EncryptionSecret): Promise<void> {
    await this.encryptionStorage.disableEncryption(secret);
    await this.encryptionBootstrap.whenReloadedAfterUnlock();
  }

  /**
   * Re-encrypts every stored value with a new key or passphrase. Encryption must be on, with its
   * current key given (at start or with `enableEncryption()`).
   *
   * @example
   * await sync.changeEncryptionKey({ passphrase: newPassphrase });
   */
  async changeEncryptionKey(secret: EncryptionSecret): Promise<void> {
    await this.encryptionStorage.changeEncryptionKey(secret);
    await this.encryptionBootstrap.whenReloadedAfterUnlock();
  }
}
