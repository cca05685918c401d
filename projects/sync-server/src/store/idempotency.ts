import { createHash } from 'node:crypto';
import type { SqliteDatabase } from '../db/schema';
import type { JsonValue, Mutation, SyncEntry } from '../model';

/** The answer of an applied write, as stored under its idempotency key. */
export interface StoredAnswer {
  /** Which request the key was first used for (see `fingerprintMutation`). */
  fingerprint: string;
  /** HTTP status of the first answer: 200, 201 or 204. */
  status: number;
  /** The record (or, for a delete, the tombstone) the first answer carried. */
  entry: SyncEntry;
}

interface AnswerRow {
  fingerprint: string;
  status: number;
  body: string;
}

/**
 * Idempotency keys and their stored answers. `save` must run in the transaction of the write
 * it belongs to: then a key exists if and only if its write committed, which is what makes
 * a retry after a lost answer safe.
 *
 * @example
 * const keys = new IdempotencyStore(db);
 * keys.find('alice', 'm-1'); // undefined until a write with that key commits
 */
export class IdempotencyStore {
  private readonly findStmt;
  private readonly saveStmt;
  private readonly pruneStmt;

  constructor(db: SqliteDatabase) {
    this.findStmt = db.prepare<[string, string], AnswerRow>(
      'SELECT fingerprint, status, body FROM idempotency_keys WHERE scope = ? AND key = ?'
    );
    this.saveStmt = db.prepare<[string, string, string, number, string, number]>(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, status, body, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`
    );
    this.pruneStmt = db.prepare<[number]>('DELETE FROM idempotency_keys WHERE created_at < ?');
  }

  /** The stored answer for `key` of the user `scope`, if a write with it committed. */
  find(scope: string, key: string): StoredAnswer | undefined {
    const row = this.findStmt.get(scope, key);
    return row && { ...row, entry: JSON.parse(row.body) as SyncEntry };
  }

  /** Stores the answer of an applied write; call inside that write's transaction. */
  save(scope: string, key: string, answer: StoredAnswer, nowMs: number): void {
    this.saveStmt.run(
      scope,
      key,
      answer.fingerprint,
      answer.status,
      JSON.stringify(answer.entry),
      nowMs
    );
  }

  /** Forgets keys stored before `beforeMs`; returns how many went. */
  prune(beforeMs: number): number {
    return this.pruneStmt.run(beforeMs).changes;
  }
}

/**
 * A digest of what a mutation asks for, independent of how it arrived: a PATCH with
 * `If-Match: "3"` and a batch item `{op: 'update', baseVersion: 3}` with the same data give
 * the same fingerprint, so a key first used over REST and retried in a batch is recognized.
 *
 * @example
 * fingerprintMutation({ op: 'delete', collection: 'todos', id: 't1' }); // 'b5c1…'
 */
export function fingerprintMutation(mutation: Mutation): string {
  const { op, collection, id, data, baseVersion } = mutation;
  const canonical = canonicalJson([op, collection, id, data ?? null, baseVersion ?? null]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` fingerprint alike. */
function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(',')}}`;
}
