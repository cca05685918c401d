import type { SeededRandom } from '../seeded-random';
import { acceptedWrite } from './accepted-writes';
import { batch } from './batch-cases';
import { ALICE, BOB, type CaseDraft, type Category, type HostileCase } from './cases';
import { auth, headers } from './header-cases';
import { idempotency } from './idempotency-cases';
import { brokenJson, wrongTypes } from './json-cases';
import { oddCollections, oddIds } from './name-cases';
import { rawHttp } from './raw-cases';
import { feedRequest, routesMethods } from './route-cases';
import { deepNesting, hugeBodies } from './size-cases';
import { sqlMeta } from './sql-meta-cases';
import { World } from './world';

type Builder = (w: World, r: SeededRandom) => CaseDraft;

/**
 * How many cases of each category one run generates (about 5,400 with setup), and who
 * builds them. Huge and deeply nested bodies are fewer: each costs a megabyte.
 */
const PLAN: Record<Exclude<Category, 'setup'>, [number, Builder]> = {
  'broken-json': [520, brokenJson],
  'wrong-types': [560, wrongTypes],
  'huge-bodies': [160, hugeBodies],
  'deep-nesting': [260, deepNesting],
  'odd-ids': [520, oddIds],
  'odd-collections': [360, oddCollections],
  headers: [560, headers],
  auth: [300, auth],
  'sql-meta': [640, sqlMeta],
  'feed-queries': [360, feedRequest],
  'routes-methods': [320, routesMethods],
  batch: [480, batch],
  idempotency: [200, idempotency],
  'raw-http': [160, rawHttp],
};

/** Share of the cases fetch could send that go over a real socket instead of in-process. */
const SOCKET_SHARE = 0.08;

/**
 * Generates the run: setup writes first (Alice's base records, a record of Bob's, a
 * tombstone), then every category's cases in a seeded random order, each built against what
 * the cases before it left in the database.
 *
 * @example
 * const cases = generateHostileCases(new SeededRandom(42));
 * cases.length; // about 5,400, the same ones for seed 42 on every machine
 */
export function generateHostileCases(r: SeededRandom): HostileCase[] {
  const w = new World(r);
  const drafts: CaseDraft[] = setup(w, r);
  const order = r.shuffle(
    Object.entries(PLAN).flatMap(([, [count, build]]) => Array<Builder>(count).fill(build))
  );
  for (const build of order) drafts.push(build(w, r));
  return drafts.map((draft, n) => ({ ...draft, n, via: draft.via ?? transport(draft, r) }));
}

function setup(w: World, r: SeededRandom): CaseDraft[] {
  const drafts: CaseDraft[] = [];
  for (let i = 1; i <= 8; i++) {
    const id = `base-${i}`;
    w.baseIds.push(id);
    drafts.push(
      acceptedWrite(w, r, { category: 'setup', label: id, id, via: 'post', data: { title: id } })
    );
  }
  drafts.push(
    acceptedWrite(w, r, {
      category: 'setup',
      label: 'a note of Bob',
      user: BOB,
      collection: 'notes',
    })
  );
  const gone = w.fresh('gone');
  drafts.push(acceptedWrite(w, r, { category: 'setup', label: gone, id: gone, via: 'post' }));
  drafts.push(
    acceptedWrite(w, r, { category: 'setup', label: gone, id: gone, via: 'delete', user: ALICE })
  );
  return drafts;
}

function transport(draft: CaseDraft, r: SeededRandom): HostileCase['via'] {
  if (draft.inProcessOnly || draft.category === 'setup') return 'in-process';
  return r.chance(SOCKET_SHARE) ? 'socket' : 'in-process';
}
