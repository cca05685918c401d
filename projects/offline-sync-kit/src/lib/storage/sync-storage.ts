import { BehaviorSubject, Subject } from 'rxjs';
import { OfflineSyncError, SyncErrorInfo } from '../model/sync-error';
import { applyLocalWrites } from './apply-local-writes';
import { EntityStorageSpec, LocalWrite, WriteOutcome } from './local-write';
import { affectsWholeDatabase } from './storage-errors';
import { ConnectionOptions, StorageConnection, StorageProblem } from './storage-connection';
import { StoredMutation, StoredRecord, SyncDatabase } from './sync-database';
import { WriteBatchResult, WriteQueue } from './write-queue';
import { ensureIndexes } from './ensure-indexes';
import { PullPage, ServerChange } from '../model/server-change';
import { applyPullPage, cursorKey } from './apply-pull-page';
import { applyPushOutcomes, PushApplyResult, PushedEntry } from './apply-push-outcomes';
import { discardFailed, requeueFailed } from './failed-entries';
import { StoredChange } from './stored-change';
import { selectPushBatch, takePushBatch } from './take-push-batch';
import { forgetConfirmedEntries } from './forget-confirmed-entries';
import { DEFAULT_CONFLICT_POLICY } from '../core/conflict-policy';
import { SyncConflict } from '../model/sync-conflict';
import { ServerApplyContext, StorageConflictPolicy } from './server-apply-context';
import {
  markConflictManual,
  OpenConflictResult,
  resolveOpenConflict,
  StoredDecision,
} from './resolve-open-conflict';
import { toSyncConflict } from './stored-conflict';
import { StorageEncryption } from './encryption/storage-encryption';
import { EncryptionOptions, EncryptionSecret } from '../model/encryption-options';

/**
 * How to reach the browser's storage (see {@link ConnectionOptions}) and the outside world. Time
 * and ids are passed in so tests control them.
 *
 * @example
 * new SyncStorage({ databaseName: 'app', clock: () => Date.now(), newId: () => crypto.randomUUID() });
 */
export interface SyncStorageOptions extends ConnectionOptions {
  readonly clock: () => number;
  readonly newId: () => string;
  /**
   * Each type's conflict policy, asked whenever a conflict is met (so a change of options applies
   * at once). Default: {@link DEFAULT_CONFLICT_POLICY} with `version` and `updatedAt` server-owned.
   */
  readonly conflictPolicyFor?: (modelType: string) => StorageConflictPolicy;
  /** The key or passphrase from `withEncryption()`, applied when the database opens. */
  readonly encryptionKey?: EncryptionOptions | null;
}

/**
 * The kit's local database: records and their outbox entries written together, group-committed,
 * read back for hydration. Plain TypeScript with no Angular in it; the providers wire it in.
 *
 * @example
 * const storage = new SyncStorage({ databaseName: 'app', clock: Date.now, newId });
 * storage.registerSpec(todoSpec);
 * await storage.open();
 * const outcome = await storage.write({ writeId: 'w1', modelType: 'todo', recordId: 't1', kind: 'save', record: todo });
 */
export class SyncStorage {
  /** Every group of writes once it settled, with the outbox's pending count after it. */
  readonly settled$ = new Subject<SettledWrites>();
  private readonly connection: StorageConnection;
  /** Encryption at rest: its state, failures and corrupt values; see `StorageEncryption`. */
  readonly encryption: StorageEncryption;
  /** Blocked opens and connections closed by another tab. */
  readonly problems$: Subject<StorageProblem>;
  /** Local writes not yet committed (or failed): closing the tab now would lose them. */
  readonly unsavedWrites$: BehaviorSubject<number>;

  private readonly specs = new Map<string, EntityStorageSpec>();
  private readonly queue = new WriteQueue<LocalWrite, WriteOutcome>(
    (writes) => this.commit(writes),
    (result) => this.settled$.next({ ...result, pendingCount: this.pendingAfterCommit }),
    (error) => !affectsWholeDatabase(error)
  );
  /** Entries of the batch sent unmarked (a push under a used-up quota), by `seq`. */
  private readonly sentUnmarked = new Set<number>();
  /** Pending outbox entries counted in the last commit's own transaction (`null`: none yet). */
  private pendingAfterCommit: number | null = null;

  constructor(private readonly options: SyncStorageOptions) {
    this.encryption = new StorageEncryption(options.encryptionKey ?? null);
    this.connection = new StorageConnection({ ...options, encryption: this.encryption });
    this.problems$ = this.connection.problems$;
    this.unsavedWrites$ = this.queue.unsettled$;
  }

  get databaseName(): string {
    return this.options.databaseName;
  }

  /** Tells the storage how to store one entity type. Registering a type again replaces its spec. */
  registerSpec(spec: EntityStorageSpec): void {
    this.specs.set(spec.modelType, spec);
  }

  /** Opens the database once; later calls return the same promise. */
  open(): Promise<SyncDatabase> {
    return this.connection.open();
  }

  /** Reads every stored record of one type, after bringing its index entries up to date. */
  hydrate(modelType: string): Promise<StoredRecord[]> {
    return this.connection.run(
      'hydration',
      ['records', 'meta'],
      async (db) => {
        await ensureIndexes(db, this.specFor(modelType));
        return db.records.where('modelType').equals(modelType).toArray();
      },
      { modelType }
    );
  }

  /** Stores one local change with its outbox entry; resolves once the transaction committed. */
  write(write: LocalWrite): Promise<WriteOutcome> {
    return this.queue.enqueue(write);
  }

  /** Reads the stored rows for some records (`undefined` where none is stored). */
  async readRecords(keys: readonly [string, string][]): Promise<(StoredRecord | undefined)[]> {
    // Without IndexedDB nothing was ever stored: that is a definite answer, not a failure.
    if (this.connection.noIndexedDb) return keys.map(() => undefined);
    return this.connection.run(
      'read',
      ['records'],
      (db) => db.records.bulkGet(keys as [string, string][]),
      {
        mode: 'r',
      }
    );
  }

  /** Records of a type whose indexed `field` equals `value` (see `SyncEntityConfig.indexes`). */
  findByIndex(modelType: string, field: string, value: string | number): Promise<StoredRecord[]> {
    return this.connection.run(
      'query',
      ['records'],
      (db) => db.records.where('idx').equals([modelType, field, value]).toArray(),
      { mode: 'r', modelType }
    );
  }

  /**
   * Picks the next entries to push and marks them `sending` (see `takePushBatch`). With the
   * storage quota used up (no put succeeds, marks included) it answers them unmarked, still
   * `queued`, so what is stored can be sent all the same: the push lock keeps other tabs' pushes
   * out, and this tab's local writes treat them as being sent until the next take. Not for a
   * batch taken ahead (see `isUnmarked`).
   */
  takePushBatch(
    limit: number,
    modelTypes?: readonly string[],
    { queuedOnly = false }: { queuedOnly?: boolean } = {}
  ): Promise<StoredMutation[]> {
    const types = modelTypes ?? [...this.specs.keys()];
    const highest = Math.max(...types.map((type) => this.specs.get(type)?.priority ?? -Infinity));
    const topPriority = Number.isFinite(highest) ? highest : undefined;
    const take = (db: SyncDatabase) =>
      takePushBatch(db, limit, modelTypes, topPriority, queuedOnly);
    // A batch taken unmarked before this one has had its answers applied, or was given up.
    if (!queuedOnly) this.sentUnmarked.clear();
    return this.connection.run('outbox read', ['outbox'], take).catch(async (error: unknown) => {
      if (queuedOnly || !isQuotaError(error)) throw error;
      const select = (db: SyncDatabase) => selectPushBatch(db, limit, modelTypes, topPriority);
      const batch = await this.connection.run('outbox read', ['outbox'], select, { mode: 'r' });
      for (const entry of batch) this.sentUnmarked.add(entry.seq as number);
      return batch;
    });
  }

  /**
   * Whether a batch was taken unmarked (the storage quota is used up): a batch taken ahead could
   * not be told from it, so none is.
   *
   * @example
   * const next = storage.isUnmarked(batch) ? null : storage.takePushBatch(50, types, { queuedOnly: true });
   */
  isUnmarked(batch: readonly StoredMutation[]): boolean {
    return batch.some((entry) => this.sentUnmarked.has(entry.seq as number));
  }

  /**
   * Puts entries a push took ahead but never sent back in line (`queued` again), so new local
   * changes fold into them and pulls judge their records as pending, not in flight. Only for a
   * batch taken `queuedOnly` (all of it was `queued` when taken).
   */
  releasePushBatch(entries: readonly StoredMutation[]): Promise<void> {
    return this.connection.run('outbox release', ['outbox'], async (db) => {
      const stored = await db.outbox.bulkGet(entries.map((entry) => entry.seq as number));
      const back = stored
        .filter((entry): entry is StoredMutation => entry?.status === 'sending')
        .map((entry): StoredMutation => ({ ...entry, status: 'queued' }));
      if (back.length > 0) await db.outbox.bulkPut(back);
    });
  }

  /**
   * Applies the server's answers to pushed entries (see `applyPushOutcomes`); with the storage
   * quota used up, only forgets the confirmed ones (see `forgetConfirmedEntries`).
   */
  applyPushOutcomes(pushed: readonly PushedEntry[], maxAttempts: number): Promise<PushApplyResult> {
    return this.connection
      .run('push result', ['records', 'outbox', 'conflicts'], (db) =>
        applyPushOutcomes(db, pushed, { ...this.serverContext(), maxAttempts })
      )
      .catch((error: unknown) => {
        if (!isQuotaError(error)) throw error;
        return this.connection.run('push result', ['outbox'], (db) =>
          forgetConfirmedEntries(db, pushed, error)
        );
      });
  }

  /** Applies one pulled page with its cursor (see `applyPullPage`). */
  applyPullPage(modelType: string, page: PullPage) {
    return this.connection.run(
      `pull of ${modelType}`,
      ['records', 'outbox', 'conflicts', 'meta'],
      (db) => applyPullPage(db, modelType, page, this.serverContext())
    );
  }

  /**
   * Applies changes that came over the WebSocket: only to records held here, only when newer (see
   * `applyPullPage`); `unknown` lists the ids a pull must fetch.
   */
  applyRealtimeChanges(modelType: string, items: readonly ServerChange[]) {
    return this.connection.run(
      `real-time update of ${modelType}`,
      ['records', 'outbox', 'conflicts', 'meta'],
      (db) => applyPullPage(db, modelType, { items }, this.serverContext(), { realtime: true })
    );
  }

  /** Applies server records fetched outside a pull (no cursor moves), like a pulled page. */
  applyServerChanges(modelType: string, items: readonly ServerChange[]) {
    return this.connection.run(
      `update of ${modelType} from the server`,
      ['records', 'outbox', 'conflicts', 'meta'],
      (db) => applyPullPage(db, modelType, { items }, this.serverContext())
    );
  }

  /** Conflicts waiting for the app or a resolver, oldest first. */
  async openConflicts(): Promise<SyncConflict[]> {
    const rows = await this.connection.run(
      'conflict read',
      ['conflicts'],
      (db) => db.conflicts.toArray(),
      {
        mode: 'r',
      }
    );
    return rows.map(toSyncConflict).sort((a, b) => a.detectedAt - b.detectedAt);
  }

  /** The open conflict of one record, or `null`. */
  async openConflict(modelType: string, id: string): Promise<SyncConflict | null> {
    const row = await this.connection.run(
      'conflict read',
      ['conflicts'],
      (db) => db.conflicts.get([modelType, id]),
      { mode: 'r', modelType, recordId: id }
    );
    return row ? toSyncConflict(row) : null;
  }

  /** Resolves an open conflict (see `resolveOpenConflict`). */
  resolveConflict(
    modelType: string,
    id: string,
    decision: StoredDecision,
    decidedOnRevision?: number
  ): Promise<OpenConflictResult> {
    return this.connection.run(
      'resolution of a conflict',
      ['records', 'outbox', 'conflicts'],
      (db) =>
        resolveOpenConflict(db, [modelType, id], decision, this.serverContext(), decidedOnRevision),
      { modelType, recordId: id }
    );
  }

  /** Leaves a conflict whose resolver failed to the app (see `markConflictManual`). */
  markConflictManual(modelType: string, id: string, error: SyncErrorInfo) {
    return this.connection.run(
      'update of a conflict',
      ['conflicts'],
      (db) => markConflictManual(db, [modelType, id], error),
      { modelType, recordId: id }
    );
  }

  /** The pull cursor stored for a type, `null` before its first pull. */
  async getCursor(modelType: string): Promise<string | null> {
    const value = await this.readSetting(cursorKey(modelType));
    return typeof value === 'string' ? value : null;
  }

  /** A value the kit keeps in the `meta` table (`undefined` if none). */
  async readSetting(key: string): Promise<unknown> {
    const entry = await this.connection.run('settings read', ['meta'], (db) => db.meta.get(key), {
      mode: 'r',
    });
    return entry?.value;
  }

  /** Keeps a value in the `meta` table. */
  async writeSetting(key: string, value: unknown): Promise<void> {
    await this.connection.run('settings write', ['meta'], (db) => db.meta.put({ key, value }));
  }

  /** Sends a record's dead letters again (see `requeueFailed`). */
  requeueFailed(modelType: string, id: string): Promise<StoredChange | null> {
    return this.connection.run('retry of a failed change', ['records', 'outbox'], (db) =>
      requeueFailed(db, [modelType, id])
    );
  }

  /** Drops a record's dead letters and restores its base (see `discardFailed`). */
  discardFailed(modelType: string, id: string): Promise<StoredChange | null> {
    return this.connection.run('discard of a failed change', ['records', 'outbox'], (db) =>
      discardFailed(db, [modelType, id], this.serverContext())
    );
  }

  /** The dead letters in the outbox, oldest first. */
  failedEntries(): Promise<StoredMutation[]> {
    return this.connection.run(
      'outbox read',
      ['outbox'],
      (db) => db.outbox.where('status').equals('failed').sortBy('seq'),
      {
        mode: 'r',
      }
    );
  }

  /** Entries waiting to be sent (queued or in flight) and dead letters. */
  outboxCounts(): Promise<{ pending: number; failed: number }> {
    return this.connection.run(
      'outbox count',
      ['outbox'],
      async (db) => ({ pending: await countPending(db), failed: await countFailed(db) }),
      { mode: 'r' }
    );
  }

  /** Turns encryption on, or unlocks it, with a key (see `StorageEncryption.enable`). */
  async enableEncryption(secret: EncryptionSecret): Promise<void> {
    await this.open();
    await this.encryption.enable(secret);
  }

  /** Turns encryption off (see `StorageEncryption.disable`). */
  async disableEncryption(secret?: EncryptionSecret): Promise<void> {
    await this.open();
    await this.encryption.disable(secret);
  }

  /** Re-encrypts everything with another key (see `StorageEncryption.changeKey`). */
  async changeEncryptionKey(secret: EncryptionSecret): Promise<void> {
    await this.open();
    await this.encryption.changeKey(secret);
  }

  /** Closes the connection (the app is being destroyed); the data stays. */
  close(): void {
    this.encryption.close();
    this.connection.close();
  }

  private serverContext(): ServerApplyContext {
    return {
      now: this.options.clock(),
      specFor: (modelType) => this.specFor(modelType),
      conflictPolicyFor: this.options.conflictPolicyFor ?? (() => DEFAULT_STORAGE_POLICY),
      newMutationId: this.options.newId,
    };
  }

  private specFor(modelType: string): EntityStorageSpec {
    const spec = this.specs.get(modelType);
    if (!spec) {
      throw new OfflineSyncError(
        'config',
        `The entity type "${modelType}" is not registered. Add its definition to ` +
          `provideOfflineSync({ entities }) or provideSyncEntities() before storing it.`,
        { modelType }
      );
    }
    return spec;
  }

  private async commit(writes: readonly LocalWrite[]): Promise<WriteOutcome[]> {
    const first = writes[0];
    const one = writes.length === 1 && first;
    const localContext = {
      now: this.options.clock(),
      newMutationId: this.options.newId,
      specFor: (t: string) => this.specFor(t),
      beingSent: (seq: number) => this.sentUnmarked.has(seq),
    };
    const { outcomes, pending } = await this.connection.run(
      one ? first.kind : `${writes.length} writes`,
      ['records', 'outbox', 'conflicts'],
      async (db) => {
        // Counted first, in the same transaction (no second one per commit, never out of date),
        // alongside the group's reads; the writes' own effect on it is known from applying them.
        const [before, applied] = await Promise.all([
          countPending(db),
          applyLocalWrites(db, writes, localContext),
        ]);
        return { outcomes: applied.outcomes, pending: before + applied.queuedDelta };
      },
      one ? { modelType: first.modelType, recordId: first.recordId } : {}
    );
    this.pendingAfterCommit = pending;
    return outcomes;
  }
}

/**
 * A settled group of local writes, with the number of outbox entries still to be sent after it
 * (`null` if no commit has counted yet).
 *
 * @example
 * storage.settled$.subscribe(({ committed, pendingCount }) => console.log(committed.length, pendingCount));
 */
export type SettledWrites = WriteBatchResult<LocalWrite, WriteOutcome> & {
  readonly pendingCount: number | null;
};

const DEFAULT_STORAGE_POLICY: StorageConflictPolicy = {
  ...DEFAULT_CONFLICT_POLICY,
  serverFields: ['version', 'updatedAt'],
  versioned: true,
};

async function countPending(db: SyncDatabase): Promise<number> {
  // Two index counts: `anyOf(...).count()` walks a cursor over values, which the encryption
  // middleware cannot serve (and which reads every entry).
  const [queued, sending] = await Promise.all([
    db.outbox.where('status').equals('queued').count(),
    db.outbox.where('status').equals('sending').count(),
  ]);
  return queued + sending;
}

function countFailed(db: SyncDatabase): Promise<number> {
  return db.outbox.where('status').equals('failed').count();
}

/** Whether the site's storage quota is used up (then IndexedDB refuses every put, but deletes). */
function isQuotaError(error: unknown): error is OfflineSyncError {
  return error instanceof OfflineSyncError && error.kind === 'quota';
}
