/**
 * Browser side of the encryption-at-rest benchmark: what `SyncStorage` costs per record with
 * encryption off and on (AES-GCM-256, raw key), against raw Dexie doing the same IndexedDB work.
 *
 * Scenarios (each `runs` times, every run on a fresh, uniquely named database deleted afterwards):
 * - write N records: N `storage.write(save)` calls issued together, timed until all resolved
 *   (the storage is opened, and its encryption settled, before the clock starts). Baseline: one
 *   `rw` transaction doing `bulkPut` of N record rows and `bulkAdd` of N outbox rows.
 * - hydrate N records (cold): N records written, the storage closed, then a NEW `SyncStorage` on
 *   the same database (same key) and `hydrate('todo')` timed, opening and unlocking included.
 *   Baseline: a new Dexie connection opened and `records.where('modelType')` read, both timed.
 * - hydrate N records (warm): a second `hydrate('todo')` on the already open storage (baseline:
 *   the same query again), i.e. the cold figure without the cost of opening.
 *
 * Not run on its own: bundled by `bench/encryption.mjs` (`npm run bench:encryption`), which loads
 * it into headless Chromium and calls `window.runEncryptionBench(options)`.
 */
import { Dexie } from 'dexie';
import { BenchTodo, benchTodos } from './app/src/bench-todo';
import { openRawDatabase, RawDatabase, rawWrite } from './app/src/raw-dexie';
import { SyncStorage } from '../projects/offline-sync-kit/src/lib/storage/sync-storage';
import {
  localWrite,
  openSettled,
  plainSpec,
  testStorage,
} from '../projects/offline-sync-kit/src/testing-support/test-storage';

/** What the Node runner passes in. */
export interface BenchOptions {
  /** Records per run (default 5,000). */
  readonly records?: number;
  /** Measured runs per scenario and variant (default 5). */
  readonly runs?: number;
  /** Records in the one untimed warm-up run per scenario and variant (default min(N, 200)). */
  readonly warmupRecords?: number;
}

export type VariantId = 'baseline' | 'kitOff' | 'kitOn';

export interface VariantResult {
  readonly samplesMs: number[];
  readonly medianMs: number | null;
  readonly minMs: number | null;
  readonly maxMs: number | null;
  /** Median total time divided by N, in microseconds. */
  readonly usPerRecord: number | null;
  /** Set when a run failed; the samples taken before it are kept. */
  readonly error?: string;
}

export interface ScenarioResult {
  readonly id: string;
  readonly label: string;
  readonly variants: Record<VariantId, VariantResult>;
  readonly ratios: {
    /** Kit encrypted ÷ kit off, in time (1.4 = encryption makes it take 40% longer). */
    readonly onVsOffTime: number | null;
    /** Kit encrypted ÷ kit off, in throughput (records per second): 1 / `onVsOffTime`. */
    readonly onVsOffThroughput: number | null;
    /** Kit off ÷ raw Dexie, in time. */
    readonly offVsBaselineTime: number | null;
    /** Microseconds per record that encryption adds (medians). */
    readonly usPerRecordAddedByEncryption: number | null;
  };
}

export interface BenchResults {
  readonly config: {
    readonly records: number;
    readonly runs: number;
    readonly warmupRecords: number;
    /** Average size of one record as JSON, in bytes. */
    readonly recordBytes: number;
    readonly userAgent: string;
  };
  readonly scenarios: ScenarioResult[];
  /** Sanity checks: rows are sealed with encryption on and plain with it off, counts match. */
  readonly checks: string[];
  readonly totalMs: number;
}

declare global {
  interface Window {
    runEncryptionBench: (options?: BenchOptions) => Promise<BenchResults>;
  }
}

const MODEL_TYPE = 'todo';
const KEY = (): Uint8Array => new Uint8Array(32).fill(1);
/** Times the baseline write: records and outbox rows in one transaction (bench/app/src/raw-dexie). */
async function timedRawWrite(db: RawDatabase, records: readonly BenchTodo[]): Promise<number> {
  const start = performance.now();
  await rawWrite(db, records);
  return performance.now() - start;
}

// ---------------------------------------------------------------------------------------------
// The kit.

function kitStorage(databaseName: string, encrypted: boolean): SyncStorage {
  return testStorage(databaseName, [plainSpec(MODEL_TYPE)], {
    encryptionKey: encrypted ? { key: KEY() } : null,
  });
}

/** Opens the storage and waits until its encryption state is final (`on` or `off`). */
function ready(storage: SyncStorage, encrypted: boolean): Promise<SyncStorage> {
  return openSettled(storage, encrypted ? 'on' : 'off');
}

async function kitWrite(storage: SyncStorage, records: readonly BenchTodo[]): Promise<number> {
  const start = performance.now();
  await Promise.all(
    records.map((record) => storage.write(localWrite.save(MODEL_TYPE, { ...record })))
  );
  return performance.now() - start;
}

// ---------------------------------------------------------------------------------------------
// Scenarios. Each variant function runs once on a fresh database and returns the timed ms.

let databases = 0;

function freshName(variant: VariantId): string {
  return `osk-bench-${variant}-${Date.now()}-${++databases}`;
}

async function withDatabase<T>(variant: VariantId, run: (name: string) => Promise<T>): Promise<T> {
  const name = freshName(variant);
  try {
    return await run(name);
  } finally {
    // A task later, so the connections just closed are gone and the delete is not "blocked".
    await new Promise((resolve) => setTimeout(resolve, 0));
    await Dexie.delete(name);
  }
}

type Sample = Record<'write' | 'hydrateCold' | 'hydrateWarm', number>;

async function baselineRun(n: number, checks: Set<string>): Promise<Sample> {
  const records = benchTodos(n, MODEL_TYPE);
  return withDatabase('baseline', async (name) => {
    const writer = openRawDatabase(name);
    await writer.open();
    const write = await timedRawWrite(writer, records);
    writer.close();

    let start = performance.now();
    const reader = openRawDatabase(name);
    await reader.open();
    const cold = await reader.records.where('modelType').equals(MODEL_TYPE).toArray();
    const hydrateCold = performance.now() - start;
    start = performance.now();
    const warm = await reader.records.where('modelType').equals(MODEL_TYPE).toArray();
    const hydrateWarm = performance.now() - start;
    reader.close();
    expectCount('baseline', cold.length, n, checks);
    expectCount('baseline', warm.length, n, checks);
    return { write, hydrateCold, hydrateWarm };
  });
}

async function kitRun(n: number, encrypted: boolean, checks: Set<string>): Promise<Sample> {
  const variant: VariantId = encrypted ? 'kitOn' : 'kitOff';
  const records = benchTodos(n, MODEL_TYPE);
  return withDatabase(variant, async (name) => {
    const writer = kitStorage(name, encrypted);
    let reader: SyncStorage | null = null;
    try {
      await ready(writer, encrypted);
      // As an app does at start, before its first write (also records the declared indexes).
      await writer.hydrate(MODEL_TYPE);
      const write = await kitWrite(writer, records);
      writer.close();

      // Cold start: a new storage, opened lazily by hydrate() (open and unlock are timed).
      reader = kitStorage(name, encrypted);
      let start = performance.now();
      const cold = await reader.hydrate(MODEL_TYPE);
      const hydrateCold = performance.now() - start;
      start = performance.now();
      const warm = await reader.hydrate(MODEL_TYPE);
      const hydrateWarm = performance.now() - start;
      reader.close();
      reader = null;
      expectCount(variant, cold.length, n, checks);
      expectCount(variant, warm.length, n, checks);
      if (cold[0] && cold[0].data['title'] !== records[0]?.title) {
        throw new Error(`${variant}: hydrated record differs from the one written`);
      }
      await checkAtRest(name, encrypted, n, checks);
      return { write, hydrateCold, hydrateWarm };
    } finally {
      writer.close();
      reader?.close();
    }
  });
}

function expectCount(variant: string, got: number, want: number, checks: Set<string>): void {
  if (got !== want) throw new Error(`${variant}: read ${got} records, expected ${want}`);
  checks.add(`${variant}: hydrate returned all ${want} records`);
}

/** Reads the rows as stored (no middleware) to confirm what the variant claims. */
async function checkAtRest(
  name: string,
  encrypted: boolean,
  n: number,
  checks: Set<string>
): Promise<void> {
  const db = new Dexie(name);
  try {
    await db.open();
    const records = await db.table('records').toArray();
    const outbox = await db.table('outbox').toArray();
    const sealed = (row: Record<string, unknown>) => 'sealed' in row && !('data' in row);
    const sealedOutbox = (row: Record<string, unknown>) => 'sealed' in row && !('patch' in row);
    const label = encrypted ? 'kitOn' : 'kitOff';
    if (records.length !== n || outbox.length !== n) {
      throw new Error(`${label}: ${records.length} records, ${outbox.length} outbox rows stored`);
    }
    const allAsExpected =
      records.every((row) => sealed(row) === encrypted) &&
      outbox.every((row) => sealedOutbox(row) === encrypted);
    if (!allAsExpected) {
      throw new Error(`${label}: stored rows are not all ${encrypted ? 'sealed' : 'plain'}`);
    }
    checks.add(
      `${label}: all ${n} record rows and ${n} outbox rows stored ` +
        (encrypted ? 'sealed (no plain data at rest)' : 'in the clear')
    );
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Statistics and the entry point.

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function summarize(samples: number[], n: number, error?: string): VariantResult {
  const med = median(samples);
  return {
    samplesMs: samples.map((ms) => round(ms, 2)),
    medianMs: med === null ? null : round(med, 2),
    minMs: samples.length ? round(Math.min(...samples), 2) : null,
    maxMs: samples.length ? round(Math.max(...samples), 2) : null,
    usPerRecord: med === null ? null : round((med * 1000) / n, 2),
    ...(error ? { error } : {}),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : round(a / b, 3);
}

const SCENARIOS: { id: keyof Sample; label: (n: number) => string }[] = [
  { id: 'write', label: (n) => `write ${n.toLocaleString('en-US')} records` },
  { id: 'hydrateCold', label: (n) => `hydrate ${n.toLocaleString('en-US')} records (cold)` },
  { id: 'hydrateWarm', label: (n) => `hydrate ${n.toLocaleString('en-US')} records (warm)` },
];

const VARIANTS: VariantId[] = ['baseline', 'kitOff', 'kitOn'];

function runVariant(variant: VariantId, n: number, checks: Set<string>): Promise<Sample> {
  if (variant === 'baseline') return baselineRun(n, checks);
  return kitRun(n, variant === 'kitOn', checks);
}

async function runEncryptionBench(options: BenchOptions = {}): Promise<BenchResults> {
  const n = options.records ?? 5_000;
  const runs = options.runs ?? 5;
  const warmupRecords = options.warmupRecords ?? Math.min(n, 200);
  const began = performance.now();
  const checks = new Set<string>();
  const samples = Object.fromEntries(
    VARIANTS.map((v): [VariantId, Record<keyof Sample, number[]>] => [
      v,
      { write: [], hydrateCold: [], hydrateWarm: [] },
    ])
  ) as Record<VariantId, Record<keyof Sample, number[]>>;
  const errors: Partial<Record<VariantId, string>> = {};

  // Untimed warm-up: JIT, Dexie and WebCrypto paths touched once per variant.
  for (const variant of VARIANTS) {
    try {
      await runVariant(variant, warmupRecords, new Set());
    } catch (error) {
      errors[variant] = `warm-up: ${describe(error)}`;
    }
  }
  // Variants interleaved within each run, so drift (GC, disk caches) hits all of them alike.
  for (let run = 0; run < runs; run++) {
    for (const variant of VARIANTS) {
      if (errors[variant]) continue;
      try {
        const sample = await runVariant(variant, n, checks);
        for (const id of Object.keys(sample) as (keyof Sample)[]) {
          samples[variant][id].push(sample[id]);
        }
        console.log(
          `run ${run + 1}/${runs} ${variant}: write ${sample.write.toFixed(1)} ms, ` +
            `hydrate cold ${sample.hydrateCold.toFixed(1)} ms, warm ${sample.hydrateWarm.toFixed(1)} ms`
        );
      } catch (error) {
        errors[variant] = `run ${run + 1}: ${describe(error)}`;
        console.error(`run ${run + 1}/${runs} ${variant} failed: ${errors[variant]}`);
      }
    }
  }

  const scenarios = SCENARIOS.map(({ id, label }): ScenarioResult => {
    const variants = Object.fromEntries(
      VARIANTS.map((v) => [v, summarize(samples[v][id], n, errors[v])])
    ) as Record<VariantId, VariantResult>;
    const off = variants.kitOff.medianMs;
    const on = variants.kitOn.medianMs;
    return {
      id,
      label: label(n),
      variants,
      ratios: {
        onVsOffTime: ratio(on, off),
        onVsOffThroughput: ratio(off, on),
        offVsBaselineTime: ratio(off, variants.baseline.medianMs),
        usPerRecordAddedByEncryption:
          on === null || off === null ? null : round(((on - off) * 1000) / n, 2),
      },
    };
  });
  const sample = benchTodos(Math.min(n, 100), MODEL_TYPE);
  const recordBytes = Math.round(
    sample.reduce((sum, record) => sum + JSON.stringify(record).length, 0) / sample.length
  );
  return {
    config: { records: n, runs, warmupRecords, recordBytes, userAgent: navigator.userAgent },
    scenarios,
    checks: [...checks],
    totalMs: round(performance.now() - began, 1),
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

window.runEncryptionBench = runEncryptionBench;
