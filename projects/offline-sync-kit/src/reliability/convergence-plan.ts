import { ConflictResolutionStrategy } from '../lib/model/sync-conflict';
import { FaultEffect, FaultRule } from '../testing-support/sync-server-under-test';
import { SeededRandom } from '../testing-support/seeded-random';

/** The record every harness client syncs. */
export interface Item {
  id: string;
  title: string;
  n: number;
  done: boolean;
  tags: string[];
}

/** Which record an update or delete aims at: an index into the client's records at that moment. */
export interface Target {
  /** Only records this client created (single-writer records), or any it holds. */
  readonly own: boolean;
  readonly index: number;
}

/** What one client does in one step. */
export type ClientAction =
  | { readonly kind: 'create'; readonly id: string; readonly fields: Omit<Item, 'id'> }
  | { readonly kind: 'update'; readonly target: Target; readonly fields: Partial<Item> }
  | { readonly kind: 'delete'; readonly target: Target }
  | { readonly kind: 'offline' }
  | { readonly kind: 'online' }
  /**
   * Destroy the app and start it again on the same database; `midPush`: right after asking for a
   * push; `wrongKey`: (when encrypted) first with a wrong key, which must lock it, then unlock it.
   */
  | { readonly kind: 'reload'; readonly midPush: boolean; readonly wrongKey: boolean }
  | { readonly kind: 'strategy'; readonly strategy: ConflictResolutionStrategy }
  /** Encryption at rest with key number `key` (turned on, or the key changed), or off (`0`). */
  | { readonly kind: 'encryption'; readonly key: number };

/** A fault for the proxy, or cutting every WebSocket. */
export type PlannedFault =
  { readonly kind: 'rule'; readonly rule: FaultRule } | { readonly kind: 'close-websockets' };

/** One step of a run: a client's action, and a fault armed just before it (or none). */
export interface PlannedStep {
  readonly client: number;
  readonly action: ClientAction;
  readonly fault: PlannedFault | null;
}

/**
 * A whole run, derived from its seed alone: the same seed always gives the same steps.
 *
 * @example
 * const plan = convergencePlan(7, { clients: 3, actions: 50 });
 */
export interface ConvergencePlan {
  readonly seed: number;
  readonly clients: number;
  readonly steps: readonly PlannedStep[];
}

const STRATEGIES: readonly ConflictResolutionStrategy[] = [
  'serverWins',
  'clientWins',
  'lastUpdateWins',
  'mergeFields',
  'manual',
];
/** Keys a client may encrypt with (numbered from 1; 0 is encryption off). */
export const ENCRYPTION_KEYS = 3;
const WORDS = ['milk', "O'Brien", 'naïve', '"quoted"', '; DROP TABLE records;--', '100%', 'ö 🚆'];
const TAGS = ['red', 'green', 'blue', 'tag with space'];

/**
 * Draws a run: `actions` steps over `clients` clients; about one step in three arms a fault.
 *
 * @example
 * for (const step of convergencePlan(seed, { clients: 3, actions: 50 }).steps) await run(step);
 */
export function convergencePlan(
  seed: number,
  { clients, actions, collection }: { clients: number; actions: number; collection: string }
): ConvergencePlan {
  const random = new SeededRandom(seed);
  const steps: PlannedStep[] = [];
  let created = 0;
  for (let i = 0; i < actions; i++) {
    const client = random.int(0, clients - 1);
    const action = drawAction(random, () => `s${seed}-c${client}-${created++}`);
    const fault = random.chance(0.35) ? drawFault(random, collection) : null;
    steps.push({ client, action, fault });
  }
  return { seed, clients, steps };
}

function drawAction(random: SeededRandom, newId: () => string): ClientAction {
  const roll = random.next();
  const target = (): Target => ({ own: random.chance(0.6), index: random.int(0, 999) });
  if (roll < 0.3) {
    const fields = { title: '', n: 0, done: false, tags: [], ...drawFields(random, true) };
    return { kind: 'create', id: newId(), fields };
  }
  if (roll < 0.6) return { kind: 'update', target: target(), fields: drawFields(random, false) };
  if (roll < 0.72) return { kind: 'delete', target: target() };
  if (roll < 0.8) return { kind: 'offline' };
  if (roll < 0.88) return { kind: 'online' };
  if (roll < 0.94) {
    return { kind: 'reload', midPush: random.chance(0.5), wrongKey: random.chance(0.3) };
  }
  if (roll < 0.97) return { kind: 'strategy', strategy: random.pick(STRATEGIES) };
  return { kind: 'encryption', key: random.int(0, ENCRYPTION_KEYS) };
}

/** Random fields; all of them for a create, one to three for an update. */
function drawFields(random: SeededRandom, all: boolean): Partial<Item> {
  const fields: Partial<Item> = {};
  const wanted = all ? 4 : random.int(1, 3);
  const order = ['title', 'n', 'done', 'tags'] as const;
  const start = random.int(0, order.length - 1);
  for (let i = 0; i < wanted; i++) {
    const field = order[(start + i) % order.length];
    if (field === 'title') fields.title = `${random.pick(WORDS)} ${random.int(0, 999)}`;
    if (field === 'n') fields.n = random.int(-5_000, 4_999);
    if (field === 'done') fields.done = random.chance(0.5);
    if (field === 'tags') fields.tags = TAGS.filter(() => random.chance(0.4));
  }
  return fields;
}

/** A fault aimed at one kind of request the clients make (pushes, pulls, reads, the socket). */
function drawFault(random: SeededRandom, collection: string): PlannedFault {
  const roll = random.next();
  if (roll < 0.1) return { kind: 'close-websockets' };
  const match = random.pick([
    { method: 'POST', pathPrefix: '/sync/batch' },
    { method: 'GET', pathPrefix: `/${collection}` },
    { pathPrefix: `/${collection}` },
    {},
  ]);
  const rule: FaultRule = { match, times: random.int(1, 2), ...drawEffect(random) };
  return { kind: 'rule', rule };
}

/** What a fault does to the request it matches. */
function drawEffect(random: SeededRandom): FaultEffect {
  switch (random.int(0, 7)) {
    case 0:
      return { dropResponse: true };
    case 1:
      return { resetConnection: true };
    case 2:
      return { dropRequest: { ms: random.int(20, 99) } };
    case 3:
      return { duplicate: true };
    case 4:
      return { delay: { ms: random.int(10, 129) } }; // later requests overtake it
    case 5:
      return { delayResponse: { ms: random.int(10, 199) } }; // answered after later changes
    default:
      return {
        failWith: { status: random.pick([500, 502, 503]), headers: { 'Retry-After': '0' } },
      };
  }
}
