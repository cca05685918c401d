/**
 * The wire shapes of the sync protocol (docs/protocol.md): records, tombstones, mutations and
 * their results. Plain types only, shared by the store, the HTTP layer and embedders.
 */

/** Any value JSON can carry. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object, as sent by clients for record data. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * A live record as the server answers it: the client's fields plus the server-owned `id`,
 * `version` (starts at 1, +1 per write) and `updatedAt` (server time, ISO 8601).
 *
 * @example
 * const todo: SyncRecord = { id: 't1', title: 'Milk', version: 2, updatedAt: '2025-01-01T10:00:00.000Z' };
 */
export type SyncRecord = JsonObject & { id: string; version: number; updatedAt: string };

/**
 * What is left of a deleted record: it keeps its version so the change feed can carry the
 * deletion and a stale `If-Match` against it still answers 409.
 *
 * @example
 * const gone: SyncTombstone = { id: 't1', deleted: true, version: 3, updatedAt: '2025-01-01T10:05:00.000Z' };
 */
export interface SyncTombstone {
  id: string;
  deleted: true;
  version: number;
  updatedAt: string;
}

/** A record or a tombstone: what the change feed, conflicts and batch results carry. */
export type SyncEntry = SyncRecord | SyncTombstone;

/** The four writes a client can ask for. */
export type MutationOp = 'create' | 'update' | 'replace' | 'delete';

/**
 * One write, already validated: the common form of a REST write and of a batch item.
 * `baseVersion` undefined means "any version" (no `If-Match`, or `If-Match: *`).
 *
 * @example
 * const m: Mutation = { op: 'update', collection: 'todos', id: 't1', data: { done: true }, baseVersion: 2 };
 */
export interface Mutation {
  op: MutationOp;
  collection: string;
  id: string;
  data?: JsonObject;
  baseVersion?: number;
}

/** The machine-readable part of every error answer: `{ error: { code, message } }`. */
export interface ErrorInfo {
  code: string;
  message: string;
}

/**
 * One result of `POST /sync/batch`, in the order of the mutations. `httpStatus` is the status
 * the same mutation would have got as a single REST request.
 *
 * @example
 * const r: BatchResult = { mutationId: 'm1', status: 'conflict', httpStatus: 409, current: serverTodo };
 */
export type BatchResult =
  | { mutationId: string | null; status: 'applied'; httpStatus: number; record: SyncEntry }
  | { mutationId: string | null; status: 'conflict'; httpStatus: 409; current: SyncEntry }
  | { mutationId: string | null; status: 'rejected'; httpStatus: number; error: ErrorInfo };

/** One page of the change feed: `GET /{endpoint}?cursor=&limit=`. */
export interface ChangesPage {
  items: SyncEntry[];
  cursor: string;
  hasMore: boolean;
}

/**
 * Emitted after every committed write (see `SyncServerHandle.onChange`); the hook the
 * WebSocket push plugs into. `userId` is the owner scope of the record (null when records
 * are not scoped per user) and `seq` its position in the global change sequence. `previous`
 * is the record or tombstone before the write, absent when the id was never written: the
 * WebSocket push uses it to name the event (created, updated) and to tell subscribers whose
 * filter the record just left.
 *
 * @example
 * handle.onChange((e) => console.log(e.collection, e.entry.id, e.seq));
 */
export interface ChangeEvent {
  collection: string;
  userId: string | null;
  seq: number;
  op: MutationOp;
  entry: SyncEntry;
  previous?: SyncEntry;
}

/** True when `entry` is a tombstone. */
export function isTombstone(entry: SyncEntry): entry is SyncTombstone {
  return entry['deleted'] === true;
}
