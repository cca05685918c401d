import type { SeededRandom } from '../seeded-random';
import { acceptedWrite } from './accepted-writes';
import {
  ALICE,
  BOB,
  isNameableInPath,
  recordPath,
  request,
  type CaseDraft,
  type HostileRequest,
} from './cases';
import type { AcceptedMutation, World } from './world';

/**
 * Idempotency keys under attack: replays of applied writes (their first answer again, nothing
 * written, also across REST and batch), and reuses for another request (422, nothing written).
 */
export function idempotency(w: World, r: SeededRandom): CaseDraft {
  const entry = w.accepted.length > 0 ? r.pick(w.accepted) : undefined;
  if (!entry) {
    return acceptedWrite(w, r, {
      category: 'idempotency',
      label: 'first use of a key',
      key: w.fresh('k'),
    });
  }
  const gone = w.gone.length > 0 && r.chance(0.15) ? r.pick(w.gone) : undefined;
  if (gone) {
    // A DELETE is idempotent: deleting a tombstone answers 204 and writes nothing. A PATCH of
    // it is a conflict.
    const patch = r.chance(0.5);
    const req = request(patch ? 'PATCH' : 'DELETE', recordPath(gone.collection, gone.id), {
      user: gone.user,
      ...(patch ? { body: { back: true } } : {}),
    });
    return patch
      ? {
          category: 'idempotency',
          label: 'PATCH of a deleted record',
          expect: 'reject',
          code: 'conflict',
          request: req,
        }
      : {
          category: 'idempotency',
          label: 'DELETE of a deleted record',
          expect: 'no-change',
          request: req,
        };
  }
  switch (r.int(0, 4)) {
    case 0:
      return replay(entry, `replay of key ${entry.key}`);
    case 1:
      return replay(entry, `replay of key ${entry.key}, sent the other way`, otherWay(entry));
    case 2: {
      // The same key for another request: refused before anything is applied.
      const id = r.chance(0.5) ? w.baseId() : w.fresh();
      const req = request('PUT', recordPath('todos', id), {
        user: entry.user,
        body: { reused: entry.key },
        headers: [['idempotency-key', entry.key]],
      });
      return {
        category: 'idempotency',
        label: `key ${entry.key} reused for PUT todos/${id}`,
        expect: 'reject',
        code: 'idempotency_key_reused',
        request: req,
      };
    }
    case 3: {
      const item = { mutationId: entry.key, op: 'delete', endpoint: 'todos', id: w.baseId() };
      const req = request('POST', '/sync/batch', { user: entry.user, body: { mutations: [item] } });
      return {
        category: 'idempotency',
        label: `key ${entry.key} reused in a batch`,
        expect: 'reject',
        batchItems: [false],
        request: req,
      };
    }
    default: {
      // Keys belong to their user: the other user may use the same key for anything.
      const other = entry.user === ALICE ? BOB : ALICE;
      if (w.accepted.some((e) => e.user === other && e.key === entry.key)) {
        return replay(entry, `replay of key ${entry.key}`);
      }
      return acceptedWrite(w, r, {
        category: 'idempotency',
        label: `key ${entry.key} of another user`,
        user: other,
        key: entry.key,
      });
    }
  }
}

/** A request (and, for a batch, which items apply) that sends a mutation again. */
interface Resend {
  request: HostileRequest;
  batchItems?: boolean[];
}

/**
 * The accepted mutation sent again under its key (by default as it was sent first): it must
 * get its first answer back and write nothing.
 */
function replay(entry: AcceptedMutation, label: string, resend: Resend = entry): CaseDraft {
  return {
    category: 'idempotency',
    label,
    expect: 'replay',
    replayOf: { scope: entry.user.scope, key: entry.key },
    request: resend.request,
    ...(resend.batchItems ? { batchItems: resend.batchItems } : {}),
  };
}

/**
 * The accepted mutation again, as a batch item if it was a REST request, and vice versa. Ids
 * a URL path cannot name (`.`, `..`) stay batch items: `PATCH /todos/.` is `PATCH /todos/`.
 */
function otherWay(entry: AcceptedMutation): Resend {
  const { user, key, op, collection, id, data } = entry;
  if (entry.request.path !== '/sync/batch' || !isNameableInPath(id)) {
    const item = { mutationId: key, op, endpoint: collection, id, ...(data ? { data } : {}) };
    return {
      request: request('POST', '/sync/batch', { user, body: { mutations: [item] } }),
      batchItems: [true],
    };
  }
  const headers: [string, string][] = [['idempotency-key', key]];
  switch (op) {
    case 'create':
      return {
        request: request('POST', `/${encodeURIComponent(collection)}`, {
          user,
          body: { id, ...data },
          headers,
        }),
      };
    case 'delete':
      return { request: request('DELETE', recordPath(collection, id), { user, headers }) };
    default:
      return {
        request: request(op === 'update' ? 'PATCH' : 'PUT', recordPath(collection, id), {
          user,
          body: data!,
          headers,
        }),
      };
  }
}
