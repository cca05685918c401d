import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The better-sqlite3 connection type, re-exported so callers need not import the driver. */
export type SqliteDatabase = Database.Database;

/**
 * Schema migrations, applied in order; `PRAGMA user_version` remembers how many ran.
 * Append new steps, never edit an old one: databases in the field already ran it.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- One row per record, live or deleted. Records are keyed by the owner's scope (a user id,
  -- or '' when records are shared) so one user's ids never collide with another's.
  CREATE TABLE records (
    scope      TEXT    NOT NULL,
    collection TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    data       TEXT,              -- client fields as JSON; NULL for a tombstone
    updated_at TEXT    NOT NULL,
    seq        INTEGER NOT NULL UNIQUE, -- global change sequence of the last write
    PRIMARY KEY (scope, collection, id)
  );
  -- The change feed reads a collection in sequence order from a cursor.
  CREATE INDEX records_feed ON records (scope, collection, seq);

  -- The global change sequence: a single counter bumped inside each write transaction,
  -- so cursors never depend on clocks.
  CREATE TABLE change_sequence (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
  );
  INSERT INTO change_sequence (id, value) VALUES (1, 0);

  -- Answers of applied writes, stored in the write's own transaction: exactly once.
  CREATE TABLE idempotency_keys (
    scope       TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL, -- epoch ms, for pruning
    PRIMARY KEY (scope, key)
  );
  CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);
  `,
];

/**
 * Opens (creating if needed, parent directory included) the SQLite database at `path` in WAL
 * mode and brings its schema up to date.
 *
 * @example
 * const db = openDatabase('./data/sync.sqlite');
 */
export function openDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new Database(path);
  try {
    // WAL lets readers run beside the writer; FULL sync makes every acknowledged write
    // survive a power cut, not only a process crash; busy_timeout covers a second process
    // (another server, a backup) holding the write lock for a moment.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Runs the migrations this database has not seen yet, each in its own transaction. */
function migrate(db: SqliteDatabase): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `Database schema version ${current} is newer than this server (${MIGRATIONS.length})`
    );
  }
  MIGRATIONS.slice(current).forEach((sql, offset) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + offset + 1}`);
    }).immediate();
  });
}
