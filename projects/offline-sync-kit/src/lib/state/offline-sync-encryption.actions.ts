import { createActionGroup, props } from '@ngrx/store';
import { EncryptionState } from '../model/encryption-options';
import { SyncErrorInfo } from '../model/sync-error';

/**
 * What happens to encryption at rest (`withEncryption()`, `enableEncryption()`, …). Dispatched by
 * the kit, not by apps.
 * - `stateChanged`: on, off, rewriting or locked; `enabled` is whether values are (or are being)
 *   encrypted;
 * - `encryptionFailed`: a wrong or missing key (the database stays locked and untouched until the
 *   app gives the right one), or a rewrite that failed (it resumes with the next call or start);
 * - `corruptValueFound`: a stored value failed authentication; it was skipped, the rest loaded.
 *
 * @example
 * actions$.pipe(ofType(OfflineSyncEncryptionActions.encryptionFailed)).subscribe(() => askForPassphrase());
 */
export const OfflineSyncEncryptionActions = createActionGroup({
  source: 'Offline Sync Encryption',
  events: {
    'State Changed': props<{ state: EncryptionState; enabled: boolean }>(),
    'Encryption Failed': props<{ error: SyncErrorInfo }>(),
    'Corrupt Value Found': props<{ error: SyncErrorInfo; table: string }>(),
  },
});
