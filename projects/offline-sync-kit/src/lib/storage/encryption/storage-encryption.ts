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
import { toEncryptionOptions } from './encryption-key';
import { encryptionMiddleware } from './encryption-middleware';
import { OtherTabs, underCrossTabLock } from './other-tabs';
import { compareAndSetEncryption, readStoredEncryption } from './stored-encryption';
import { findKey, newKey } from './key-matching';
import { KeyRing, RewriteProgress, StoredEncryption } from './key-ring';
import { REWRITE_START, rewriteAll } from './rewrite-values';

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

/** The stored state without its generation, as an operation asks for it. */
type StateChange = Omit<StoredEncryption, 'generation'>;

/**
 * Encryption at rest for one database: turns it on, off, or to another key, each time rewriting
 * every stored value in resumable chunks, and unlocks an encrypted database with the key the app
 * gives. Operations run one at a time, across tabs too (a Web Lock); each resolves once every
 * value is stored as asked. The keys live in memory only ({@link KeyRing}); `meta` keeps key
 * checks and progress.
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
  private otherTabs: OtherTabs | null = null;
  private attaching = false;

  /** `initial`: the secret from `withEncryption()`, applied when the database is attached. */
  constructor(private readonly initial: EncryptionOptions | null = null) {
    // A transaction found another tab's change in `meta` and followed it.
    this.ring.followed$.subscribe(() => this.followStoredState());
  }

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
      if (options) await this.unlockWith(options);
      if (this.ring.locked) throw this.ring.lockedError();
      const stored = this.ring.stored;
      if (stored.target !== null)
        await this.save({ ...stored, target: null, rewrite: REWRITE_START });
      await this.rewrite();
    });
  }

  /** Re-encrypts everything with `secret`; encryption must be on and unlocked. */
  changeKey(secret: EncryptionSecret): Promise<void> {
    const options = toEncryptionOptions(secret);
    return this.enqueue(async () => {
      await this.reload();
      const found = await this.unlockWith(options, { strict: false });
      if (this.ring.locked) throw this.ring.lockedError();
      const stored = this.ring.stored;
      if (stored.target === null) {
        throw new OfflineSyncError(
          'encryption',
          'changeEncryptionKey(): encryption is off, so there is no key to change. Turn it on ' +
            'with enableEncryption(key).'
        );
      }
      if (found !== stored.target) await this.switchTo(options, found);
      await this.rewrite();
    });
  }

  /** Stops listening to other tabs (the app is being destroyed). */
  close(): void {
    this.otherTabs?.close();
  }

  private async applyInitialKey(): Promise<void> {
    await this.reload();
    const initial = this.initial;
    if (!initial) {
      if (this.ring.locked) this.fail(this.ring.lockedError());
      return;
    }
    // The usual start: the database is encrypted with this key. Unlocking changes nothing
    // stored, so it needs no cross-tab lock (another tab's long rewrite would hold it).
    const found = await findKey(initial, this.ring.stored.keys);
    if (found) this.ring.load(found.kid, found.key);
    if (found && this.ring.stored.target !== null && !this.ring.locked) return;
    try {
      await this.enqueue(() => this.enableWith(initial, false));
    } catch (error) {
      this.fail(error);
    }
  }

  private async enableWith(options: EncryptionOptions, rewriteNow: boolean): Promise<void> {
    await this.reload();
    const found = await this.unlockWith(options);
    if (this.ring.locked) throw this.ring.lockedError();
    if (this.ring.stored.target === null) {
      await this.switchTo(options, found);
    } else if (found === null) {
      // Already on: a known key only unlocks (and resumes an interrupted key change towards its
      // new key); an unknown one is not silently taken as a new key.
      throw new EncryptionKeyError(
        'enableEncryption(): encryption is already on with another key. To use this one, call ' +
          'changeEncryptionKey(newKey); nothing was changed.'
      );
    }
    if (rewriteNow) await this.rewrite();
  }

  /**
   * Makes `found` (a stored key's id), or else a new key from `options`, the one new values are
   * encrypted with, and starts the rewrite: one write of `meta`, so the new key check never exists
   * without the target that uses it.
   */
  private async switchTo(options: EncryptionOptions, found: string | null): Promise<void> {
    const stored = this.ring.stored;
    if (found !== null) {
      await this.save({ ...stored, target: found, rewrite: REWRITE_START });
      return;
    }
    const { check, key } = await newKey(options);
    this.ring.load(check.kid, key);
    await this.save({ keys: [...stored.keys, check], target: check.kid, rewrite: REWRITE_START });
  }

  /**
   * Holds the key of `options` if it opens a stored key check; returns its id, or `null`. Unless
   * `strict` is false, a key that opens none while the database is locked is a wrong key.
   */
  private async unlockWith(
    options: EncryptionOptions,
    { strict } = { strict: true }
  ): Promise<string | null> {
    const found = await findKey(options, this.ring.stored.keys);
    if (found) {
      this.ring.load(found.kid, found.key);
      this.announce();
      return found.kid;
    }
    if (strict && this.ring.locked) {
      throw new EncryptionKeyError(
        'The key does not match the one this database was encrypted with. Nothing was read, ' +
          'changed or deleted; ask for the key again and call this again with it.'
      );
    }
    return null;
  }

  private resume(): Promise<void> {
    return this.enqueue(async () => {
      await this.reload();
      if (!this.ring.locked) await this.rewrite();
    });
  }

  private async rewrite(): Promise<void> {
    const db = this.database();
    try {
      await rewriteAll(db, this.ring, (progress) => this.progress$.next(progress));
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
    this.ring.setStored(await readStoredEncryption(this.database()));
    this.announce();
  }

  /** Stores a new state if `meta` still holds the one this session knows (compare-and-set). */
  private async save(change: StateChange): Promise<void> {
    const saved = await compareAndSetEncryption(
      this.database(),
      this.ring.stored.generation,
      change
    );
    if (!saved) {
      await this.reload();
      throw new OfflineSyncError(
        'encryption',
        'Another tab changed the encryption of this database at the same moment; nothing was ' +
          'changed here. Try again.'
      );
    }
    this.ring.setStored(saved);
    this.announce(true);
  }

  /** Publishes the state; `broadcast` also tells this app's other tabs to read it again. */
  private announce(broadcast = false): void {
    if (broadcast) this.otherTabs?.tell();
    if (this.attaching) return;
    const status: EncryptionStatus = { state: this.ring.state, enabled: this.enabled };
    const last = this.status$.value;
    if (last.state !== status.state || last.enabled !== status.enabled) this.status$.next(status);
  }

  private fail(error: unknown): void {
    if (error instanceof OfflineSyncError) this.failures$.next(error);
  }

  /** Runs operations one at a time here, and under a lock shared with the app's other tabs. */
  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const databaseName = this.database().name;
    const lockName = `offline-sync-kit:encryption:${databaseName}`;
    // Dexie's own errors (quota, a closed database) become ones that say what to do.
    const explained = () =>
      operation().catch((error: unknown) => {
        throw toStorageError(error, { databaseName, operation: 'change of encryption' });
      });
    const run = this.queue.then(() => underCrossTabLock(lockName, explained));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private database(): SyncDatabase {
    if (!this.db) throw new Error('StorageEncryption used before attach()');
    return this.db;
  }

  /** Another tab turned encryption on or off or changed the key: show it now, locking if the
   * key is not held here (the next transaction would follow it anyway). */
  private listenToOtherTabs(databaseName: string): void {
    this.otherTabs ??= new OtherTabs(databaseName, () => {
      void readStoredEncryption(this.database())
        .then((stored) => this.ring.follow(stored))
        .catch(() => undefined);
    });
  }

  /** The ring took another tab's change: show it, and report a lock it caused. */
  private followStoredState(): void {
    const wasLocked = this.status$.value.state === 'locked';
    this.announce();
    if (this.ring.locked && !wasLocked) this.fail(this.ring.lockedError());
  }
}
