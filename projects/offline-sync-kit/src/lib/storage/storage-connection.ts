import { Subject } from 'rxjs';
import { OfflineSyncError } from '../model/sync-error';
import { noIndexedDbError, StorageErrorContext, toStorageError } from './storage-errors';
import { SyncDatabase } from './sync-database';
import { boundTo } from './bound-tables';
import { StorageEncryption } from './encryption/storage-encryption';

/**
 * Where the database is and how it commits. `indexedDB` defaults to the global one, looked up
 * only when the database opens; `null` means there is none (the kit then stays idle).
 *
 * @example
 * const options: ConnectionOptions = { databaseName: 'app', durability: 'strict' };
 */
export interface ConnectionOptions {
  readonly databaseName: string;
  readonly indexedDB?: IDBFactory | null;
  readonly keyRange?: typeof IDBKeyRange | null;
  readonly durability?: 'default' | 'strict' | 'relaxed';
  /** Encryption at rest; its middleware is installed on open and its state read right after. */
  readonly encryption?: StorageEncryption;
}

/**
 * Something that happened to the database outside of any one write.
 * - `blocked`: opening waits for another tab that holds an older version open;
 * - `closed`: another tab upgraded the database, this connection is closed for good.
 *
 * @example
 * storage.problems$.subscribe((p) => console.warn(p.error.message));
 */
export interface StorageProblem {
  readonly kind: 'blocked' | 'closed';
  readonly error: OfflineSyncError;
}

/** The tables a storage operation can run a transaction over. */
export type StorageTable = 'records' | 'outbox' | 'conflicts' | 'meta';

/**
 * The kit's connection to its IndexedDB database: opened once on first use, every operation run
 * in one transaction with its failures turned into errors that say what failed and what to do,
 * and problems caused by other tabs (a blocked open, a connection closed for an upgrade)
 * reported on `problems$`.
 *
 * @example
 * const connection = new StorageConnection({ databaseName: 'app' });
 * const count = await connection.run('outbox count', ['outbox'], (db) => db.outbox.count(), { mode: 'r' });
 */
export class StorageConnection {
  /** Blocked opens and connections closed by another tab. */
  readonly problems$ = new Subject<StorageProblem>();
  private database: SyncDatabase | null = null;
  private opening: Promise<SyncDatabase> | null = null;
  /** Whether opening found no IndexedDB at all (server-side rendering). */
  noIndexedDb = false;

  constructor(private readonly options: ConnectionOptions) {}

  get databaseName(): string {
    return this.options.databaseName;
  }

  /** Opens the database once; later calls return the same promise. */
  open(): Promise<SyncDatabase> {
    // A failed open is not kept: a later operation tries again (the database may be free now).
    this.opening ??= this.openDatabase().catch((error: unknown) => {
      if (!this.noIndexedDb) this.opening = null;
      throw error;
    });
    return this.opening;
  }

  /** Closes the connection (the app is being destroyed); the data stays. */
  close(): void {
    this.database?.close();
  }

  /**
   * Runs `work` in one transaction over the named tables (read-write unless `mode: 'r'`), with
   * failures turned into errors that say what failed and what to do.
   */
  async run<R>(
    operation: string,
    tables: readonly StorageTable[],
    work: (db: SyncDatabase) => Promise<R>,
    options: { mode?: 'r' | 'rw' } & Omit<StorageErrorContext, 'databaseName' | 'operation'> = {}
  ): Promise<R> {
    const { mode = 'rw', ...target } = options;
    const context: StorageErrorContext = { databaseName: this.databaseName, operation, ...target };
    const db = await this.openFor(context);
    try {
      // `meta` always joins: the encryption middleware reads the stored encryption state there
      // first, so a change another tab made is followed before any value is written.
      const scope = tables.includes('meta') ? tables : [...tables, 'meta'];
      return await db.transaction(
        mode,
        scope.map((name) => db.table(name)),
        (tx) => work(boundTo(db, tx))
      );
    } catch (error) {
      throw toStorageError(error, context);
    }
  }

  private async openFor(context: StorageErrorContext): Promise<SyncDatabase> {
    try {
      return await this.open();
    } catch (error) {
      throw toStorageError(error, context);
    }
  }

  private async openDatabase(): Promise<SyncDatabase> {
    const indexedDB =
      this.options.indexedDB === undefined
        ? (globalThis as { indexedDB?: IDBFactory }).indexedDB
        : this.options.indexedDB;
    const keyRange =
      this.options.keyRange === undefined
        ? (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange
        : this.options.keyRange;
    if (!indexedDB || !keyRange) {
      this.noIndexedDb = true;
      throw noIndexedDbError(this.databaseName);
    }
    const db = new SyncDatabase(this.databaseName, {
      indexedDB,
      IDBKeyRange: keyRange,
      chromeTransactionDurability: this.options.durability ?? 'default',
    });
    if (this.options.encryption) db.use(this.options.encryption.middleware);
    db.on('blocked', () =>
      this.problems$.next({ kind: 'blocked', error: blockedError(this.databaseName) })
    );
    db.on('versionchange', () => {
      // Another tab wants a newer schema: step aside, or its upgrade waits for us forever.
      db.close();
      this.problems$.next({
        kind: 'closed',
        error: toStorageError(
          { name: 'DatabaseClosedError' },
          { databaseName: this.databaseName, operation: 'database connection' }
        ),
      });
      return false;
    });
    try {
      await db.open();
      // Before any other operation: a write must never go out in the clear by mistake.
      await this.options.encryption?.attach(db);
    } catch (error) {
      throw toStorageError(error, {
        databaseName: this.databaseName,
        operation: 'opening of the database',
      });
    }
    this.database = db;
    return db;
  }
}

function blockedError(databaseName: string): OfflineSyncError {
  return new OfflineSyncError(
    'storage',
    `Opening the local database "${databaseName}" waits for another tab of this app that still ` +
      `has an older version open. Close or reload the other tabs of this app.`
  );
}
