import { Subject } from 'rxjs';
import { CorruptValueError, EncryptionKeyError } from '../../model/encryption-errors';
import { EncryptionState } from '../../model/encryption-options';
import { KeyCheck } from './key-check';
import { SealedTableName } from './sealed-row';

/**
 * Where a rewrite of stored values stands: the table it works on and the last primary key done
 * (`null`: that table from its start). Kept in `meta` with every batch, so a reload resumes it.
 *
 * @example
 * const start: RewriteProgress = { table: 'records', after: null };
 */
export interface RewriteProgress {
  readonly table: SealedTableName;
  readonly after: unknown;
}

/**
 * The `meta` entry `encryption`: every key that may still encrypt some stored value, the key new
 * values are encrypted with (`null`: stored in the clear), an unfinished rewrite if any, and a
 * generation that grows with every change, so a tab notices another tab's change.
 *
 * @example
 * const off: StoredEncryption = { keys: [], target: null, rewrite: null, generation: 0 };
 */
export interface StoredEncryption {
  readonly keys: readonly KeyCheck[];
  readonly target: string | null;
  readonly rewrite: RewriteProgress | null;
  readonly generation: number;
}

/** The `meta` key of {@link StoredEncryption}. */
export const ENCRYPTION_META_KEY = 'encryption';

/** A database that never had encryption. */
export const NO_ENCRYPTION: StoredEncryption = {
  keys: [],
  target: null,
  rewrite: null,
  generation: 0,
};

/**
 * The keys this session holds (in memory only) next to what the database says it needs. The
 * encryption middleware asks it, for every read and write, which key to use; while a needed key
 * is missing the database is `locked` and the middleware refuses to touch any value.
 *
 * @example
 * ring.setStored(stored);
 * ring.load(check.kid, key);
 * if (!ring.locked) await hydrate();
 */
export class KeyRing {
  /** Values that failed to decrypt, each reported once per session. */
  readonly corrupt$ = new Subject<CorruptValueError>();
  /** The stored state changed under this session (another tab), seen inside a transaction. */
  readonly followed$ = new Subject<void>();
  private readonly keys = new Map<string, CryptoKey>();
  private readonly reported = new Set<string>();
  private current: StoredEncryption = NO_ENCRYPTION;

  /** What the database says (see {@link StoredEncryption}). */
  get stored(): StoredEncryption {
    return this.current;
  }

  /** Whether a key the stored values need is missing. */
  get locked(): boolean {
    return this.missingKeys().length > 0;
  }

  /** The state shown to the app. */
  get state(): EncryptionState {
    if (this.locked) return 'locked';
    if (this.current.rewrite) return 'rewriting';
    return this.current.target === null ? 'off' : 'on';
  }

  /** Follows the database's `encryption` entry; keys no longer needed are forgotten. */
  setStored(stored: StoredEncryption): void {
    this.current = stored;
    for (const kid of [...this.keys.keys()]) {
      if (!stored.keys.some((check) => check.kid === kid)) this.keys.delete(kid);
    }
  }

  /**
   * Takes the state a transaction read from `meta` when it differs from the one held: another tab
   * turned encryption on or off or changed the key, and this transaction must follow it.
   */
  follow(stored: StoredEncryption): void {
    if (stored.generation === this.current.generation) return;
    this.setStored(stored);
    this.followed$.next();
  }

  /** Holds a key (already checked against its key check) for this session. */
  load(kid: string, key: CryptoKey): void {
    this.keys.set(kid, key);
  }

  /** The key of a key id, if held. */
  keyFor(kid: string): CryptoKey | undefined {
    return this.keys.get(kid);
  }

  /**
   * The key new values are encrypted with, `null` when they are stored in the clear. Throws the
   * locked error when encryption is on and that key is not held: never write in the clear then.
   */
  sealingKey(): { kid: string; key: CryptoKey } | null {
    const kid = this.current.target;
    if (kid === null) return null;
    const key = this.keys.get(kid);
    if (!key) throw this.lockedError();
    return { kid, key };
  }

  /**
   * Whether a value stored in the clear is out of place: encryption is on and no rewrite is
   * under way, so every value was sealed; a clear one was put there from outside the kit.
   */
  get clearValuesForbidden(): boolean {
    return this.current.target !== null && this.current.rewrite === null;
  }

  /** Key checks of needed keys not held. */
  missingKeys(): KeyCheck[] {
    return this.current.keys.filter((check) => !this.keys.has(check.kid));
  }

  /** The error every read or write gets while locked. */
  lockedError(): EncryptionKeyError {
    const interrupted = this.current.keys.length > 1 || this.current.target === null;
    return new EncryptionKeyError(
      interrupted && this.keys.size > 0
        ? 'The local database is being re-encrypted (a change of key, or turning encryption ' +
            'off, was interrupted) and part of it is still under the other key. Pass that key ' +
            'to enableEncryption() (or disableEncryption()) to finish; nothing was changed.'
        : 'The local database is encrypted and this app has not given its key, or gave one ' +
            'that does not match the one this database was encrypted with. Ask for the key ' +
            'again and pass it to enableEncryption(); nothing was read, changed or deleted.'
    );
  }

  /** Reports a value that failed to decrypt, once per value and session. */
  reportCorrupt(error: CorruptValueError): void {
    const id = JSON.stringify([error.table, error.modelType, error.recordId]);
    if (this.reported.has(id)) return;
    this.reported.add(id);
    this.corrupt$.next(error);
  }
}
