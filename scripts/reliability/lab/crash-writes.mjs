// @ts-check
// Crash test of issue 10: writes issued through the kit while the page is reloaded, its renderer
// crashed or its tab closed at random points (also while a push is in flight, the server being
// online throughout). After every restart the database is read with plain IndexedDB: no write the
// kit acknowledged is missing, every outbox entry has its record and every pending record its
// entry. At the end everything is synced: server, database and store hold the same records.
import { SeededRandom } from '../../../projects/offline-sync-kit/src/testing-support/seeded-random.ts';
import { checkOutbox } from './outbox-invariants.mjs';
import { readServerFeed } from './server-feed.mjs';
import { show, WriteModel } from './write-model.mjs';

/** How the tab goes away. */
const FAULTS = /** @type {const} */ (['reload', 'crash', 'close']);
/** Writes in flight at once: enough that a fault meets several uncommitted ones. */
const IN_FLIGHT = 8;

/**
 * @typedef {import('./lab-tab.mjs').LabTab} LabTab
 * @typedef {{ writes: number, seed: number, serverUrl: string }} CrashOptions
 */

/**
 * Runs `writes` writes (creates, updates, deletes) with a fault every 20–120 writes; answers the
 * figures and the violations found (none when every property held).
 *
 * @param {LabTab} tab
 * @param {CrashOptions} options
 * @example
 * const { figures, violations } = await crashWrites(tab, { writes: 1000, seed: 7, serverUrl });
 */
export async function crashWrites(tab, { writes, seed, serverUrl }) {
  const random = new SeededRandom(seed);
  const model = new WriteModel();
  const collection = `crash_${seed}`;
  const databaseName = `crash-${seed}`;
  const options = { databaseName, serverUrl, collection, online: true };
  /** @type {string[]} */
  const violations = [];
  const figures = {
    writes: 0,
    acknowledged: 0,
    rejected: 0,
    unanswered: 0,
    restarts: 0,
    'restarts: reload': 0,
    'restarts: crash': 0,
    'restarts: close': 0,
    'records checked': 0,
    'outbox entries checked': 0,
    'acknowledged writes lost': 0,
    'entries without their record': 0,
    'pending records without an entry': 0,
  };
  let created = 0;

  /** Reads the database after a restart and checks it against the model. */
  const inspect = async () => {
    const raw = await tab.raw(databaseName);
    const rows = new Map(raw.records.map((row) => [row.id, row]));
    for (const id of model.records.keys()) {
      const stored = /** @type {any} */ (rows.get(id)?.data ?? null);
      const problem = model.check(id, stored);
      if (problem) {
        violations.push(`lost: ${problem}`);
        figures['acknowledged writes lost']++;
      }
      model.settle(id, stored);
      figures['records checked']++;
    }
    const outbox = checkOutbox(raw);
    figures['outbox entries checked'] += raw.outbox.length;
    figures['entries without their record'] += outbox.orphanEntries.length;
    figures['pending records without an entry'] += outbox.recordsWithoutEntry.length;
    violations.push(...outbox.orphanEntries, ...outbox.recordsWithoutEntry);
  };

  await tab.start(options);
  while (figures.writes < writes) {
    const burst = Math.min(random.int(20, 120), writes - figures.writes);
    /** @type {Set<Promise<void>>} */
    const inFlight = new Set();
    /** @type {Set<string>} */
    const deleting = new Set();
    for (let i = 0; i < burst; i++) {
      const [id, fields] = drawWrite(random, model, deleting, () => `r${created++}`);
      const write = model.issue(id, fields);
      if (fields === null) deleting.add(id);
      figures.writes++;
      const answered = tab.write(id, fields).then(
        (result) => {
          if (result.ok) write.acked = true;
          else write.failed = true;
          figures[result.ok ? 'acknowledged' : 'rejected']++;
        },
        () => void figures.unanswered++ // the page went before it answered
      );
      const tracked = answered.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    }
    // The fault meets the writes still in flight, or a push a moment later.
    if (random.chance(0.5)) await new Promise((resolve) => setTimeout(resolve, random.int(0, 30)));
    const fault = random.pick(FAULTS);
    await tab.restart(fault, options);
    await Promise.allSettled(inFlight);
    figures.restarts++;
    figures[`restarts: ${fault}`]++;
    await inspect();
  }
  await converge(tab, { serverUrl, collection, databaseName }, model, violations);
  return { figures, violations };
}

/**
 * A create (fresh id), an update of one to three fields, or a delete, of a record the model holds
 * and no delete in flight targets.
 *
 * @returns {[string, Partial<import('./write-model.mjs').LabItem> | null]}
 */
function drawWrite(
  /** @type {SeededRandom} */ random,
  /** @type {WriteModel} */ model,
  /** @type {Set<string>} */ deleting,
  /** @type {() => string} */ newId
) {
  const live = [...model.records.keys()].filter((id) => !deleting.has(id) && model.latest(id));
  const roll = random.next();
  if (live.length === 0 || roll < 0.4) {
    const id = newId();
    return [
      id,
      {
        id,
        title: `t${random.int(0, 9999)}`,
        n: random.int(-999, 999),
        body: 'x'.repeat(random.int(0, 40)),
      },
    ];
  }
  const id = random.pick(live);
  if (roll < 0.85) {
    return random.chance(0.5)
      ? [id, { title: `u${random.int(0, 9999)}` }]
      : [id, { n: random.int(-999, 999) }];
  }
  return [id, null];
}

/**
 * Syncs until nothing is pending, then compares the server's records, the database (read raw)
 * and the store: each must hold exactly the records the model ends with, the outbox nothing.
 */
async function converge(
  /** @type {LabTab} */ tab,
  /** @type {{ serverUrl: string, collection: string, databaseName: string }} */ where,
  /** @type {WriteModel} */ model,
  /** @type {string[]} */ violations
) {
  const { serverUrl, collection, databaseName } = where;
  for (let round = 0; round < 20; round++) {
    await tab.syncAll();
    const { pending, failed } = await tab.counts();
    if (pending === 0 && failed === 0) break;
  }
  const { pending, failed } = await tab.counts();
  if (pending > 0 || failed > 0)
    violations.push(`${pending} pending, ${failed} failed after syncing`);
  const onServer = await readServerFeed(`${serverUrl}/${collection}`);
  const server = new Map([...onServer].map(([id, item]) => [id, show(item)]));
  const expected = new Map(
    [...model.records.keys()].flatMap((id) => {
      const item = model.latest(id);
      return item ? [[id, show(item)]] : [];
    })
  );
  const stored = new Map((await tab.records()).map((item) => [item.id, show(item)]));
  const raw = await tab.raw(databaseName);
  const rows = new Map(raw.records.map((row) => [row.id, show(/** @type {any} */ (row.data))]));
  if (raw.outbox.length > 0) violations.push(`${raw.outbox.length} outbox entries left`);
  for (const [where, actual] of [
    ['server', server],
    ['store', stored],
    ['database', rows],
  ]) {
    for (const [id, value] of expected) {
      if (actual.get(id) !== value)
        violations.push(`${where}: ${id} is ${actual.get(id) ?? 'absent'}, expected ${value}`);
    }
    for (const id of actual.keys()) {
      if (!expected.has(id))
        violations.push(`${where}: holds ${id}, which was deleted or never created`);
    }
  }
}
