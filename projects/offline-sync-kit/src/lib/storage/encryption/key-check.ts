import { openBytes, SealedBytes, sealBytes } from './aes-gcm';
import { KeyDerivation } from './encryption-key';

/**
 * What the `meta` table keeps about one key: its id, how to get it again from the secret, and a
 * known text encrypted with it. Decrypting that text tells at start whether a key is the right
 * one, before any stored value is touched. Neither the key nor the passphrase is in it.
 *
 * @example
 * const check = await createKeyCheck(key, { kind: 'raw' });
 * await matchesKeyCheck(key, check); // true
 */
export interface KeyCheck {
  readonly kid: string;
  readonly derivation: KeyDerivation;
  readonly check: SealedBytes;
}

const CHECK_TEXT = new TextEncoder().encode('offline-sync-kit key check v1');

/**
 * A key check for a key used for the first time, under a new random key id.
 *
 * @example
 * const check = await createKeyCheck(key, newDerivation(options));
 */
export async function createKeyCheck(key: CryptoKey, derivation: KeyDerivation): Promise<KeyCheck> {
  const kid = crypto.randomUUID();
  return { kid, derivation, check: await sealBytes(key, kid, checkAad(kid), CHECK_TEXT) };
}

/**
 * Whether `key` is the key a check was made with.
 *
 * @example
 * if (!(await matchesKeyCheck(key, stored))) throw wrongKey();
 */
export async function matchesKeyCheck(key: CryptoKey, check: KeyCheck): Promise<boolean> {
  try {
    const text = await openBytes(key, checkAad(check.kid), check.check);
    return text.length === CHECK_TEXT.length && text.every((byte, i) => byte === CHECK_TEXT[i]);
  } catch {
    return false;
  }
}

function checkAad(kid: string): Uint8Array {
  return new TextEncoder().encode(`key-check|${kid}`);
}
