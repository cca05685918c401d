import type { JsonObject } from '../../../src';

/** The kinds of hostile input the generator mixes; each case belongs to one. */
export const CATEGORIES = [
  'broken-json',
  'wrong-types',
  'huge-bodies',
  'deep-nesting',
  'odd-ids',
  'odd-collections',
  'headers',
  'auth',
  'sql-meta',
  'feed-queries',
  'routes-methods',
  'batch',
  'idempotency',
  'raw-http',
] as const;

export type Category = (typeof CATEGORIES)[number] | 'setup';

/**
 * A request body: text or bytes as sent, or a stream (sent chunked, without Content-Length)
 * that may break off with an error half-way.
 */
export type HostileBody = string | Uint8Array | { chunks: string[]; breaks?: boolean };

/** One HTTP request, independent of how it is sent. Headers may repeat. */
export interface HostileRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body?: HostileBody;
}

/**
 * What a case must do to the database:
 * - `reject`: a write that must be refused (4xx JSON error; a batch answers 200 with no item
 *   applied) and leave the database as it was;
 * - `no-change`: anything but a 5xx, and the database stays as it was (reads);
 * - `replay`: an applied write sent again under its idempotency key (`replayOf`): the first
 *   answer's 2xx status again with `Idempotent-Replayed: true`, or in a batch the item
 *   `applied` with the first answer's status and record; the database stays as it was;
 * - `accept`: a well-formed write, however odd its content: 2xx, `writes` stored exactly as
 *   sent, nothing else touched.
 */
export type Expectation = 'reject' | 'no-change' | 'replay' | 'accept';

/** A record write an accepted case must leave behind. */
export interface ExpectedWrite {
  scope: string;
  collection: string;
  id: string;
  /** The record data as it must be stored; null for a tombstone. */
  data: JsonObject | null;
  /** The idempotency key it must be stored under, if sent with one. */
  key?: string;
  /** False for ids a URL path cannot name (`.` and `..`): checked in the database only. */
  readable: boolean;
}

/** One generated request and what it must do. */
export interface HostileCase {
  /** Position in the run, for reports and replays. */
  n: number;
  category: Category;
  /** What was done to the request, for failure messages. */
  label: string;
  expect: Expectation;
  /** How it travels: `app.fetch` in-process, fetch over a socket, or raw bytes on TCP. */
  via: 'in-process' | 'socket' | 'raw';
  request?: HostileRequest;
  raw?: Buffer;
  /** For `accept`: the records it writes. */
  writes?: ExpectedWrite[];
  /** The error code a refusal must carry, where the input leaves no doubt. */
  code?: string;
  /** For batches: per item, whether it must be applied. */
  batchItems?: boolean[];
  /** For `replay`: the user's scope and the key whose first answer must come back. */
  replayOf?: { scope: string; key: string };
  /**
   * For raw bytes holding several requests: the status of every answer, in order. The write
   * side stays open and everything is read until the server closes; the case's own checks
   * apply to the first answer, and a later 4xx must be a JSON error too.
   */
  answers?: number[];
  /** Only the in-process Request can carry it (a forged Content-Length, a breaking stream). */
  inProcessOnly?: boolean;
}

/** A case before it is numbered and given a transport. */
export type CaseDraft = Omit<HostileCase, 'n' | 'via'> & { via?: HostileCase['via'] };

/** A user of the spec's server: a bearer token and the scope its records live in. */
export interface User {
  token: string;
  scope: string;
}

export const ALICE: User = { token: 'alice-token', scope: 'alice' };
export const BOB: User = { token: 'bob-token', scope: 'bob' };

/** The auth option the spec's server runs with, matching ALICE and BOB. */
export const TOKENS = { [ALICE.token]: ALICE.scope, [BOB.token]: BOB.scope };

/** Record ids as the protocol allows them: 1–128 of `A-Z a-z 0-9 . _ ~ : @ + = -`. */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && /^[A-Za-z0-9._~:@+=-]{1,128}$/.test(id);
}

/** False for `.` and `..`: URL parsing removes them from a path, so no path names them. */
export function isNameableInPath(id: string): boolean {
  return id !== '.' && id !== '..';
}

/** Collection names as the protocol allows them (without an allow-list). */
export function isValidCollection(name: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(name) && name !== 'sync' && name !== 'health';
}

/** Idempotency keys as the protocol allows them: 1–255 visible ASCII characters. */
export function isValidKey(key: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(key);
}

/**
 * A request with the spec's defaults: JSON bodies are serialized with
 * `Content-Type: application/json`, and `user` adds its bearer token.
 */
export function request(
  method: string,
  path: string,
  options: { user?: User | null; body?: HostileBody | object; headers?: [string, string][] } = {}
): HostileRequest {
  const headers: [string, string][] = [];
  if (options.user) headers.push(['authorization', `Bearer ${options.user.token}`]);
  let body: HostileBody | undefined;
  if (options.body !== undefined) {
    const raw = options.body;
    body =
      typeof raw === 'string' || raw instanceof Uint8Array || isStreamBody(raw)
        ? raw
        : JSON.stringify(raw);
    if (!options.headers?.some(([name]) => name === 'content-type')) {
      headers.push(['content-type', 'application/json']);
    }
  }
  headers.push(...(options.headers ?? []));
  return { method, path, headers, body };
}

function isStreamBody(value: object): value is { chunks: string[] } {
  return 'chunks' in value && Array.isArray((value as { chunks: unknown }).chunks);
}

/** `/collection/id` with each part percent-encoded, as a client builds it. */
export function recordPath(collection: string, id: string): string {
  return `/${encodeURIComponent(collection)}/${encodeURIComponent(id)}`;
}
