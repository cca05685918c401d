/**
 * One value encrypted with AES-GCM: the id of the key it was encrypted with, the 96-bit IV drawn
 * for it alone, and the ciphertext with its 128-bit authentication tag. Stored as it is
 * (IndexedDB keeps binary data), so nothing is base64-encoded.
 *
 * @example
 * const sealed: SealedBytes = await sealBytes(key, 'k1', aad, bytes);
 */
export interface SealedBytes {
  readonly kid: string;
  readonly iv: Uint8Array;
  readonly ct: ArrayBuffer;
}

/** Bytes in an AES-GCM IV: 96 bits, the size GCM is specified for. */
export const IV_BYTES = 12;

/**
 * Encrypts `plain` with a fresh random IV. `aad` (additional authenticated data) is not stored
 * but must be given again to decrypt: binding a value to its record means a value copied into
 * another record fails to decrypt.
 *
 * @example
 * const sealed = await sealBytes(key, 'k1', encoder.encode('records|todo|t1'), encodeValue(row));
 */
export async function sealBytes(
  key: CryptoKey,
  kid: string,
  aad: Uint8Array,
  plain: Uint8Array
): Promise<SealedBytes> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: iv as BufferSource, additionalData: aad as BufferSource },
    key,
    plain as BufferSource
  );
  return { kid, iv, ct };
}

/**
 * Decrypts and authenticates a value; rejects (WebCrypto's `OperationError`) when the key, the
 * `aad` or any bit of the value differs from what was sealed.
 *
 * @example
 * const bytes = await openBytes(key, aad, sealed);
 */
export async function openBytes(
  key: CryptoKey,
  aad: Uint8Array,
  sealed: SealedBytes
): Promise<Uint8Array> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: sealed.iv as BufferSource, additionalData: aad as BufferSource },
    key,
    sealed.ct
  );
  return new Uint8Array(plain);
}

/**
 * Whether a stored value has the shape {@link sealBytes} gives (not whether it authenticates).
 *
 * @example
 * if (!isSealedBytes(row.sealed)) reportCorrupt(row);
 */
export function isSealedBytes(value: unknown): value is SealedBytes {
  const sealed = value as Partial<SealedBytes> | null;
  return (
    typeof sealed === 'object' &&
    sealed !== null &&
    typeof sealed.kid === 'string' &&
    sealed.iv instanceof Uint8Array &&
    sealed.iv.byteLength === IV_BYTES &&
    sealed.ct instanceof ArrayBuffer
  );
}
