import { EncryptionOptions } from '../../model/encryption-options';
import { newDerivation, toCryptoKey } from './encryption-key';
import { createKeyCheck, KeyCheck, matchesKeyCheck } from './key-check';

/**
 * A key and the id of the key check it matches.
 *
 * @example
 * const found: MatchedKey | null = await findKey(options, stored.keys);
 */
export interface MatchedKey {
  readonly kid: string;
  readonly key: CryptoKey;
}

/**
 * The stored key check a secret opens, with its key; `null` when it opens none. A passphrase is
 * tried against passphrase checks only (with each one's salt and iterations), a key against key
 * checks only.
 *
 * @example
 * const found = await findKey(toEncryptionOptions('p4ss'), stored.keys);
 */
export async function findKey(
  options: EncryptionOptions,
  checks: readonly KeyCheck[]
): Promise<MatchedKey | null> {
  const passphrase = 'passphrase' in options && options.passphrase !== undefined;
  for (const check of checks) {
    if ((check.derivation.kind === 'pbkdf2') !== passphrase) continue;
    const key = await toCryptoKey(options, check.derivation);
    if (await matchesKeyCheck(key, check)) return { kid: check.kid, key };
  }
  return null;
}

/**
 * A secret used for the first time: its key (a passphrase over a new random salt) and the key
 * check to store.
 *
 * @example
 * const { check, key } = await newKey(toEncryptionOptions({ key: bytes }));
 */
export async function newKey(
  options: EncryptionOptions
): Promise<{ check: KeyCheck; key: CryptoKey }> {
  const derivation = newDerivation(options);
  const key = await toCryptoKey(options, derivation);
  return { check: await createKeyCheck(key, derivation), key };
}
