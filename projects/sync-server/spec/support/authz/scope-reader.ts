import Database from 'better-sqlite3';

/** A row of `records` as the matrix looks at it. */
interface VersionRow {
  version: number;
  deleted: number;
}

/**
 * Reads the server's SQLite file directly, through its own read-only connection (WAL lets it
 * read beside the server): the matrix then judges what the server stored, not what it says.
 *
 * @example
 * const reader = new ScopeReader(t.dbPath);
 * const before = reader.othersThan('alice');
 * // … alice attacks …
 * expect(reader.othersThan('alice')).toBe(before);
 * reader.close();
 */
export class ScopeReader {
  private readonly db: Database.Database;
  private readonly othersRecords;
  private readonly othersKeys;
  private readonly rowStmt;
  private readonly keyStmt;

  constructor(dbPath: string) {
    this.db = new Database(dbPath, { readonly: true });
    this.othersRecords = this.db.prepare<[string]>(
      'SELECT * FROM records WHERE scope != ? ORDER BY scope, collection, id'
    );
    this.othersKeys = this.db.prepare<[string]>(
      'SELECT * FROM idempotency_keys WHERE scope != ? ORDER BY scope, key'
    );
    this.rowStmt = this.db.prepare<[string, string, string], VersionRow>(
      'SELECT version, deleted FROM records WHERE scope = ? AND collection = ? AND id = ?'
    );
    this.keyStmt = this.db.prepare<[string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM idempotency_keys WHERE scope = ? AND key = ?'
    );
  }

  /**
   * Every record and idempotency key of every scope but `scope`, byte for byte, read in one
   * transaction: equal strings, nothing of theirs written.
   */
  othersThan(scope: string): string {
    return this.db.transaction(() =>
      JSON.stringify([this.othersRecords.all(scope), this.othersKeys.all(scope)])
    )();
  }

  /** The version of `scope`'s record (or tombstone) `id`, if it has one. */
  version(scope: string, collection: string, id: string): number | undefined {
    return this.rowStmt.get(scope, collection, id)?.version;
  }

  /** Whether `scope` has used idempotency key `key`. */
  hasKey(scope: string, key: string): boolean {
    return this.keyStmt.get(scope, key)!.n > 0;
  }

  close(): void {
    this.db.close();
  }
}
