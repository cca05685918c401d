import { OfflineSyncError } from './sync-error';

/**
 * The key given does not open this database, or a key it needs was not given: nothing was read,
 * written, overwritten or deleted. Ask the user for the key again and pass it to
 * `enableEncryption()`. Its `kind` is `encryption`.
 *
 * @example
 * try {
 *   await sync.enableEncryption(passphrase);
 * } catch (e) {
 *   if (e instanceof EncryptionKeyError) showWrongPassphrase();
 * }
 */
export class EncryptionKeyError extends OfflineSyncError {
  override readonly name: string = 'EncryptionKeyError';

  constructor(message: string) {
    super('encryption', message);
  }
}

/**
 * A stored value failed authentication (a flipped bit, a value moved from another record, an
 * unknown key): it is left where it is, reported with its record, and the other values still
 * load. Its `kind` is `encryption`.
 *
 * @example
 * actions$.pipe(ofType(OfflineSyncEncryptionActions.corruptValueFound)).subscribe(({ error }) =>
 *   console.warn(`Unreadable ${error.modelType} ${error.recordId}`)
 * );
 */
export class CorruptValueError extends OfflineSyncError {
  override readonly name: string = 'CorruptValueError';

  constructor(
    /** The table the value is in: `records`, `outbox` or `conflicts`. */
    readonly table: string,
    modelType: string | undefined,
    recordId: string | undefined,
    cause?: unknown
  ) {
    super(
      'encryption',
      `A stored ${modelType ?? 'value'}${recordId === undefined ? '' : ` "${recordId}"`} ` +
        `(${table}) cannot be decrypted: it was changed outside the kit or moved from another ` +
        `record. It was skipped and left as it is; the other values load normally. Saving or ` +
        `pulling the record again replaces it.`,
      { modelType, recordId, cause }
    );
  }
}
