import { Dexie } from 'dexie';
import { SEALED_FIELD } from '../lib/storage/encryption/sealed-row';
import { rawRows, rawText } from '../testing-support/raw-storage';
import { readRaw } from '../testing-support/test-database';
import { serverRecords } from '../testing-support/two-devices';
import {
  addFaults,
  clearFaults,
  closeProxiedWebSockets,
  FaultStats,
  faultStats,
  syncServer,
  uniqueCollection,
} from '../testing-support/sync-server-under-test';
import { ClientAction, convergencePlan, Item, PlannedStep, Target } from './convergence-plan';
import { HarnessClient } from './harness-client';

/** What one run did and found; `violations` empty means every property held. */
export interface ConvergenceReport {
  readonly seed: number;
  readonly actions: number;
  /** Faults the proxy applied, by kind (`closeWebSockets` counted here). */
  readonly faults: Record<string, number>;
  /** Writes the kit reported durable (creates, updates, deletes). */
  readonly durableWrites: number;
  /** Single-writer records whose final state was checked against their last write. */
  readonly recordsChecked: number;
  readonly losses: number;
  readonly duplicates: number;
  readonly resurrections: number;
  /** Encryption turned on or off, or its key changed. */
  readonly encryptionChanges: number;
  /** Reloads with a wrong key first (each must lock the database and write nothing). */
  readonly wrongKeyReloads: number;
  /** Stored rows of encrypted clients checked for plaintext after the run. */
  readonly sealedRowsChecked: number;
  /** Rows stored in clear, and clients with a title readable on disk: each one a failure. */
  readonly plaintextFindings: number;
  readonly violations: string[];
}

/** What the steps of a run did, beyond the writes; and what went wrong on the way. */
interface StepTally {
  durableWrites: number;
  socketCuts: number;
  encryptionChanges: number;
  wrongKeyReloads: number;
  readonly violations: string[];
}

/**
 * What the harness knows of a record from the writes the kit reported durable, built from the
 * actions themselves (not read back from the kit under test).
 */
interface Expected {
  /** The record as its writes made it: exact while one client wrote it. */
  last: Item;
  writers: Set<number>;
  /** Deleted by some client (for a single writer: its last write). */
  deleted: boolean;
}

/** Where a run is, for the message when it gets stuck. */
interface Progress {
  at: string;
  /** Set when the run is given up: its steps stop at the next one. */
  stopped: boolean;
}

const FIELDS = ['id', 'title', 'n', 'done', 'tags'] as const;
const HEAL_ROUNDS = 12;
/**
 * A run normally takes one to three seconds; one stuck this long is reported with where it stuck
 * (well before Karma's 120 s without news from the browser would end the whole suite).
 */
const RUN_DEADLINE_MS = 30_000;

/**
 * Runs the plan of `seed`: `clients` devices doing `actions` steps through the fault proxy, then
 * heals the network, syncs everyone and checks that every device's store and database equal the
 * server, that no durable write is missing, no record exists twice or comes back after its delete,
 * the outboxes are empty and no conflict is left open (those under `manual` are resolved first,
 * as the app would).
 *
 * @example
 * const report = await runConvergence(12, { clients: 3, actions: 50 });
 * expect(report.violations).toEqual([]);
 */
export async function runConvergence(
  seed: number,
  { clients, actions }: { clients: number; actions: number }
): Promise<ConvergenceReport> {
  const progress: Progress = { at: 'starting the clients', stopped: false };
  const collection = uniqueCollection(`conv_${seed}`);
  const databases = Array.from({ length: clients }, (_, i) => `${collection}-client-${i}`);
  const devices: HarnessClient[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`seed ${seed} stuck ${RUN_DEADLINE_MS / 1000} s at ${progress.at}`)),
      RUN_DEADLINE_MS
    );
  });
  try {
    const running = run(seed, collection, databases, devices, progress, actions);
    running.catch(() => undefined); // a stuck run's own failure, later, is not news
    return await Promise.race([running, stuck]);
  } finally {
    clearTimeout(timer);
    progress.stopped = true; // a stuck run adds no more faults for the runs after it
    await Promise.allSettled(devices.map((device) => device.destroy()));
    await Promise.allSettled(databases.map((name) => Dexie.delete(name)));
    await clearFaults();
  }
}

async function run(
  seed: number,
  collection: string,
  databases: readonly string[],
  devices: HarnessClient[],
  progress: Progress,
  actions: number
): Promise<ConvergenceReport> {
  const { proxyUrl } = syncServer();
  const plan = convergencePlan(seed, { clients: databases.length, actions, collection });
  const expected = new Map<string, Expected>();
  const tally: StepTally = {
    durableWrites: 0,
    socketCuts: 0,
    encryptionChanges: 0,
    wrongKeyReloads: 0,
    violations: [],
  };
  await clearFaults();
  for (const databaseName of databases) {
    devices.push(await HarnessClient.start({ databaseName, serverUrl: proxyUrl, collection }));
  }
  for (const [i, step] of plan.steps.entries()) {
    if (progress.stopped) throw new Error('given up');
    progress.at = `step ${i} (client ${step.client}: ${step.action.kind})`;
    if (step.fault?.kind === 'rule') await addFaults([step.fault.rule]);
    if (step.fault?.kind === 'close-websockets') {
      await closeProxiedWebSockets();
      tally.socketCuts++;
    }
    const device = devices[step.client] as HarnessClient;
    await perform(device, step, expected, tally);
  }
  const stats = await faultStats();
  await clearFaults();
  progress.at = 'healing';
  const refusals = await heal(devices, progress);
  progress.at = 'checking';
  const sealed = await checkSealed(devices, databases, expected);
  const violations = await check(devices, databases, collection, expected, refusals);
  violations.unshift(...tally.violations, ...sealed.violations);
  return report(seed, actions, stats, tally, sealed.checked, expected, violations);
}

/** Does one step, counting what it did in `tally`. */
async function perform(
  device: HarnessClient,
  { client, action }: PlannedStep,
  expected: Map<string, Expected>,
  tally: StepTally
): Promise<void> {
  switch (action.kind) {
    case 'create': {
      const item: Item = { id: action.id, ...action.fields };
      await device.sync.saveModel<Item>('item', item);
      expected.set(action.id, { last: item, writers: new Set([client]), deleted: false });
      tally.durableWrites++;
      return;
    }
    case 'update':
    case 'delete':
      tally.durableWrites += await write(device, client, action, expected);
      return;
    case 'offline':
    case 'online':
      device.setOnline(action.kind === 'online');
      return;
    case 'reload': {
      if (action.wrongKey && device.encrypted) tally.wrongKeyReloads++;
      const problem = await device.reload(action.midPush, action.wrongKey);
      if (problem) tally.violations.push(`client ${client}: ${problem}`);
      return;
    }
    case 'strategy':
      device.setStrategy(action.strategy);
      return;
    case 'encryption':
      if (await device.setEncryption(action.key)) tally.encryptionChanges++;
      return;
  }
}

async function write(
  device: HarnessClient,
  client: number,
  action: Extract<ClientAction, { kind: 'update' | 'delete' }>,
  expected: Map<string, Expected>
): Promise<number> {
  const id = pickTarget(device, client, action.target);
  if (id === null) return 0;
  const record = expected.get(id);
  try {
    if (action.kind === 'update') await device.sync.updateModel<Item>('item', id, action.fields);
    else await device.sync.deleteModel('item', id);
  } catch {
    return 0; // the record went meanwhile (a deletion arrived): nothing was written
  }
  if (record) {
    record.writers.add(client);
    if (action.kind === 'update') record.last = { ...record.last, ...action.fields };
    else record.deleted = true;
  }
  return 1;
}

/** The record a target names among the client's records (own: the ones it created), or null. */
function pickTarget(device: HarnessClient, client: number, target: Target): string | null {
  const ids = [...device.records().keys()]
    .filter((id) => !target.own || id.includes(`-c${client}-`))
    .sort();
  return ids.length === 0 ? null : (ids[target.index % ids.length] as string);
}

/**
 * Heals: every device online, syncs until all outboxes are empty and no conflict is open,
 * resolving conflicts left for the app (`manual`) by taking the server's version, on the
 * revision the store shows (as an app would). Answers the last refusal of each conflict's
 * resolution (by client and record), for the report if one stays open.
 */
async function heal(
  devices: readonly HarnessClient[],
  progress: Progress
): Promise<Map<string, string>> {
  const refusals = new Map<string, string>();
  for (const device of devices) device.setOnline(true);
  let quiet = false;
  for (let round = 0; round < HEAL_ROUNDS && !progress.stopped; round++) {
    for (const [i, device] of devices.entries()) {
      for (const conflict of device.conflicts()) {
        // Refused when the conflict changed meanwhile: the next round sees it again.
        await device.sync
          .resolveConflict('item', conflict.id, 'server', conflict.revision)
          .catch((error: unknown) => refusals.set(`${i}:${conflict.id}`, String(error)));
      }
      await device.sync.syncAll();
    }
    const settled = devices.every((d) => {
      const { pending, failed } = d.counts();
      return pending === 0 && failed === 0 && d.conflicts().length === 0;
    });
    // Two settled rounds in a row: in the second, each device pulled what the others pushed.
    if (settled && quiet) break;
    quiet = settled;
  }
  return refusals;
}

async function check(
  devices: readonly HarnessClient[],
  databases: readonly string[],
  collection: string,
  expected: Map<string, Expected>,
  refusals: Map<string, string>
): Promise<string[]> {
  const violations: string[] = [];
  const server = await serverRecords<Item>(collection);
  for (const [i, device] of devices.entries()) {
    const { pending, failed } = device.counts();
    if (pending > 0 || failed > 0) {
      violations.push(`client ${i}: ${pending} pending and ${failed} failed changes after healing`);
    }
    for (const { id } of device.conflicts()) {
      const refused = refusals.get(`${i}:${id}`);
      violations.push(
        `client ${i}: the conflict of ${id} left open` +
          (refused ? ` (resolveConflict refused: ${refused})` : '')
      );
    }
    compare(`client ${i} store`, device.records(), server, violations);
    const raw = await readRaw(databases[i] as string);
    if (device.encrypted) {
      // Sealed rows (checked by checkSealed): read back by a new app with the key.
      await device.reload(false);
      compare(
        `client ${i} database (read back with its key)`,
        device.records(),
        server,
        violations
      );
    } else {
      const rows = new Map(
        raw.records
          .filter((r) => r.modelType === 'item')
          .map((r) => [r.id, r.data as unknown as Item])
      );
      compare(`client ${i} database`, rows, server, violations);
    }
    if (raw.outbox.length > 0)
      violations.push(`client ${i}: ${raw.outbox.length} outbox entries left`);
  }
  // Ids are the clients' own (`s<seed>-c<client>-<n>`): a record cannot appear twice under
  // another id, so duplicates are writes the server applied twice (the proxy counts those).
  for (const [id, record] of expected) {
    const stored = server.get(id);
    if (record.writers.size === 1) {
      if (record.deleted && stored)
        violations.push(`resurrection: ${id} came back after its delete`);
      if (!record.deleted && !stored) violations.push(`loss: ${id} is missing on the server`);
      if (!record.deleted && stored && !same(record.last, stored)) {
        violations.push(
          `loss: ${id} is ${show(stored)} on the server, last written ${show(record.last)}`
        );
      }
    } else if (!record.deleted && !stored) {
      violations.push(`loss: ${id}, never deleted, is missing on the server`);
    }
  }
  return violations;
}

/**
 * The stored rows of every encrypted client: each sealed, and no title the run wrote readable in
 * the database (what someone with the device's disk would see). Answers the rows checked.
 */
async function checkSealed(
  devices: readonly HarnessClient[],
  databases: readonly string[],
  expected: Map<string, Expected>
): Promise<{ checked: number; violations: string[] }> {
  const violations: string[] = [];
  let checked = 0;
  const titles = [...expected.values()].map((record) => record.last.title);
  for (const [i, device] of devices.entries()) {
    if (!device.encrypted) continue;
    const name = databases[i] as string;
    for (const table of ['records', 'outbox', 'conflicts'] as const) {
      for (const row of await rawRows(name, table)) {
        checked++;
        if (!(SEALED_FIELD in row)) violations.push(`plaintext: client ${i} ${table} row in clear`);
      }
    }
    const text = await rawText(name);
    const visible = titles.filter((title) => title !== '' && text.includes(JSON.stringify(title)));
    if (visible.length > 0) {
      violations.push(`plaintext: client ${i} stores ${visible.length} titles readable`);
    }
  }
  return { checked, violations };
}

function compare(
  where: string,
  actual: Map<string, Item>,
  server: Map<string, Item>,
  violations: string[]
): void {
  for (const [id, item] of server) {
    const mine = actual.get(id);
    if (!mine) violations.push(`${where}: lacks ${id}`);
    else if (!same(mine, item))
      violations.push(`${where}: ${id} is ${show(mine)}, server ${show(item)}`);
  }
  for (const id of actual.keys()) {
    if (!server.has(id)) violations.push(`${where}: holds ${id}, which the server does not`);
  }
}

function same(a: Item, b: Item): boolean {
  return show(a) === show(b);
}

/** The record's own fields (no version, no timestamps), as stable JSON. */
function show(item: Item): string {
  return JSON.stringify(FIELDS.map((field) => item[field] ?? null));
}

function report(
  seed: number,
  actions: number,
  stats: FaultStats,
  tally: StepTally,
  sealedRowsChecked: number,
  expected: Map<string, Expected>,
  violations: string[]
): ConvergenceReport {
  const count = (prefix: string) => violations.filter((v) => v.startsWith(prefix)).length;
  return {
    seed,
    actions,
    faults: { ...stats.faults, closeWebSockets: tally.socketCuts },
    durableWrites: tally.durableWrites,
    recordsChecked: [...expected.values()].filter((r) => r.writers.size === 1).length,
    losses: count('loss'),
    duplicates: stats.duplicateApplied,
    resurrections: count('resurrection'),
    encryptionChanges: tally.encryptionChanges,
    wrongKeyReloads: tally.wrongKeyReloads,
    sealedRowsChecked,
    plaintextFindings: count('plaintext'),
    violations: [
      ...violations,
      ...(stats.duplicateApplied > 0
        ? [`duplicate: the server applied ${stats.duplicateApplied} repeated writes twice`]
        : []),
    ],
  };
}
