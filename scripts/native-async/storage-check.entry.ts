/**
 * Browser side of the native-async storage checks: `SyncStorage` against real IndexedDB in
 * Chromium, bundled with async/await left NATIVE, as a zoneless Angular app ships it.
 *
 * Why: the kit's Karma specs are built with async/await downleveled (Angular's karma builder adds
 * polyfills and then treats the build as zone-based), so they cannot see bugs that only show with
 * native async functions. Dexie finds its transaction through its own zone, which native
 * async/await can lose between two awaits; `SyncStorage.write()` without encryption once failed
 * there with Dexie's PrematureCommitError while every spec passed.
 *
 * Every case runs on a fresh, uniquely named database (deleted afterwards), with encryption off
 * and with encryption on (raw 32-byte key):
 * - one write resolves with `created` and `hydrate()` returns the record;
 * - 300 writes issued together all resolve; a new `SyncStorage` on the same database (a reload)
 *   hydrates 300 records and counts 300 pending outbox entries;
 * - update and remove resolve; after a reload the removed record is gone and its create + update +
 *   delete coalesced to nothing in the outbox (a second, untouched record keeps its entry);
 * - `takePushBatch(50)` returns 50 entries marked `sending`;
 * - `applyPullPage()` stores the pulled record and the cursor, also after a reload;
 * - encryption only: a clear database with 100 records, `enableEncryption(A)`,
 *   `changeEncryptionKey(B)`, then a new storage opened with key B hydrates all 100, stored sealed.
 *
 * Not run on its own: `scripts/native-async/run.mjs` bundles it with esbuild, loads it into
 * headless Chromium and calls `window.runStorageChecks()`.
 */
import { Dexie } from 'dexie';
import { PullPage } from '../../projects/offline-sync-kit/src/lib/model/server-change';
import { SEALED_FIELD } from '../../projects/offline-sync-kit/src/lib/storage/encryption/sealed-row';
import { SyncStorage } from '../../projects/offline-sync-kit/src/lib/storage/sync-storage';
import {
  localWrite,
  openSettled,
  plainSpec,
  testStorage,
} from '../../projects/offline-sync-kit/src/testing-support/test-storage';

/** One case's result, as the Node runner prints it. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

declare global {
  interface Window {
    runStorageChecks: () => Promise<CheckResult[]>;
    /** The `SyncStorage` methods that are native async functions in this bundle. */
    nativeAsyncMethods: () => string[];
  }
}

const TODO = 'todo';
/** Fresh arrays each time: a key given to the kit is never reused by the next storage. */
const KEY_ON = () => new Uint8Array(32).fill(3);
const KEY_A = () => new Uint8Array(32).fill(5);
const KEY_B = () => new Uint8Array(32).fill(7);
const CASE_TIMEOUT_MS = 20_000;
const CLEANUP_TIMEOUT_MS = 5_000;

type Mode = 'off' | 'on';

let databases = 0;

function freshName(): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `osk-native-async-${Date.now().toString(36)}-${++databases}-${random}`;
}

function open(name: string, mode: Mode, key: () => Uint8Array = KEY_ON): SyncStorage {
  return testStorage(name, [plainSpec(TODO)], {
    encryptionKey: mode === 'on' ? { key: key() } : null,
  });
}

/** Opens the storage and waits until its encryption state is final (`on` or `off`). */
function ready(storage: SyncStorage, mode: Mode): Promise<SyncStorage> {
  return openSettled(storage, mode);
}

function todo(i: number | string): { id: string; title: string; done: boolean } {
  return { id: `t${i}`, title: `Buy milk #${i}`, done: false };
}

function expectEqual(what: string, actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, expected ${e}`);
}

/**
 * Runs `body` with a fresh database and the storages it opens, then closes them all and deletes
 * the database.
 */
async function withDatabase(
  body: (name: string, track: (storage: SyncStorage) => SyncStorage) => Promise<void>
): Promise<void> {
  const name = freshName();
  const storages: SyncStorage[] = [];
  try {
    await body(name, (storage) => {
      storages.push(storage);
      return storage;
    });
  } finally {
    storages.forEach((storage) => storage.close());
    // A task later, so the connections just closed are gone and the delete is not "blocked".
    await new Promise((resolve) => setTimeout(resolve, 0));
    await within(CLEANUP_TIMEOUT_MS, `deleting database ${name}`, Dexie.delete(name));
  }
}

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// The cases; each gets the encryption mode.

async function singleWrite(mode: Mode): Promise<void> {
  await withDatabase(async (name, track) => {
    const storage = await ready(track(open(name, mode)), mode);
    const outcome = await storage.write(localWrite.save(TODO, todo(1)));
    expectEqual('write outcome', outcome.change, 'created');
    const records = await storage.hydrate(TODO);
    expectEqual(
      'hydrated records',
      records.map((record) => record.data),
      [todo(1)]
    );
  });
}

async function concurrentWrites(mode: Mode): Promise<void> {
  await withDatabase(async (name, track) => {
    const writer = await ready(track(open(name, mode)), mode);
    const ids = Array.from({ length: 300 }, (_, i) => i);
    const outcomes = await Promise.all(
      ids.map((i) => writer.write(localWrite.save(TODO, todo(i))))
    );
    const created = outcomes.filter((outcome) => outcome.change === 'created').length;
    expectEqual('writes resolved as created', created, 300);
    writer.close();

    const reader = await ready(track(open(name, mode)), mode);
    const records = await reader.hydrate(TODO);
    expectEqual('records after a reload', records.length, 300);
    expectEqual('outbox after a reload', await reader.outboxCounts(), { pending: 300, failed: 0 });
  });
}

async function updateAndRemove(mode: Mode): Promise<void> {
  await withDatabase(async (name, track) => {
    const storage = await ready(track(open(name, mode)), mode);
    await storage.write(localWrite.save(TODO, todo('gone')));
    await storage.write(localWrite.save(TODO, todo('kept')));
    expectEqual('outbox after two creates', await storage.outboxCounts(), {
      pending: 2,
      failed: 0,
    });
    const updated = await storage.write(localWrite.update(TODO, 'tgone', { title: 'renamed' }));
    expectEqual(
      'update outcome',
      [updated.change, updated.record?.['title']],
      ['updated', 'renamed']
    );
    // Coalesced into the queued create: still one entry per record.
    expectEqual('outbox after the update', await storage.outboxCounts(), {
      pending: 2,
      failed: 0,
    });
    const removed = await storage.write(localWrite.remove(TODO, 'tgone'));
    expectEqual('remove outcome', removed.change, 'removed');
    storage.close();

    const reader = await ready(track(open(name, mode)), mode);
    const records = await reader.hydrate(TODO);
    expectEqual(
      'records after a reload',
      records.map((record) => record.id),
      ['tkept']
    );
    // create + update + delete of a record never sent: nothing left to send for it.
    expectEqual('outbox after a reload', await reader.outboxCounts(), { pending: 1, failed: 0 });
  });
}

async function pushBatch(mode: Mode): Promise<void> {
  await withDatabase(async (name, track) => {
    const storage = await ready(track(open(name, mode)), mode);
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => storage.write(localWrite.save(TODO, todo(i))))
    );
    const batch = await storage.takePushBatch(50);
    expectEqual('batch size', batch.length, 50);
    const notSending = batch.filter((entry) => entry.status !== 'sending');
    expectEqual('entries not marked sending', notSending.length, 0);
    // Queued and in flight both count as pending.
    expectEqual('outbox after taking a batch', await storage.outboxCounts(), {
      pending: 60,
      failed: 0,
    });
  });
}

async function pullPage(mode: Mode): Promise<void> {
  await withDatabase(async (name, track) => {
    const storage = await ready(track(open(name, mode)), mode);
    const page: PullPage = {
      items: [
        {
          id: 'p1',
          version: 1,
          updatedAt: new Date().toISOString(),
          deleted: false,
          data: { id: 'p1', title: 'pulled' },
        },
      ],
      cursor: 'c1',
      hasMore: false,
    };
    await storage.applyPullPage(TODO, page);
    const check = async (storage: SyncStorage, when: string) => {
      expectEqual(`cursor ${when}`, await storage.getCursor(TODO), 'c1');
      const records = await storage.hydrate(TODO);
      expectEqual(
        `records ${when}`,
        records.map((record) => [record.id, record.data['title'], record.meta.version]),
        [['p1', 'pulled', 1]]
      );
    };
    await check(storage, 'after the pull');
    storage.close();
    await check(await ready(track(open(name, mode)), mode), 'after a reload');
  });
}

async function enableThenChangeKey(): Promise<void> {
  await withDatabase(async (name, track) => {
    const storage = await ready(track(open(name, 'off')), 'off');
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => storage.write(localWrite.save(TODO, todo(i))))
    );
    await storage.enableEncryption({ key: KEY_A() });
    expectEqual('state after enableEncryption', storage.encryption.status$.value.state, 'on');
    await storage.changeEncryptionKey({ key: KEY_B() });
    expectEqual('state after changeEncryptionKey', storage.encryption.status$.value.state, 'on');
    storage.close();

    const reader = await ready(track(open(name, 'on', KEY_B)), 'on');
    const records = await reader.hydrate(TODO);
    expectEqual('records hydrated with key B', records.length, 100);
    expectEqual('outbox with key B', await reader.outboxCounts(), { pending: 100, failed: 0 });
    reader.close();

    // As stored (no middleware): every record row sealed, none in the clear.
    const raw = new Dexie(name);
    try {
      await raw.open();
      const rows: Record<string, unknown>[] = await raw.table('records').toArray();
      const clear = rows.filter((row) => !(SEALED_FIELD in row) || 'data' in row).length;
      expectEqual('record rows stored in the clear', clear, 0);
    } finally {
      raw.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------

const CASES: { name: string; run: () => Promise<void> }[] = (['off', 'on'] as const).flatMap(
  (mode) => {
    const label = `[encryption ${mode}]`;
    return [
      { name: `${label} one write resolves 'created' and hydrates`, run: () => singleWrite(mode) },
      {
        name: `${label} 300 writes together resolve; a reload hydrates 300, 300 pending`,
        run: () => concurrentWrites(mode),
      },
      {
        name: `${label} update + remove resolve; the outbox coalesces create+delete away`,
        run: () => updateAndRemove(mode),
      },
      {
        name: `${label} takePushBatch(50) marks 50 entries sending`,
        run: () => pushBatch(mode),
      },
      {
        name: `${label} applyPullPage stores the record and the cursor`,
        run: () => pullPage(mode),
      },
    ];
  }
);
CASES.push({
  name: '[encryption] enable(A), changeEncryptionKey(B) on 100 clear records; key B hydrates 100',
  run: enableThenChangeKey,
});

async function runStorageChecks(): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of CASES) {
    try {
      await within(CASE_TIMEOUT_MS, `in ${check.name}`, check.run());
      results.push({ name: check.name, ok: true });
    } catch (error) {
      results.push({ name: check.name, ok: false, error: describe(error) });
    }
  }
  return results;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? ` (cause: ${cause.name}: ${cause.message})` : '';
  return `${error.name}: ${error.message}${inner}`;
}

/** For the runner: proof that the kit's own code kept native async functions in this bundle. */
function nativeAsyncMethods(): string[] {
  const prototype = SyncStorage.prototype as unknown as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).filter((name) => {
    const value = Object.getOwnPropertyDescriptor(prototype, name)?.value;
    // The engine's own tag: not fooled by a downleveled build (whose `async () => {}` here would
    // be a plain function too).
    return Object.prototype.toString.call(value) === '[object AsyncFunction]';
  });
}

window.runStorageChecks = runStorageChecks;
window.nativeAsyncMethods = nativeAsyncMethods;
