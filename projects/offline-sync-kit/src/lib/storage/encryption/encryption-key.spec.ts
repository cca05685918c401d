import { OfflineSyncError } from '../../model/sync-error';
import { EncryptionSecret } from '../../model/encryption-options';
import {
  DEFAULT_PBKDF2_ITERATIONS,
  newDerivation,
  toCryptoKey,
  toEncryptionOptions,
} from './encryption-key';

describe('encryption keys', () => {
  function configErrorOf(secret: unknown): OfflineSyncError | null {
    try {
      toEncryptionOptions(secret as EncryptionSecret);
      return null;
    } catch (error) {
      return error as OfflineSyncError;
    }
  }

  it('takes a string as a passphrase with 600,000 iterations by default', () => {
    expect(toEncryptionOptions('p4ss')).toEqual({ passphrase: 'p4ss', iterations: 600_000 });
    expect(DEFAULT_PBKDF2_ITERATIONS).toBe(600_000);
  });

  it('refuses fewer than 100,000 iterations, empty passphrases and keys of the wrong size', () => {
    const tooFew = configErrorOf({ passphrase: 'p4ss', iterations: 99_999 });
    expect(tooFew?.kind).toBe('config');
    expect(tooFew?.message).toContain('at least 100,000');
    expect(configErrorOf({ passphrase: 'p4ss', iterations: 100_000 })).toBeNull();
    expect(configErrorOf('')?.kind).toBe('config');
    expect(configErrorOf({ key: new Uint8Array(16) })?.message).toContain('32 bytes');
    expect(configErrorOf({})?.kind).toBe('config');
  });

  it('refuses a CryptoKey that is not AES-GCM-256 for encrypting and decrypting', async () => {
    const aes128 = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, [
      'encrypt',
      'decrypt',
    ]);
    expect(configErrorOf({ key: aes128 })?.message).toContain('AES-GCM key of 256 bits');
    const good = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    expect(configErrorOf({ key: good })).toBeNull();
  });

  it('derives non-extractable keys, the same one for the same passphrase and salt', async () => {
    const options = toEncryptionOptions({ passphrase: 'p4ss', iterations: 100_000 });
    const derivation = newDerivation(options);
    expect(derivation).toEqual(jasmine.objectContaining({ kind: 'pbkdf2', iterations: 100_000 }));
    const key = await toCryptoKey(options, derivation);
    expect(key.extractable).toBeFalse();
    expect(await toCryptoKey({ key: new Uint8Array(32) }, { kind: 'raw' })).toEqual(
      jasmine.objectContaining({ extractable: false })
    );
    const extractable = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, [
      'encrypt',
      'decrypt',
    ]);
    expect((await toCryptoKey({ key: extractable }, { kind: 'raw' })).extractable).toBeFalse();
    const iv = new Uint8Array(12);
    const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array([7]));
    const again = await toCryptoKey(options, derivation);
    const opened = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, again, sealed);
    expect([...new Uint8Array(opened)]).toEqual([7]);
  });
});
