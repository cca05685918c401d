/**
 * What a peer's bundle puts on `window` (`rxdbBench`, `pouchdbBench`) for bench/run.mjs:
 * scenarios 1 (burst write), 3 (cold start) and 5 (initial pull), on the bench's records.
 *
 * @example
 * window.rxdbBench = { version, burstWrite, seed, coldStart, initialPull, remove } satisfies PeerBench;
 */
export interface PeerBench {
  /** The peer's version, as bundled. */
  version: string;
  /** N single-record writes issued together; ms from the first call until all resolved. */
  burstWrite(options: WriteOptions): Promise<number>;
  /** Stores N records in one bulk write and closes the database (untimed). */
  seed(options: WriteOptions): Promise<void>;
  /** ms from opening the database until all N records are read as plain objects. */
  coldStart(options: { dbName: string; n: number }): Promise<number>;
  /** ms of the initial replication from the server into a fresh database (all N records). */
  initialPull(options: PullOptions): Promise<number>;
  /** Removes a database (untimed). */
  remove(options: { dbName: string }): Promise<void>;
}

/** Options of `burstWrite` and `seed`. */
export interface WriteOptions {
  dbName: string;
  n: number;
  /** Keeps the ids of different runs apart. */
  prefix: string;
}

/** Options of `initialPull`. */
export interface PullOptions {
  dbName: string;
  /** Records the server holds; the pull must end with exactly this many. */
  n: number;
  /** Where the server is: `/api` (the reference server) or a CouchDB-protocol server's root. */
  apiUrl: string;
  /** Records per request. */
  pageSize: number;
}
