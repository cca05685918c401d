import type { SeededRandom } from '../seeded-random';
import { acceptedWrite } from './accepted-writes';
import {
  ALICE,
  BOB,
  isValidCollection,
  isValidId,
  recordPath,
  request,
  type CaseDraft,
  type Category,
} from './cases';
import { BAD_COLLECTIONS, BAD_IDS, ODD_VALID_COLLECTIONS, ODD_VALID_IDS } from './values';
import type { World } from './world';

/** Path segments sent as they are (not encoded), none of which may reach a record. */
const RAW_BAD_SEGMENTS = [
  '%00',
  '%2F',
  '%zz',
  '%E0%A4%A',
  '..%2F',
  '%2e%2e%2f',
  '%252F',
  '%20',
  'a%00b',
  '%',
  '.%00',
  '%C0%AF',
  '%u002e',
  'a;b',
  '..',
  '.',
  '%2e',
  '%2E%2E',
  '',
];

/** Ids the protocol refuses, in the body, the path or a batch item; odd valid ids stored. */
export function oddIds(w: World, r: SeededRandom): CaseDraft {
  if (r.chance(0.35)) {
    const id = r.pick([...ODD_VALID_IDS, '.', '..']);
    const collection = r.pick(['todos', 'notes']);
    const user = r.pick([ALICE, BOB]);
    return acceptedWrite(w, r, { category: 'odd-ids', label: `id ${id}`, user, collection, id });
  }
  if (r.chance(0.15)) return oddRead(w, r, 'odd-ids');
  return badIdWrite(w, r, 'odd-ids', r.pick(BAD_IDS));
}

/** A write of Alice's that names `id` somewhere an id goes; `id` must be refused. */
export function badIdWrite(w: World, r: SeededRandom, category: Category, id: unknown): CaseDraft {
  // A valid id here would make a "refused" write succeed: a mistake in the catalogues.
  if (isValidId(id)) throw new Error(`${JSON.stringify(id)} is a valid id`);
  const label = `id ${JSON.stringify(id)?.slice(0, 40)}`;
  const reject = (where: string, method: string, path: string, body?: object): CaseDraft => ({
    category,
    label: `${label} in ${where}`,
    expect: 'reject',
    request: request(method, path, { user: ALICE, ...(body ? { body } : {}) }),
  });
  const where = typeof id === 'string' ? r.int(0, 3) : r.pick([0, 3]);
  if (where === 0)
    return { ...reject('a create body', 'POST', '/todos', { id }), code: 'invalid_id' };
  if (where === 3) {
    const item = { ...w.batchItem(), id };
    return {
      ...reject('a batch item', 'POST', '/sync/batch', { mutations: [item] }),
      batchItems: [false],
    };
  }
  const method = r.pick(['PUT', 'PATCH', 'DELETE']);
  const segment = where === 1 ? encodeURIComponent(id as string) : r.pick(RAW_BAD_SEGMENTS);
  return reject(
    `a ${method} path /todos/${segment.slice(0, 30)}`,
    method,
    `/todos/${segment}`,
    method === 'DELETE' ? undefined : { title: 'x' }
  );
}

/** A read that names odd things: it may answer 2xx or 4xx, never change anything. */
function oddRead(w: World, r: SeededRandom, category: Category): CaseDraft {
  const id = r.pick([
    ...BAD_IDS.filter((v): v is string => typeof v === 'string'),
    ...ODD_VALID_IDS,
  ]);
  const path = r.chance(0.7) ? recordPath('todos', id) : `/todos/${r.pick(RAW_BAD_SEGMENTS)}`;
  return {
    category,
    label: `read ${path.slice(0, 40)}`,
    expect: 'no-change',
    request: request(r.pick(['GET', 'HEAD']), path, { user: r.pick([ALICE, BOB]) }),
  };
}

/** Collection names the protocol refuses, in the path or a batch `endpoint`; odd valid ones stored. */
export function oddCollections(w: World, r: SeededRandom): CaseDraft {
  if (r.chance(0.3)) {
    const collection = r.pick(ODD_VALID_COLLECTIONS);
    return acceptedWrite(w, r, {
      category: 'odd-collections',
      label: `collection ${collection}`,
      collection,
    });
  }
  if (r.chance(0.15)) {
    const name = r.pick([...BAD_COLLECTIONS, ...ODD_VALID_COLLECTIONS]);
    return {
      category: 'odd-collections',
      label: `feed of ${name.slice(0, 30)}`,
      expect: 'no-change',
      request: request('GET', `/${encodeURIComponent(name)}`, { user: ALICE }),
    };
  }
  return badCollectionWrite(w, r, 'odd-collections', r.pick(BAD_COLLECTIONS));
}

/** A write of Alice's to collection `name`, which must be refused. */
export function badCollectionWrite(
  w: World,
  r: SeededRandom,
  category: Category,
  name: string
): CaseDraft {
  if (isValidCollection(name)) throw new Error(`'${name}' is a valid collection name`);
  const path = encodeURIComponent(name);
  const id = w.fresh();
  const reject = (where: string, method: string, url: string, body?: object): CaseDraft => ({
    category,
    label: `collection ${JSON.stringify(name.slice(0, 30))} in ${where}`,
    expect: 'reject',
    request: request(method, url, { user: ALICE, ...(body ? { body } : {}) }),
  });
  switch (r.int(0, 3)) {
    case 0:
      return reject('a create path', 'POST', `/${path}`, { id, title: 'x' });
    case 1: {
      const method = r.pick(['PUT', 'PATCH', 'DELETE']);
      const url = `/${path}/${encodeURIComponent(w.baseId())}`;
      return reject(
        `a ${method} path`,
        method,
        url,
        method === 'DELETE' ? undefined : { title: 'x' }
      );
    }
    default: {
      const endpoint = r.pick<unknown>([
        name,
        `/${name}`,
        '',
        '/',
        '//todos',
        'todos/',
        ' todos',
        'todos/x',
        42,
        null,
        ['todos'],
        { name: 'todos' },
      ]);
      const item = { ...w.batchItem(), endpoint };
      return {
        ...reject('a batch endpoint', 'POST', '/sync/batch', { mutations: [item] }),
        batchItems: [false],
      };
    }
  }
}
