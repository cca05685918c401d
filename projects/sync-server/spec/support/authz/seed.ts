import type { TestServer } from '../test-server';
import {
  MATRIX_COLLECTIONS,
  MATRIX_USERS,
  ownedData,
  ownId,
  SHARED_IDS,
  type MatrixUser,
} from './users';

/** A keyed REST write a user made, which another user then replays. */
export interface KeyedRequest {
  method: 'PATCH' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
  key: string;
}

/**
 * The attacks that use a victim's keys, each with keys of its own: once an attacker used a
 * key itself, a 422 for it is its own business, and the next attack could no longer tell.
 */
export const KEY_LANES = ['replay', 'reuse', 'ws-replay', 'ws-reuse'] as const;
export type KeyLane = (typeof KEY_LANES)[number];

/**
 * The keyed REST writes `owner` makes in `collection` for `lane`. Their requests carry no
 * secret, their stored answers do (the whole record): a replay that crossed users would hand
 * it out.
 *
 * @example
 * keyedRequests(bob, 'todos', 'replay')[0];
 * // { method: 'PATCH', path: '/todos/u1-1', body: { title: 'patched' }, key: 'key-u1-todos-replay-patch' }
 */
export function keyedRequests(
  owner: MatrixUser,
  collection: string,
  lane: KeyLane
): KeyedRequest[] {
  const prefix = `key-${owner.tag}-${collection}-${lane}`;
  return [
    {
      method: 'PATCH',
      path: `/${collection}/${ownId(owner, 1)}`,
      body: { title: 'patched' },
      key: `${prefix}-patch`,
    },
    { method: 'DELETE', path: `/${collection}/${ownId(owner, 3)}`, key: `${prefix}-delete` },
  ];
}

/**
 * The keyed batch items `owner` sends for `collection` and `lane`: an update (answer: the
 * record) and a delete (answer: the tombstone).
 *
 * @example
 * batchItems(bob, 'todos', 'replay').map((m) => m['mutationId']);
 * // ['bm-u1-todos-replay-update', 'bm-u1-todos-replay-delete']
 */
export function batchItems(
  owner: MatrixUser,
  collection: string,
  lane: KeyLane
): Record<string, unknown>[] {
  const prefix = `bm-${owner.tag}-${collection}-${lane}`;
  return [
    {
      mutationId: `${prefix}-update`,
      op: 'update',
      endpoint: collection,
      id: ownId(owner, 2),
      data: { title: 'batch-patched' },
    },
    { mutationId: `${prefix}-delete`, op: 'delete', endpoint: collection, id: ownId(owner, 4) },
  ];
}

/**
 * Gives every user, in every collection, records `<tag>-1` … `<tag>-4` and the shared ids,
 * all tagged with the owner's secret; then the keyed writes above for every lane (so `<tag>-3`
 * and `<tag>-4` are tombstones). Returns each user's feed cursor after the first page of each collection,
 * which the others then try. Every setup answer is checked: the matrix is only as good as its
 * setup.
 *
 * @example
 * const cursors = await seedMatrix(t);
 * cursors.get(bob)?.get('todos'); // 'c…'
 */
export async function seedMatrix(t: TestServer): Promise<Map<MatrixUser, Map<string, string>>> {
  const cursors = new Map<MatrixUser, Map<string, string>>();
  const ok = (what: string, status: number, expected: number) => {
    if (status !== expected) throw new Error(`matrix setup: ${what} answered ${status}`);
  };
  for (const owner of MATRIX_USERS) {
    const { token } = owner;
    const mine = new Map<string, string>();
    for (const collection of MATRIX_COLLECTIONS) {
      for (const id of [1, 2, 3, 4].map((n) => ownId(owner, n)).concat(SHARED_IDS)) {
        const res = await t.post(
          `/${collection}`,
          { id, ...ownedData(owner, { title: id }) },
          { token }
        );
        ok(`${owner.id} POST ${collection}/${id}`, res.status, 201);
      }
      const requests = KEY_LANES.flatMap((lane) => keyedRequests(owner, collection, lane));
      for (const { method, path, body, key } of requests) {
        const headers = { 'idempotency-key': key };
        const res = await t.request(method, path, { body, token, headers });
        ok(`${owner.id} ${method} ${path}`, res.status, method === 'DELETE' ? 204 : 200);
      }
      const mutations = KEY_LANES.flatMap((lane) => batchItems(owner, collection, lane));
      const batch = await t.post('/sync/batch', { mutations }, { token });
      const applied = batch.body.results.filter((r: { status: string }) => r.status === 'applied');
      ok(`${owner.id} batch in ${collection} (items applied)`, applied.length, mutations.length);
      const page = await t.get(`/${collection}?limit=2`, { token });
      ok(`${owner.id} GET ${collection}?limit=2`, page.status, 200);
      mine.set(collection, page.body.cursor);
    }
    cursors.set(owner, mine);
  }
  return cursors;
}
