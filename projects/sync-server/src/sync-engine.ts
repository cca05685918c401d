import type { SqliteDatabase } from './db/schema';
import { notFound, SyncError, toSyncError } from './errors';
import type { SyncLogger } from './logger';
import type { BatchItem } from './mutations/batch';
import { applyMutation } from './mutations/apply';
import type {
  BatchResult,
  ChangeEvent,
  ChangesPage,
  Mutation,
  SyncEntry,
  SyncRecord,
} from './model';
import { decodeCursor, encodeCursor } from './store/cursor';
import { fingerprintMutation, IdempotencyStore } from './store/idempotency';
import { RecordRepository, toEntry } from './store/repository';

/** Who is asking, as the auth hook resolved it. */
export interface Actor {
  /** The authenticated user, or null when the server runs without auth. */
  userId: string | null;
  /** Whose records this request sees: the user id when records are scoped, '' otherwise. */
  scope: string;
}

/** The answer to one write: first-time or replayed from its idempotency key. */
export interface WriteAnswer {
  status: number;
  entry: SyncEntry;
  replayed: boolean;
}

/** Called after each committed write. */
export type ChangeListener = (event: ChangeEvent) => void;

/**
 * The transactional core: every read and write of records goes through here, with the
 * transaction boundaries that make the guarantees hold. A write, its idempotency key and its
 * sequence number commit together or not at all; listeners hear of a write only after it
 * committed.
 *
 * @example
 * const engine = new SyncEngine(openDatabase(path), { now: () => new Date(), logger });
 * engine.write({ userId: null, scope: '' }, { op: 'create', collection: 'todos', id: 't1', data: {} }, 'm-1');
 */
export class SyncEngine {
  private readonly repo: RecordRepository;
  private readonly keys: IdempotencyStore;
  private readonly listeners = new Set<ChangeListener>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly options: { now: () => Date; logger: SyncLogger }
  ) {
    this.repo = new RecordRepository(db);
    this.keys = new IdempotencyStore(db);
  }

  /** Applies one mutation in its own transaction; throws a SyncError when it cannot. */
  write(actor: Actor, mutation: Mutation, idempotencyKey?: string): WriteAnswer {
    const events: ChangeEvent[] = [];
    // IMMEDIATE takes the write lock up front, so the version check and the write cannot
    // interleave with another process's write between them.
    const answer = this.db
      .transaction(() => this.writeInTransaction(actor, mutation, idempotencyKey, events))
      .immediate();
    this.emit(events);
    return answer;
  }

  /**
   * Applies batch items in order inside one transaction, each in a savepoint of its own: a
   * failing item rolls back only itself and becomes a `conflict` or `rejected` result.
   */
  writeBatch(actor: Actor, items: readonly BatchItem[]): BatchResult[] {
    const events: ChangeEvent[] = [];
    // A transaction function called inside another transaction runs as a savepoint.
    const attempt = this.db.transaction((mutation: Mutation, key: string) =>
      this.writeInTransaction(actor, mutation, key, events)
    );
    const results = this.db
      .transaction(() => items.map((item) => this.batchResult(item, attempt)))
      .immediate();
    this.emit(events);
    return results;
  }

  /** The live record `id`; 404 when it never existed or was deleted. */
  read(actor: Actor, collection: string, id: string): SyncRecord {
    const record = this.repo.find(actor.scope, collection, id);
    if (!record || record.deleted) throw notFound(`${collection}/${id} does not exist`);
    return toEntry(record) as SyncRecord;
  }

  /** One page of the change feed of `collection` after `cursor` (see `ChangesPage`). */
  changes(
    actor: Actor,
    collection: string,
    cursor: string | undefined,
    limit: number
  ): ChangesPage {
    const after = decodeCursor(cursor);
    // One read transaction: the sequence check and the page see the same snapshot.
    return this.db.transaction(() => {
      if (after > this.repo.lastSeq()) {
        throw new SyncError(
          400,
          'invalid_cursor',
          'The cursor is ahead of this server: pull from the start'
        );
      }
      const rows = this.repo.changesSince(actor.scope, collection, after, limit + 1);
      const page = rows.slice(0, limit);
      return {
        items: page.map(toEntry),
        cursor: encodeCursor(page.at(-1)?.seq ?? after),
        hasMore: rows.length > limit,
      };
    })();
  }

  /** Subscribes to committed writes; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets idempotency keys older than `retentionMs`; returns how many went. */
  pruneIdempotencyKeys(retentionMs: number): number {
    return this.keys.prune(this.options.now().getTime() - retentionMs);
  }

  private writeInTransaction(
    actor: Actor,
    mutation: Mutation,
    key: string | undefined,
    events: ChangeEvent[]
  ): WriteAnswer {
    // Keys belong to the user, not to the record scope: two users' clients may well pick
    // the same key, and neither must see the other's answer.
    const keyScope = actor.userId ?? '';
    const fingerprint = key === undefined ? '' : fingerprintMutation(mutation);
    const stored = key === undefined ? undefined : this.keys.find(keyScope, key);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new SyncError(
          422,
          'idempotency_key_reused',
          `Idempotency key '${key}' was already used for a different request`
        );
      }
      return { status: stored.status, entry: stored.entry, replayed: true };
    }
    const now = this.options.now();
    const { status, record, changed, previous } = applyMutation(
      this.repo,
      actor.scope,
      mutation,
      now.toISOString()
    );
    const entry = toEntry(record);
    if (key !== undefined) {
      this.keys.save(keyScope, key, { fingerprint, status, entry }, now.getTime());
    }
    if (changed) {
      const { collection, op } = mutation;
      const event: ChangeEvent = {
        collection,
        op,
        entry,
        seq: record.seq,
        userId: actor.scope || null,
      };
      // Only when there was a row: listeners (and specs) see no `previous` key for a new record.
      if (previous) event.previous = toEntry(previous);
      events.push(event);
    }
    return { status, entry, replayed: false };
  }

  private batchResult(
    item: BatchItem,
    attempt: (mutation: Mutation, key: string) => WriteAnswer
  ): BatchResult {
    if (item.error) return failedResult(item.mutationId, item.error);
    try {
      const { status, entry } = attempt(item.mutation, item.mutationId);
      return { mutationId: item.mutationId, status: 'applied', httpStatus: status, record: entry };
    } catch (err) {
      const error = toSyncError(err);
      if (error.status >= 500) {
        this.options.logger.error(`batch item ${item.mutationId} failed`, err);
      }
      return failedResult(item.mutationId, error);
    }
  }

  private emit(events: readonly ChangeEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (err) {
          // A broken listener must not turn a committed write into an error answer.
          this.options.logger.error('change listener failed', err);
        }
      }
    }
  }
}

/** A 409 with a current entry is a `conflict` result; every other error is `rejected`. */
function failedResult(mutationId: string | null, error: SyncError): BatchResult {
  return error.status === 409 && error.current
    ? { mutationId, status: 'conflict', httpStatus: 409, current: error.current }
    : { mutationId, status: 'rejected', httpStatus: error.status, error: error.info };
}
