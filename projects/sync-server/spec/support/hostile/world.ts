import type { JsonObject, MutationOp } from '../../../src';
import type { SeededRandom } from '../seeded-random';
import {
  ALICE,
  isNameableInPath,
  recordPath,
  request,
  type ExpectedWrite,
  type HostileRequest,
  type User,
} from './cases';

/** A write the generator expects the server to have applied, kept for replays and reuses. */
export interface AcceptedMutation {
  user: User;
  key: string;
  op: MutationOp;
  collection: string;
  id: string;
  data?: JsonObject;
  request: HostileRequest;
  /** For a batch request: per item, whether it applied (the others were refused). */
  batchItems?: boolean[];
}

/**
 * A valid write that a hostile case then breaks in one way: were the break ignored, the write
 * would go through and change the database, which the spec would notice.
 */
export interface BaseWrite {
  kind: 'create' | 'replace' | 'update' | 'delete' | 'batch';
  method: string;
  path: string;
  /** The JSON body (for `batch`, `{ mutations: [item] }`). */
  body?: Record<string, unknown>;
}

/**
 * What the generator knows of the server's records while it writes cases in run order: which
 * ids exist for whom, their current data, and which keys were used. Hostile cases aim at
 * Alice's base records (`todos/base-*`), which only setup writes; accepted cases write
 * records of their own.
 */
export class World {
  readonly baseIds: string[] = [];
  readonly accepted: AcceptedMutation[] = [];
  /** Live records written by accepted cases: what later writes may change or delete. */
  readonly owned: RecordRef[] = [];
  /** Records accepted cases deleted: tombstones, to delete again or re-create. */
  readonly gone: RecordRef[] = [];
  private readonly records = new Map<string, JsonObject | null>();
  private counter = 0;

  constructor(private readonly random: SeededRandom) {}

  /** An id (or key) never used before in this run. */
  fresh(prefix = 'h'): string {
    return `${prefix}-${(this.counter++).toString(36)}`;
  }

  /** The stored data of a record: an object when live, null for a tombstone, else undefined. */
  current(user: User, collection: string, id: string): JsonObject | null | undefined {
    return this.records.get(keyOf(user, collection, id));
  }

  /** Records that an accepted case wrote `data` (null: deleted) and returns its expectation. */
  write(
    user: User,
    collection: string,
    id: string,
    data: JsonObject | null,
    key?: string
  ): ExpectedWrite {
    const k = keyOf(user, collection, id);
    this.records.set(k, data);
    const readable = isNameableInPath(id);
    const isBase = user === ALICE && collection === 'todos' && this.baseIds.includes(id);
    // Later cases name these records in URL paths, which cannot hold `.` or `..`.
    if (!isBase && readable) {
      const ref = { user, collection, id };
      remove(this.owned, ref);
      remove(this.gone, ref);
      (data ? this.owned : this.gone).push(ref);
    }
    return { scope: user.scope, collection, id, data, readable, ...(key ? { key } : {}) };
  }

  /** A base record of Alice's, at version 1 for the whole run. */
  baseId(): string {
    return this.random.pick(this.baseIds);
  }

  /** A valid write of Alice's of the given kind (default: any). */
  baseWrite(kinds: readonly BaseWrite['kind'][] = BASE_KINDS): BaseWrite {
    const kind = this.random.pick(kinds);
    const fresh = this.fresh('new');
    const base = this.baseId();
    switch (kind) {
      case 'create':
        return { kind, method: 'POST', path: '/todos', body: { id: fresh, title: 'Milk' } };
      case 'replace':
        return { kind, method: 'PUT', path: recordPath('todos', base), body: { title: 'x' } };
      case 'update':
        return { kind, method: 'PATCH', path: recordPath('todos', base), body: { done: true } };
      case 'delete':
        return { kind, method: 'DELETE', path: recordPath('todos', base) };
      case 'batch':
        return {
          kind,
          method: 'POST',
          path: '/sync/batch',
          body: { mutations: [this.batchItem()] },
        };
    }
  }

  /** A valid batch item of Alice's: a create of a fresh id or an update of a base record. */
  batchItem(): Record<string, unknown> {
    return this.random.chance(0.5)
      ? {
          mutationId: this.fresh('m'),
          op: 'create',
          endpoint: 'todos',
          id: this.fresh('new'),
          data: { title: 'x' },
        }
      : {
          mutationId: this.fresh('m'),
          op: 'update',
          endpoint: 'todos',
          id: this.baseId(),
          data: { done: true },
        };
  }

  /** The base write as a request, Alice's token and JSON body included. */
  toRequest(base: BaseWrite, headers: [string, string][] = []): HostileRequest {
    return request(base.method, base.path, { user: ALICE, body: base.body, headers });
  }
}

const BASE_KINDS = ['create', 'replace', 'update', 'delete', 'batch'] as const;

/** A record of one user: what `owned` and `gone` list. */
export interface RecordRef {
  user: User;
  collection: string;
  id: string;
}

function remove(list: RecordRef[], ref: RecordRef): void {
  const at = list.findIndex(
    (o) => o.user === ref.user && o.collection === ref.collection && o.id === ref.id
  );
  if (at >= 0) list.splice(at, 1);
}

function keyOf(user: User, collection: string, id: string): string {
  return `${user.scope}\u0000${collection}\u0000${id}`;
}
