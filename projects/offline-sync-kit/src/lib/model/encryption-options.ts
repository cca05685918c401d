/**
 * How the kit gets its encryption key: a 256-bit AES key the app holds (a non-extractable
 * `CryptoKey` for AES-GCM, or its 32 raw bytes), or a passphrase stretched with PBKDF2-SHA-256.
 * `iterations` defaults to 600,000 and may not be lower than 100,000.
 *
 * @example
 * withEncryption({ passphrase: await askUser(), iterations: 600_000 });
 * withEncryption({ key: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']) });
 */
export type EncryptionOptions =
  | { readonly key: CryptoKey | Uint8Array; readonly passphrase?: never }
  | { readonly passphrase: string; readonly iterations?: number; readonly key?: never };

/**
 * A key or passphrase as the runtime calls take it: {@link EncryptionOptions}, or a plain string
 * meaning a passphrase with the default iterations.
 *
 * @example
 * await sync.enableEncryption('correct horse battery staple');
 * await sync.changeEncryptionKey({ key: newKeyBytes });
 */
export type EncryptionSecret = EncryptionOptions | string;

/**
 * Where encryption at rest stands on this device.
 * - `off`: values are stored as they are;
 * - `on`: every record, outbox entry and conflict is encrypted with the current key;
 * - `rewriting`: stored values are being re-encrypted (encryption turned on or off, or the key
 *   changed); each value is readable with the old or the new setting meanwhile;
 * - `locked`: the database is encrypted and the key for part of it is missing or wrong, so
 *   nothing is read or written until the app supplies it (`enableEncryption(key)`).
 *
 * @example
 * if (store.selectSignal(selectEncryptionState)() === 'locked') askForPassphrase();
 */
export type EncryptionState = 'off' | 'on' | 'rewriting' | 'locked';
