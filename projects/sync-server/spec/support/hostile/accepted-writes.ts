import type { JsonObject, JsonValue, MutationOp } from '../../../src';
import type { SeededRandom } from '../seeded-random';
import {
  ALICE,
  isNameableInPath,
  recordPath,
  request,
  type CaseDraft,
  type Category,
  type HostileRequest,
  type User,
} from './cases';
import { ODD_STRINGS, SQL_META } from './values';
import type { World } from './world';

/** Field names a client may not use, or that the server owns: never in generated data. */
const RESERVED_FIELDS = new Set(['__proto__', 'id', 'version', 'updatedAt', 'deleted']);
const FIELD_NAMES = [...SQL_META, ...ODD_STRINGS, 'title', 'done'].filter(
  (name) => !RESERVED_FIELDS.has(name)
);
const STRINGS: readonly string[] = [...SQL_META, ...ODD_STRINGS];

/** How an accepted write is sent. */
export type WriteVia = 'post' | 'put' | 'patch' | 'delete' | 'batch';

export interface AcceptOptions {
  category: Category;
  label: string;
  user?: User;
  collection?: string;
  id?: string;
  /** Record data (for a patch: the fields to set); default: odd strings under odd names. */
  data?: JsonObject;
  via?: WriteVia;
  /** The idempotency key (header, or the batch `mutationId`); default: sometimes a fresh one. */
  key?: string;
  contentType?: string;
  /** The batch `endpoint`, when it should not be the collection name. */
  endpoint?: string;
}

/**
 * A well-formed write, however odd its content: it must answer 2xx and store exactly what
 * was sent. The world learns the write, so later cases see the record (and its key).
 */
export function acceptedWrite(w: World, r: SeededRandom, o: AcceptOptions): CaseDraft {
  const user = o.user ?? ALICE;
  const collection = o.collection ?? 'todos';
  const id = o.id ?? w.fresh();
  const current = w.current(user, collection, id);
  const via = o.via ?? pickVia(r, !!current, id);
  const key = o.key ?? (via === 'batch' ? w.fresh('m') : r.chance(0.5) ? w.fresh('k') : undefined);
  const headers: [string, string][] = [];
  if (key !== undefined && via !== 'batch') headers.push(['idempotency-key', key]);
  if (o.contentType) headers.push(['content-type', o.contentType]);
  if (via !== 'post' && via !== 'batch' && r.chance(0.2)) headers.push(['if-match', '*']);

  const patching = via === 'patch' || (via === 'batch' && !!current && r.chance(0.5));
  const fields = o.data ?? (patching ? oddPatch(r, current ?? {}) : oddData(r));
  let op: MutationOp;
  let req: HostileRequest;
  let sent: JsonObject | undefined = roundTrip(fields);
  switch (via) {
    case 'post':
      op = 'create';
      req = request('POST', `/${encodeURIComponent(collection)}`, {
        user,
        body: { id, ...fields },
        headers,
      });
      break;
    case 'put':
    case 'patch':
      op = via === 'put' ? 'replace' : 'update';
      req = request(via.toUpperCase(), recordPath(collection, id), {
        user,
        body: r.chance(0.3) ? { ...fields, id, version: 'x', updatedAt: 0 } : fields,
        headers,
      });
      break;
    case 'delete':
      op = 'delete';
      sent = undefined;
      req = request('DELETE', recordPath(collection, id), { user, headers });
      break;
    case 'batch':
      op = patching ? 'update' : current ? 'replace' : r.pick(['create', 'replace'] as const);
      req = request('POST', '/sync/batch', {
        user,
        headers,
        body: {
          mutations: [
            {
              mutationId: key,
              op,
              endpoint: o.endpoint ?? (r.chance(0.5) ? collection : `/${collection}`),
              id,
              data: fields,
            },
          ],
        },
      });
      break;
  }
  const stored = op === 'delete' ? null : op === 'update' ? merge(current ?? {}, sent!) : sent!;
  const write = w.write(user, collection, id, stored, key);
  if (key !== undefined) {
    w.accepted.push({
      user,
      key,
      op,
      collection,
      id,
      data: sent,
      request: req,
      ...(via === 'batch' ? { batchItems: [true] } : {}),
    });
  }
  return {
    category: o.category,
    label: `${o.label} (${via} ${op})`,
    expect: 'accept',
    request: req,
    writes: [write],
    ...(via === 'batch' ? { batchItems: [true] } : {}),
  };
}

function pickVia(r: SeededRandom, live: boolean, id: string): WriteVia {
  // `.` and `..` cannot be named in a URL path: only a POST or a batch can write them.
  if (!isNameableInPath(id)) return r.pick(live ? ['batch'] : ['post', 'batch']);
  return r.pick(live ? ['put', 'patch', 'batch'] : ['post', 'put', 'batch']);
}

/** One to four odd fields: meta-characters, odd Unicode, nested values. */
export function oddData(r: SeededRandom): JsonObject {
  const data: JsonObject = {};
  for (let i = r.int(1, 4); i > 0; i--) data[r.pick(FIELD_NAMES)] = oddValue(r, 2);
  return data;
}

/** Fields to patch: no nested objects (they would merge), sometimes a removal (`null`). */
function oddPatch(r: SeededRandom, current: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (let i = r.int(1, 3); i > 0; i--) {
    patch[r.pick(FIELD_NAMES)] = r.chance(0.8) ? r.pick(STRINGS) : [r.pick(STRINGS), r.int(-9, 9)];
  }
  const existing = Object.keys(current);
  if (existing.length > 0 && r.chance(0.3)) patch[r.pick(existing)] = null;
  return patch;
}

function oddValue(r: SeededRandom, depth: number): JsonValue {
  const roll = r.int(0, depth > 0 ? 9 : 7);
  if (roll < 5) return r.pick(STRINGS);
  if (roll === 5) return r.pick([0, -1, 2 ** 53 - 1, 1.5e300, -0.000001, true, false, null]);
  if (roll === 6) return r.pick(STRINGS).slice(0, 3);
  if (roll === 7) return [];
  if (roll === 8) return [oddValue(r, depth - 1), oddValue(r, depth - 1)];
  return { [r.pick(FIELD_NAMES)]: oddValue(r, depth - 1) };
}

/** What the server receives after JSON, without the fields it owns. */
function roundTrip(fields: JsonObject): JsonObject {
  const parsed = JSON.parse(JSON.stringify(fields)) as JsonObject;
  for (const name of ['id', 'version', 'updatedAt']) delete parsed[name];
  return parsed;
}

/** RFC 7386 for the flat patches generated here: set, or remove on null. */
function merge(target: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...target };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete out[name];
    else out[name] = value;
  }
  return out;
}
