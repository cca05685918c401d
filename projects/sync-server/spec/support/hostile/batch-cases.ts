import type { SeededRandom } from '../seeded-random';
import { oddData } from './accepted-writes';
import { ALICE, request, type CaseDraft } from './cases';
import { BAD_IDS } from './values';
import type { World } from './world';

/**
 * `POST /sync/batch` with a broken envelope (400, nothing applied) or broken items (200, each
 * item rejected on its own), sometimes next to one valid item that must still apply.
 */
export function batch(w: World, r: SeededRandom): CaseDraft {
  if (r.chance(0.2)) return brokenEnvelope(w, r);
  const items: unknown[] = [];
  const labels: string[] = [];
  for (let i = r.int(1, 4); i > 0; i--) {
    const [label, item] = brokenItem(w, r);
    items.push(item);
    labels.push(label);
  }
  const flags = items.map(() => false);
  if (!r.chance(0.3)) {
    return {
      category: 'batch',
      label: `items: ${labels.join('; ')}`,
      expect: 'reject',
      batchItems: flags,
      request: request('POST', '/sync/batch', { user: ALICE, body: { mutations: items } }),
    };
  }
  // One valid item among the broken ones: it applies, they change nothing.
  const id = w.fresh();
  const key = w.fresh('m');
  const data = oddData(r);
  const valid = { mutationId: key, op: 'create', endpoint: 'todos', id, data };
  const at = r.int(0, items.length);
  items.splice(at, 0, valid);
  flags.splice(at, 0, true);
  const stored = JSON.parse(JSON.stringify(data));
  const write = w.write(ALICE, 'todos', id, stored, key);
  const req = request('POST', '/sync/batch', { user: ALICE, body: { mutations: items } });
  w.accepted.push({
    user: ALICE,
    key,
    op: 'create',
    collection: 'todos',
    id,
    data: stored,
    request: req,
    batchItems: flags,
  });
  return {
    category: 'batch',
    label: `one valid item at ${at} among: ${labels.join('; ')}`,
    expect: 'accept',
    batchItems: flags,
    writes: [write],
    request: req,
  };
}

function brokenEnvelope(w: World, r: SeededRandom): CaseDraft {
  const item = w.batchItem();
  const [label, body] = r.pick<[string, unknown]>([
    ['body an array', [item]],
    ['body a string', 'mutations'],
    ['body null', null],
    ['no mutations', {}],
    ['mutation (singular)', { mutation: [item] }],
    ['Mutations', { Mutations: [item] }],
    ['mutations an object', { mutations: { 0: item } }],
    ['mutations a string', { mutations: 'all' }],
    ['mutations null', { mutations: null }],
    ['mutations a number', { mutations: 1 }],
    ['extra field dryRun', { mutations: [item], dryRun: true }],
    ['extra field __proto__', { mutations: [item], ['__proto__']: {} }],
    ["extra field '; DROP", { mutations: [item], "'; DROP TABLE records; --": 1 }],
    ['extra field (empty name)', { mutations: [item], '': 1 }],
    ['1001 nulls', { mutations: Array(1001).fill(null) }],
  ]);
  return {
    category: 'batch',
    label: `envelope: ${label}`,
    expect: 'reject',
    code: 'invalid_request',
    request: request('POST', '/sync/batch', { user: ALICE, body: JSON.stringify(body) }),
  };
}

/** One batch item broken in one way; the server must reject it (or answer it a conflict). */
export function brokenItem(w: World, r: SeededRandom): [string, unknown] {
  const item = w.batchItem();
  const set = (field: string, value: unknown): [string, unknown] => [
    `${field} ${JSON.stringify(value)?.slice(0, 30)}`,
    { ...item, [field]: value },
  ];
  switch (r.int(0, 10)) {
    case 0: {
      const value = r.pick<unknown>([null, 1, 'create', [], true, [item]]);
      return [`item ${JSON.stringify(value).slice(0, 30)}`, value];
    }
    case 1: {
      const field = r.pick(['mutationId', 'op', 'endpoint', 'id', 'data']);
      const copy: Record<string, unknown> = { ...item };
      delete copy[field];
      return [`no ${field}`, copy];
    }
    case 2:
      return set(
        'mutationId',
        r.pick<unknown>([42, '', 'a b', 'k'.repeat(256), null, {}, '\u00e9'])
      );
    case 3:
      return set(
        'op',
        r.pick<unknown>(['CREATE', 'upsert', 'remove', '', 42, null, ['create'], 'create '])
      );
    case 4:
      return set('endpoint', r.pick<unknown>([42, '', 'sync', '/health', 'todos ', null]));
    case 5:
      return set('id', r.pick(BAD_IDS));
    case 6:
      return item['op'] === 'create'
        ? set(
            'data',
            r.pick<unknown>([[], 'x', 1, true, null, { deleted: false }, { id: 'other' }])
          )
        : set('op', 'delete'); // data on a delete
    case 7:
      return set('baseVersion', r.pick<unknown>(['1', 0, -1, 1.5, 2 ** 53, true, [], {}]));
    case 8:
      return set(r.pick(['dryRun', 'Op', 'data2', 'constructor', "'", '__proto__']), 1);
    case 9:
      // A stale base version: a conflict, never applied.
      return [
        'stale baseVersion',
        { ...item, op: 'update', id: w.baseId(), data: {}, baseVersion: 999 },
      ];
    default:
      return ['create of a taken id', { ...item, op: 'create', id: w.baseId(), data: {} }];
  }
}
