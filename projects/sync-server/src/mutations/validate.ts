import { badRequest, SyncError } from '../errors';
import type { JsonObject, JsonValue } from '../model';

/** Names that route to the server itself, so no collection may take them. */
const RESERVED_COLLECTIONS = new Set(['sync', 'health']);
const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** URL-safe without escaping: UUIDs, nanoids, ULIDs, slugs, `user@host`, base64 ids. */
const ID_CHARS = /^[A-Za-z0-9._~:@+=-]+$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Deeper nesting than this is a mistake or an attack, never a todo list. */
const MAX_DEPTH = 32;
/** Fields the server owns: clients may echo them back, they are never stored. */
const SERVER_FIELDS = ['id', 'version', 'updatedAt'] as const;

/**
 * Checks a collection name (a leading `/` is allowed, as in `/todos`) against the name rules
 * and the allow-list; returns the bare name. Unknown collections answer 404, as a missing
 * route would.
 *
 * @example
 * checkCollection('/todos', ['todos']); // 'todos'
 */
export function checkCollection(name: string, allowed: ReadonlySet<string> | null): string {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  const known = allowed ? allowed.has(bare) : COLLECTION_NAME.test(bare);
  if (!known || RESERVED_COLLECTIONS.has(bare)) {
    throw new SyncError(404, 'unknown_collection', `There is no collection '${bare.slice(0, 64)}'`);
  }
  return bare;
}

/** True when `name` can be a collection at all; used to check the configured allow-list. */
export function isValidCollectionName(name: string): boolean {
  return COLLECTION_NAME.test(name) && !RESERVED_COLLECTIONS.has(name);
}

/**
 * Checks a record id: 1 to `maxLength` characters from `A-Z a-z 0-9 . _ ~ : @ + = -`.
 *
 * @example
 * checkId('5f1c-…', 128);
 */
export function checkId(id: unknown, maxLength: number): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw badRequest('The record id must be a non-empty string', 'invalid_id');
  }
  if (id.length > maxLength) {
    throw badRequest(`The record id is longer than ${maxLength} characters`, 'invalid_id');
  }
  if (!ID_CHARS.test(id)) {
    throw badRequest('The record id may only use A-Z a-z 0-9 . _ ~ : @ + = -', 'invalid_id');
  }
  return id;
}

/**
 * Turns what a client sent as record data into what is stored: it must be a JSON object;
 * the server fields `id`, `version`, `updatedAt` are dropped (an `id` must match the
 * record's); `deleted` is refused, since it marks tombstones on the wire.
 *
 * @example
 * recordData({ id: 't1', title: 'Milk', version: 3 }, 't1'); // { title: 'Milk' }
 */
export function recordData(raw: unknown, id: string, what = 'The request body'): JsonObject {
  if (!isPlainObject(raw)) throw badRequest(`${what} must be a JSON object`);
  if ('id' in raw && raw['id'] !== id) {
    throw badRequest(`${what} has id ${preview(raw['id'])}, but the record is '${id}'`);
  }
  if ('deleted' in raw)
    throw badRequest(`${what} may not set 'deleted': it is reserved for tombstones`);
  checkJsonTree(raw, 0, what);
  // The value came from JSON.parse, so every leaf is JSON.
  const data = { ...raw } as JsonObject;
  for (const field of SERVER_FIELDS) delete data[field];
  return data;
}

/**
 * Reads an `If-Match` header: `"3"`, `3` and `W/"3"` all mean version 3; absent or `*`
 * means any version (undefined).
 *
 * @example
 * parseIfMatch('W/"3"'); // 3
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  const value = header?.trim();
  if (value === undefined || value === '' || value === '*') return undefined;
  const match = /^(?:W\/)?"([1-9][0-9]{0,14})"$|^([1-9][0-9]{0,14})$/.exec(value);
  if (!match) {
    throw badRequest(
      `If-Match must be a version like "3", not ${JSON.stringify(value.slice(0, 40))}`
    );
  }
  return Number(match[1] ?? match[2]);
}

/** Checks a batch `baseVersion`: a positive integer when present. */
export function parseBaseVersion(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw badRequest('baseVersion must be a positive integer');
  }
  return value;
}

/**
 * Checks an idempotency key (the `Idempotency-Key` header or a batch `mutationId`):
 * 1 to 255 visible ASCII characters.
 */
export function checkIdempotencyKey(key: unknown, what = 'Idempotency-Key'): string {
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw badRequest(`${what} must be 1 to 255 visible ASCII characters`);
  }
  return key;
}

/**
 * A short, safe rendering of a client value for an error message. Error messages echo what
 * was sent, so they must not grow with it: a 1 MiB string would come back as a 1 MiB answer,
 * and `JSON.stringify` of an array nested 100,000 deep overflows the stack (a 500).
 *
 * @example
 * preview('t2'); // '"t2"'
 * preview([[[]]]); // 'an array'
 */
function preview(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(clip(value));
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}

/**
 * Names from a client (unknown fields, say) for an error message: at most five, each cut to
 * 40 characters, so a body with 50,000 odd fields does not answer with all of them.
 *
 * @example
 * nameList(['dryRun', 'force']); // 'dryRun, force'
 */
export function nameList(names: readonly string[]): string {
  const shown = names.slice(0, 5).map(clip);
  return names.length > 5 ? `${shown.join(', ')} and ${names.length - 5} more` : shown.join(', ');
}

/** `text` cut to 40 characters, with `…` when it was longer. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** True for `{…}`, false for arrays, null and primitives. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses nesting beyond MAX_DEPTH, non-finite numbers and `__proto__` keys in record data. */
function checkJsonTree(value: JsonValue | unknown, depth: number, what: string): void {
  // 1e999 parses to Infinity, which JSON cannot store: it would silently come back as null.
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw badRequest(`${what} holds a number too large for JSON`);
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_DEPTH) throw badRequest(`${what} nests deeper than ${MAX_DEPTH} levels`);
  const children = Array.isArray(value) ? value : Object.values(value);
  if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, '__proto__')) {
    throw badRequest(`${what} may not use the field name '__proto__'`);
  }
  for (const child of children) checkJsonTree(child, depth + 1, what);
}
