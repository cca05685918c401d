import { EncryptionOptions, EncryptionSecret } from '../../model/encryption-options';
import { OfflineSyncError } from '../../model/sync-error';

/** PBKDF2-SHA-256 iterations when none are given (OWASP's advice for 2023 onwards). */
export const DEFAULT_PBKDF2_ITERATIONS = 600_000;
/** Fewer iterations than this make a passphrase too cheap to guess; they are refused. */
export const MIN_PBKDF2_ITERATIONS = 100_000;
/** Bytes of random salt drawn for each new passphrase. */
export const SALT_BYTES = 16;

/**
 * How a key is obtained from a secret: `raw` for a key the app gives, `pbkdf2` for a passphrase
 * with the salt and iterations it was first stretched with. Stored with the key check (never the
 * key or the passphrase), so the same passphrase gives the same key on the next start.
 *
 * @example
 * const params: KeyDerivation = { kind: 'pbkdf2', salt, iterations: 600_000 };
 */
export type KeyDerivation =
  | { readonly kind: 'raw' }
  | { readonly kind: 'pbkdf2'; readonly salt: Uint8Array; readonly iterations: number };

/**
 * A secret checked and normalized: plain strings become passphrases with the default iterations.
 * Throws a `config` error for a key of the wrong size or kind, an empty passphrase, or fewer
 * iterations than {@link MIN_PBKDF2_ITERATIONS}.
 *
 * @example
 * const options = toEncryptionOptions('correct horse battery staple');
 */
export function toEncryptionOptions(secret: EncryptionSecret): EncryptionOptions {
  const options: EncryptionOptions =
    typeof secret === 'string' ? { passphrase: secret } : (secret ?? ({} as EncryptionOptions));
  if ('passphrase' in options && options.passphrase !== undefined) {
    if (typeof options.passphrase !== 'string' || options.passphrase === '') {
      throw configError('the passphrase is empty. Ask the user for one.');
    }
    const iterations = options.iterations ?? DEFAULT_PBKDF2_ITERATIONS;
    if (!Number.isInteger(iterations) || iterations < MIN_PBKDF2_ITERATIONS) {
      throw configError(
        `${iterations} PBKDF2 iterations are too few to protect a passphrase; use at least ` +
          `${MIN_PBKDF2_ITERATIONS.toLocaleString('en')} (default ` +
          `${DEFAULT_PBKDF2_ITERATIONS.toLocaleString('en')}).`
      );
    }
    return { passphrase: options.passphrase, iterations };
  }
  const key = (options as { key?: unknown }).key;
  if (key instanceof Uint8Array) {
    if (key.byteLength !== 32) {
      throw configError(`a raw key must be 32 bytes (256 bits); this one has ${key.byteLength}.`);
    }
    return { key };
  }
  if (typeof CryptoKey !== 'undefined' && key instanceof CryptoKey) {
    const algorithm = key.algorithm as AesKeyAlgorithm;
    const usable = ['encrypt', 'decrypt'].every((use) => key.usages.includes(use as KeyUsage));
    if (algorithm.name !== 'AES-GCM' || algorithm.length !== 256 || !usable) {
      throw configError(
        'the CryptoKey must be an AES-GCM key of 256 bits usable to encrypt and decrypt.'
      );
    }
    return { key };
  }
  throw configError(
    'give `{ key }` (a 256-bit AES-GCM CryptoKey or 32 bytes) or `{ passphrase }`.'
  );
}

/**
 * The AES-GCM key for a secret: a given non-extractable `CryptoKey` as it is, raw bytes (or an
 * extractable key's bytes) imported, a passphrase stretched with PBKDF2-SHA-256 over
 * `derivation`'s salt. The key returned is always non-extractable: no script can read it back,
 * the kit included.
 *
 * @example
 * const key = await toCryptoKey({ passphrase: 'p4ss', iterations: 600_000 }, { kind: 'pbkdf2', salt, iterations: 600_000 });
 */
export async function toCryptoKey(
  options: EncryptionOptions,
  derivation: KeyDerivation
): Promise<CryptoKey> {
  const usages: KeyUsage[] = ['encrypt', 'decrypt'];
  if ('passphrase' in options && options.passphrase !== undefined) {
    if (derivation.kind !== 'pbkdf2') throw new Error('A passphrase needs PBKDF2 parameters');
    const material = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(options.passphrase) as BufferSource,
      'PBKDF2',
      false,
      ['deriveKey']
    );
    return crypto.subtle.deriveKey(
      {
        name: 'PBKDF2',
        hash: 'SHA-256',
        salt: derivation.salt as BufferSource,
        iterations: derivation.iterations,
      },
      material,
      { name: 'AES-GCM', length: 256 },
      false,
      usages
    );
  }
  const key = options.key as CryptoKey | Uint8Array;
  if (key instanceof Uint8Array) {
    return crypto.subtle.importKey('raw', key as BufferSource, 'AES-GCM', false, usages);
  }
  if (!key.extractable) return key;
  // The kit holds only keys no script can read back: an extractable one is copied into one that
  // is not (the app's own copy stays as it is).
  const raw = await crypto.subtle.exportKey('raw', key);
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, usages);
}

/**
 * Fresh derivation parameters for a secret used for the first time: a new random salt for a
 * passphrase.
 *
 * @example
 * const derivation = newDerivation(toEncryptionOptions('p4ss'));
 */
export function newDerivation(options: EncryptionOptions): KeyDerivation {
  if ('passphrase' in options && options.passphrase !== undefined) {
    return {
      kind: 'pbkdf2',
      salt: crypto.getRandomValues(new Uint8Array(SALT_BYTES)),
      iterations: options.iterations ?? DEFAULT_PBKDF2_ITERATIONS,
    };
  }
  return { kind: 'raw' };
}

function configError(problem: string): OfflineSyncError {
  return new OfflineSyncError('config', `Encryption: ${problem}`);
}
