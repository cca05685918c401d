import { BehaviorSubject, Subject } from 'rxjs';
import { EncryptionKeyError } from '../../model/encryption-errors';
import {
  EncryptionOptions,
  EncryptionSecret,
  EncryptionState,
} from '../../model/encryption-options';
import { OfflineSyncError } from '../../model/sync-error';
import { toStorageError } from '../storage-errors';
import { SyncDatabase } from '../sync-database';
import { boundTo } from '../bound-tables';
import { newDerivation, toCryptoKey, toEncryptionOptions } from './encryption-key';
import { encryptionMiddleware } from './encryption-middleware';
import { createKeyCheck, KeyCheck, matchesKeyCheck } from './key-check';
import {
  ENCRYPTION_META_KEY,
  KeyRing,
  NO_ENCRYPTION,
  RewriteProgress,
  StoredEncryption,
} from './key-ring';
import { REWRITE_START, rewriteChunk } from './rewrite-values';

/**
 * Where encryption stands, and whether values are (or are being) encrypted.
 *
 * @example
 * encryption.status$.subscribe(({ state }) => state === 'locked' && askForKey());
 */
export interface EncryptionStatus {
  readonly state: EncryptionState;
  readonly enabled: boolean;
}

/** Rows re-encrypted per transaction: small enough that the app's own writes are not held up. */
const REWRITE_CHUNK = 250;

/**
 * Encryption at rest for one database: turns it on, off, or to another key, each time rewriting
 * every stored value in resumable chunks, and unlocks an encrypted database with the key the app
 * gives. Calls run one after another; each resolves once every value is stored as asked.
 * The keys live in memory only ({@link KeyRing}); `meta` keeps key checks and progress.
 *
 * @example
 * const encryption = new StorageEncryption({ passphrase: 'p4ss' });
 * db.use(encryption.middleware);
 * await db.open();
 * await encryption.attach(db);
 * await encryption.changeKey({ passphrase: 'n3w p4ss' });
 */
export class StorageEncryption {
  readonly ring = new KeyRing();
  /** The Dexie middleware to install before the database opens. */
  readonly middleware = encryptionMiddleware(this.ring);
  /** Where encryption stands; `off` until the database is attached. */
  readonly status$ = new BehaviorSubject<EncryptionStatus>({ state: 'off', enabled: false });
  /** Every committed chunk of a rewrite: where it stands now (`null` once done). */
  readonly progress$ = new Subject<RewriteProgress | null>();
  /** Failures worth telling the app: a wrong or missing key at start, a rewrite that failed. */
  readonly failures$ = new Subject<OfflineSyncError>();
  private db: SyncDatabase | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private channel: BroadcastChannel | null = null;
  private attaching = false;

  /** `initial`: the secret from `withEncryption()`, applied when the database is attached. */
  constructor(private readonly initial: EncryptionOptions | null = null) {}

  /**
   * Reads the database's encryption state and applies the initial secret. A wrong or missing key
   * is reported on `failures$` and leaves the database locked (it does not reject): the app can
   * still ask for the key. An unfinished rewrite resumes in the background.
   */
  async attach(db: SyncDatabase): Promise<void> {
    this.db = db;
    this.listenToOtherTabs(db.name);
    // Quiet until the initial key is in place: an encrypted database is not `locked` for the
    // moment between reading its key checks and deriving the key.
    this.attaching = true;
    try {
      await this.applyInitialKey();
    } finally {
      this.attaching = false;
      this.announce();
    }
    if (!this.ring.locked && this.ring.stored.rewrite) void this.resume().catch(() => undefined);
  }

  private async applyInitialKey(): Promise<void> {
    await this.reload();
    if (this.initial) {
      const initial = this.initial;
      // Waited for only until the key is in place; the rewrite, if any, runs below.
      try {
        await this.enqueue(() => this.enableWith(initial, false));
      } catch (error) {
        this.fail(error);
      }
    } else if (this.ring.locked) {
      this.fail(this.ring.lockedError());
    }
  }

  /** Whether values are, or are being, encrypted. */
  get enabled(): boolean {
    return this.ring.stored.target !== null;
  }

  /**
   * Turns encryption on with `secret`, or unlocks a database encrypted with it. Rejects with an
   * `EncryptionKeyError` when the database is encrypted with another key.
   */
  enable(secret: EncryptionSecret): Promise<void> {
    const options = toEncryptionOptions(secret);
    return this.enqueue(() => this.enableWith(options, true));
  }

  /** Turns encryption off (`secret`: the key, when this session does not hold it yet). */
  disable(secret?: EncryptionSecret): Promise<void> {
    const options = secret === undefined ? null : toEncryptionOptions(secret);
    return this.enqueue(async () => {
      await this.reload();
      if (options) await this.unlockWith(options, true);
      if (this.ring.locked) throw this.ring.lockedError();
      const stored = this.ring.stored;
      if (stored.target !== null || stored.rewrite) {
        if (stored.target !== null)
          await this.save({ ...stored, target: null, rewrite: REWRITE_START });
        await this.rewrite();
      }
    });
  }

  /** Re-encrypts everything with `secret`; encryption must be on and unlocked. */
  changeKey(secret: EncryptionSecret): Promise<void> {
    const options = toEncryptionOptions(secret);
    return this.enqueue(async () => {
      await this.reload();
      const found = await this.unlockWith(options, false);
      if (this.ring.locked) throw this.ring.lockedError();
      const stored = this.ring.stored;
      if (stored.target === null) {
        throw new OfflineSyncError(
          'encryption',
          'changeEncryptionKey(): encryption is off, so there is no key to change. Turn it on ' +
            'with enableEncryption(key).'
        );
      }
      const kid = found ?? (await this.addKey(options));
      if (kid !== stored.target) {
        await this.save({ ...this.ring.stored, target: kid, rewrite: REWRITE_START });
      }
      await this.rewrite();
    });
  }

  /** Stops listening to other tabs (the app is being destroyed). */
  close(): void {
    this.channel?.close();
  }

  private async enableWith(options: EncryptionOptions, rewriteNow: boolean): Promise<void> {
    await this.reload();
    const found = await this.unlockWith(options, true);
    if (this.ring.locked) throw this.ring.lockedError();
    const stored = this.ring.stored;
    if (stored.target !== null) {
      // Already on: a known key only unlocks (and resumes an interrupted key change towards its
      // new key); an unknown one is not silently taken as a new key.
      if (found === null) {
        throw new EncryptionKeyError(
          'enableEncryption(): encryption is already on with another key. To use this one, ' +
            'call changeEncryptionKey(newKey); nothing was changed.'
        );
      }
    } else {
      const kid = found ?? (await this.addKey(options));
      await this.save({ ...this.ring.stored, target: kid, rewrite: REWRITE_START });
    }
    if (rewriteNow) await this.rewrite();
  }

  /**
   * Holds the key of `options` if it matches a stored key check; returns its id, or `null` when
   * it matches none. With `strict`, a key that matches none while the database is locked is a
   * wrong key: `EncryptionKeyError`.
   */
  private async unlockWith(options: EncryptionOptions, strict: boolean): Promise<string | null> {
    const found = await this.match(options);
    if (found) {
      this.ring.load(found.kid, found.key);
      this.announce();
      return found.kid;
    }
    if (strict && this.ring.locked) {
      throw new EncryptionKeyError(
        'The key does not match the one this database was encrypted with. Nothing was read, ' +
          'changed or deleted; ask for the key again and pass it to enableEncryption().'
      );
    }
    return null;
  }

  private async match(options: EncryptionOptions): Promise<{ kid: string; key: CryptoKey } | null> {
    const passphrase = 'passphrase' in options && options.passphrase !== undefined;
    for (const check of this.ring.stored.keys) {
      if ((check.derivation.kind === 'pbkdf2') !== passphrase) continue;
      const key = await toCryptoKey(options, check.derivation);
      if (await matchesKeyCheck(key, check)) return { kid: check.kid, key };
    }
    return null;
  }

  /** Stores a key check for a key used for the first time and holds the key. */
  private async addKey(options: EncryptionOptions): Promise<string> {
    const derivation = newDerivation(options);
    const key = await toCryptoKey(options, derivation);
    const check: KeyCheck = await createKeyCheck(key, derivation);
    this.ring.load(check.kid, key);
    await this.save({ ...this.ring.stored, keys: [...this.ring.stored.keys, check] });
    return check.kid;
  }

  private resume(): Promise<void> {
    return this.enqueue(() => this.rewrite());
  }

  private async rewrite(): Promise<void> {
    const db = this.database();
    try {
      let stored = this.ring.stored;
      while (stored.rewrite) {
        const table = stored.rewrite.table;
        const current = stored;
        stored = await db.transaction('rw', [table, 'meta'], (tx) =>
          rewriteChunk(boundTo(db, tx), current, REWRITE_CHUNK)
        );
        this.ring.setStored(stored);
        this.progress$.next(stored.rewrite);
      }
      this.announce(true);
    } catch (error) {
      const failure = toStorageError(error, {
        databaseName: db.name,
        operation: 're-encryption of the stored values',
      });
      this.fail(failure);
      throw failure;
    }
  }

  private async reload(): Promise<void> {
    const entry = await this.database().meta.get(ENCRYPTION_META_KEY);
    this.ring.setStored((entry?.value as StoredEncryption | undefined) ?? NO_ENCRYPTION);
    this.announce();
  }

  private async save(stored: StoredEncryption): Promise<void> {
    await this.database().meta.put({ key: ENCRYPTION_META_KEY, value: stored });
    this.ring.setStored(stored);
    this.announce(true);
  }

  /** Publishes the state; `broadcast` also tells this app's other tabs to read it again. */
  private announce(broadcast = false): void {
    if (broadcast) this.channel?.postMessage('changed');
    if (this.attaching) return;
    const status: EncryptionStatus = { state: this.ring.state, enabled: this.enabled };
    const last = this.status$.value;
    if (last.state !== status.state || last.enabled !== status.enabled) this.status$.next(status);
  }

  private fail(error: unknown): void {
    if (error instanceof OfflineSyncError) this.failures$.next(error);
  }

  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.queue.then(operation, operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private database(): SyncDatabase {
    if (!this.db) throw new Error('StorageEncryption used before attach()');
    return this.db;
  }

  private listenToOtherTabs(databaseName: string): void {
    if (this.channel || typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel(`offline-sync-kit:encryption:${databaseName}`);
    // Another tab turned encryption on or off or changed the key: follow it, or lock.
    this.channel.onmessage = () =>
      void this.enqueue(async () => {
        const wasLocked = this.ring.locked;
        await this.reload();
        if (this.ring.locked && !wasLocked) this.fail(this.ring.lockedError());
      }).catch(() => undefined);
  }
}
