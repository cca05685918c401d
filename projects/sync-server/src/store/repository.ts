import type { SqliteDatabase } from '../db/schema';
import type { JsonObject, SyncEntry } from '../model';

/** A row of the `records` table in the shape the rest of the server works with. */
export interface StoredRecord {
  id: string;
  version: number;
  deleted: boolean;
  /** Client fields; null for a tombstone. */
  data: JsonObject | null;
  updatedAt: string;
  seq: number;
}

/** What a write stores; the sequence number is assigned by the repository. */
export type RecordWrite = Omit<StoredRecord, 'seq'>;

interface RecordRow {
  id: string;
  version: number;
  deleted: number;
  data: string | null;
  updated_at: string;
  seq: number;
}

/**
 * The SQL behind records and the change feed, with statements prepared once. It never opens
 * transactions itself: the caller (`SyncEngine`) decides what must commit together.
 *
 * @example
 * const repo = new RecordRepository(db);
 * const row = repo.find('', 'todos', 't1');
 */
export class RecordRepository {
  private readonly findStmt;
  private readonly upsertStmt;
  private readonly feedStmt;
  private readonly nextSeqStmt;
  private readonly lastSeqStmt;

  constructor(db: SqliteDatabase) {
    this.findStmt = db.prepare<[string, string, string], RecordRow>(
      `SELECT id, version, deleted, data, updated_at, seq FROM records
       WHERE scope = ? AND collection = ? AND id = ?`
    );
    this.upsertStmt = db.prepare<
      [string, string, string, number, number, string | null, string, number]
    >(
      `INSERT INTO records (scope, collection, id, version, deleted, data, updated_at, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, collection, id) DO UPDATE SET
         version = excluded.version, deleted = excluded.deleted, data = excluded.data,
         updated_at = excluded.updated_at, seq = excluded.seq`
    );
    this.feedStmt = db.prepare<[string, string, number, number], RecordRow>(
      `SELECT id, version, deleted, data, updated_at, seq FROM records
       WHERE scope = ? AND collection = ? AND seq > ?
       ORDER BY seq LIMIT ?`
    );
    this.nextSeqStmt = db.prepare<[], { value: number }>(
      'UPDATE change_sequence SET value = value + 1 WHERE id = 1 RETURNING value'
    );
    this.lastSeqStmt = db.prepare<[], { value: number }>(
      'SELECT value FROM change_sequence WHERE id = 1'
    );
  }

  /** The record or tombstone `id` of `collection` in `scope`, if it was ever written. */
  find(scope: string, collection: string, id: string): StoredRecord | undefined {
    const row = this.findStmt.get(scope, collection, id);
    return row && fromRow(row);
  }

  /**
   * Inserts or overwrites a record and moves it to the head of the change feed. Must run
   * inside a write transaction, so the sequence bump and the row commit together.
   */
  write(scope: string, collection: string, record: RecordWrite): StoredRecord {
    const seq = this.nextSeqStmt.get()!.value;
    this.upsertStmt.run(
      scope,
      collection,
      record.id,
      record.version,
      record.deleted ? 1 : 0,
      record.data && JSON.stringify(record.data),
      record.updatedAt,
      seq
    );
    return { ...record, seq };
  }

  /**
   * Records and tombstones of `collection` changed after sequence `afterSeq`, oldest first.
   * Each record appears once, at the position of its latest write: a pull gets the
   * current state of everything that changed, not every intermediate step.
   */
  changesSince(scope: string, collection: string, afterSeq: number, limit: number): StoredRecord[] {
    return this.feedStmt.all(scope, collection, afterSeq, limit).map(fromRow);
  }

  /** The last sequence number handed out, across all scopes and collections. */
  lastSeq(): number {
    return this.lastSeqStmt.get()!.value;
  }
}

/**
 * The wire form of a stored row: the client fields with the server fields laid over them,
 * or a tombstone.
 *
 * @example
 * toEntry(row); // { id: 't1', title: 'Milk', version: 2, updatedAt: '…' }
 */
export function toEntry(record: StoredRecord): SyncEntry {
  const { id, version, updatedAt } = record;
  return record.deleted || !record.data
    ? { id, deleted: true, version, updatedAt }
    : { id, ...record.data, version, updatedAt };
}

function fromRow(row: RecordRow): StoredRecord {
  return {
    id: row.id,
    version: row.version,
    deleted: row.deleted === 1,
    data: row.data === null ? null : (JSON.parse(row.data) as JsonObject),
    updatedAt: row.updated_at,
    seq: row.seq,
  };
}
