import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createSyncServer,
  silentLogger,
  type SyncServerHandle,
  type SyncServerOptions,
} from '../../src';

/** An answer as the specs look at it. */
export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or null for an empty body. */
  body: any;
}

/** A row of the `records` table. */
export interface RecordRow {
  scope: string;
  collection: string;
  id: string;
  version: number;
  deleted: number;
  data: string | null;
  updated_at: string;
  seq: number;
}

/** A row of the `idempotency_keys` table. */
export interface KeyRow {
  scope: string;
  key: string;
  fingerprint: string;
  status: number;
  body: string;
  created_at: number;
}

/** The whole database as `TestServer.tables()` reads it, in `snapshot()` order. */
export interface DatabaseTables {
  records: RecordRow[];
  idempotency_keys: KeyRow[];
  change_sequence: { id: number; value: number }[];
}

/** Request options of `TestServer.request`. */
export interface RequestInit {
  /** Sent as JSON with Content-Type application/json; a string is sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
}

/**
 * A real server on 127.0.0.1 with a free port and a fresh SQLite file in a temp directory;
 * `stop()` closes it and deletes the directory.
 */
export class TestServer {
  server!: SyncServerHandle;
  url = '';
  readonly dir = mkdtempSync(join(tmpdir(), 'sync-server-spec-'));
  readonly dbPath: string;

  /** `dbPath` defaults to a new file; pass another server's to share its database. */
  constructor(
    private readonly options: Partial<SyncServerOptions> = {},
    dbPath?: string
  ) {
    this.dbPath = dbPath ?? join(this.dir, 'sync.sqlite');
  }

  /** Creates the server from the options and starts it. */
  async start(): Promise<this> {
    this.server = createSyncServer({
      logger: silentLogger,
      ...this.options,
      dbPath: this.dbPath,
      port: 0,
    });
    this.url = (await this.server.listen()).url;
    return this;
  }

  /** Closes the server and opens a new one on the same database file, as a restart would. */
  async restart(): Promise<void> {
    await this.server.close();
    await this.start();
  }

  /** Closes the server and removes its files. */
  async stop(): Promise<void> {
    await this.server?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async request(method: string, path: string, init: RequestInit = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers['authorization'] = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.url + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }

  get = (path: string, init?: RequestInit) => this.request('GET', path, init);
  post = (path: string, body: unknown, init?: RequestInit) =>
    this.request('POST', path, { ...init, body });
  patch = (path: string, body: unknown, init?: RequestInit) =>
    this.request('PATCH', path, { ...init, body });
  put = (path: string, body: unknown, init?: RequestInit) =>
    this.request('PUT', path, { ...init, body });
  delete = (path: string, init?: RequestInit) => this.request('DELETE', path, init);

  /** Every row of every table, read through a separate connection: "is the database unchanged?" */
  snapshot(): string {
    return snapshotText(this.tables());
  }

  /** Every row of every table, by table, read in one transaction of a separate connection. */
  tables(): DatabaseTables {
    const db = new Database(this.dbPath, { readonly: true });
    try {
      const read = (table: string) => db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
      return db.transaction(() => ({
        records: read('records') as RecordRow[],
        idempotency_keys: read('idempotency_keys') as KeyRow[],
        change_sequence: read('change_sequence') as { id: number; value: number }[],
      }))();
    } finally {
      db.close();
    }
  }

  /** How many rows the records table holds (live and deleted). */
  recordCount(): number {
    const db = new Database(this.dbPath, { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
}

/**
 * The tables as one string, as `TestServer.snapshot()` gives them: equal strings, equal
 * databases.
 *
 * @example
 * expect(snapshotText(t.tables())).toBe(before);
 */
export function snapshotText(tables: DatabaseTables): string {
  return JSON.stringify(Object.values(tables));
}

/** Starts a TestServer before each spec of the surrounding describe and stops it after. */
export function useTestServer(options: Partial<SyncServerOptions> = {}): () => TestServer {
  let current: TestServer;
  beforeEach(async () => {
    current = await new TestServer(options).start();
  });
  afterEach(async () => {
    await current.stop();
  });
  return () => current;
}

/** A batch item, with the fields most specs leave out filled in. */
export function mutation(fields: Record<string, unknown>): Record<string, unknown> {
  return { endpoint: 'todos', mutationId: `m-${Math.random().toString(36).slice(2)}`, ...fields };
}
