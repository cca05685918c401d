import { InjectionToken } from '@angular/core';
import { EncryptionOptions } from '../model/encryption-options';
import { toEncryptionOptions } from '../storage/encryption/encryption-key';
import { OfflineSyncFeature } from './offline-sync-feature';

/**
 * The key or passphrase from `withEncryption()`, checked; `null` without it.
 *
 * @example
 * const initial = inject(ENCRYPTION_KEY, { optional: true });
 */
export const ENCRYPTION_KEY = new InjectionToken<EncryptionOptions | null>(
  'offline-sync-kit encryption key'
);

/**
 * Encryption at rest (see docs/encryption.md): every record, outbox entry and open conflict is
 * stored encrypted with AES-GCM-256; ids and the fields an entity declares in `indexes` stay in
 * the clear so queries work. Give a 256-bit key (`CryptoKey` or 32 bytes) or a passphrase
 * (stretched with PBKDF2-SHA-256, 600,000 iterations by default, at least 100,000). A database
 * stored in the clear is encrypted in the background on first start; a wrong key leaves it locked
 * and untouched (`selectEncryptionState` is `locked`) until `enableEncryption()` gets the right
 * one. Throws a `config` error for an unusable key or too few iterations.
 *
 * @example
 * provideOfflineSync(
 *   { entities: [TodoSync] },
 *   withEncryption({ passphrase: await askForPassphrase() })
 * );
 */
export function withEncryption(options: EncryptionOptions): OfflineSyncFeature<'encryption'> {
  const checked = toEncryptionOptions(options);
  return { kind: 'encryption', providers: [{ provide: ENCRYPTION_KEY, useValue: checked }] };
}
