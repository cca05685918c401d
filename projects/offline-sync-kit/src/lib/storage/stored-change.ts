import { recordKey } from '../core/record-key';
import { indexKeys } from '../core/index-keys';
import { rebase } from '../core/merge-patch';
import { SerializedRecord } from '../model/mutation';
import { EntityStorageSpec } from './local-write';
import { SyncMeta, SyncRecordState } from '../model/sync-meta';
import { StoredConflict } from './stored-conflict';
import { StoredMutation, StoredRecord, SyncDatabase } from './sync-database';

/**
 * A record as a storage operation left it, for the store to follow: its data and metadata, or
 * `null` for both once it is gone.
 *
 * @example
 * for (const c of changes) c.data ? upsert(c) : remove(c.id);
 */
export interface StoredChange {
  readonly modelType: string;
  readonly id: string;
  readonly data: SerializedRecord | null;
  readonly meta: SyncMeta | null;
}

/**
 * Stores a record row with its index entries and returns it as a {@link StoredChange}.
 *
 * @example
 * return putRecord(db, spec, ['todo', 't1'], data, meta);
 */
export async function putRecord(
  db: SyncDatabase,
  spec: Pick<EntityStorageSpec, 'indexes'>,
  [modelType, id]: [string, string],
  data: SerializedRecord,
  meta: SyncMeta
): Promise<StoredChange> {
  await db.records.put(recordRow(spec, [modelType, id], data, meta));
  return { modelType, id, data, meta };
}

/**
 * The row that stores a record: its data, metadata and index entries.
 *
 * @example
 * await db.records.bulkPut(records.map((r) => recordRow(spec, ['todo', r.id], r, meta)));
 */
export function recordRow(
  spec: Pick<EntityStorageSpec, 'indexes'>,
  [modelType, id]: [string, string],
  data: SerializedRecord,
  meta: SyncMeta
): StoredRecord {
  return { modelType, id, data, meta, idx: indexKeys(modelType, spec.indexes, data) };
}

/**
 * Re-applies a record's pending entries on a new base, in outbox order, rebasing each `queued`
 * one on that base (with the entries before it applied, so coalescing diffs against what the
 * device held) and `version`. Returns the record with every entry applied (`null`: deleted).
 *
 * @example
 * const data = await rebaseEntries(db, server.data, server.version, pending);
 */
export async function rebaseEntries(
  db: SyncDatabase,
  base: SerializedRecord | null,
  version: number | null,
  entries: readonly StoredMutation[]
): Promise<SerializedRecord | null> {
  let data = base;
  for (const entry of entries) {
    // The entry is in hand: one put (an `update` would read it again first).
    if (entry.status === 'queued')
      await db.outbox.put({ ...entry, base: data, baseVersion: version });
    data = rebase(data ?? {}, [entry]);
  }
  return data;
}

/** Deletes every outbox entry of one record. */
export function deleteEntriesOf(db: SyncDatabase, key: [string, string]): Promise<number> {
  return db.outbox.where('[modelType+recordId]').equals(key).delete();
}

/** The outbox entries of one record, oldest first. */
export function entriesFor(db: SyncDatabase, key: [string, string]): Promise<StoredMutation[]> {
  return db.outbox.where('[modelType+recordId]').equals(key).sortBy('seq');
}

/** Below this many records their entries are read with one index query each. */
const PER_RECORD_READS = 64;

/**
 * The outbox entries of each of `keys`, oldest first, and whether any of a record's entries could
 * not be read (an entry that fails to decrypt reads as absent: its record's list is incomplete).
 * Many keys are read with one query over the index's keys (no values: the encryption middleware
 * cannot decrypt in a cursor) and one bulkGet of the entries found: two requests instead of
 * thousands of small queries. Few keys are read with one query each, their entries counted
 * alongside (same round trip) to tell an unreadable entry.
 *
 * @example
 * const { entries: [ofT1, ofT2] } = await entriesForMany(db, [['todo', 't1'], ['todo', 't2']]);
 */
export async function entriesForMany(
  db: SyncDatabase,
  keys: readonly [string, string][]
): Promise<{ entries: StoredMutation[][]; unreadable: boolean[] }> {
  const countOf = (key: [string, string]) =>
    db.outbox.where('[modelType+recordId]').equals(key).count();
  if (keys.length < PER_RECORD_READS) {
    const found = await Promise.all(
      keys.map((key) => Promise.all([entriesFor(db, key), countOf(key)]))
    );
    return {
      entries: found.map(([entries]) => entries),
      unreadable: found.map(([entries, count]) => entries.length !== count),
    };
  }
  const seqs = await db.outbox.where('[modelType+recordId]').anyOf(keys).primaryKeys();
  const read = await db.outbox.bulkGet(seqs);
  const entries = read.filter((entry): entry is StoredMutation => entry !== undefined);
  const found = new Map<string, StoredMutation[]>();
  for (const entry of entries.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) {
    const id = recordKey(entry.modelType, entry.recordId);
    const list = found.get(id);
    if (list) list.push(entry);
    else found.set(id, [entry]);
  }
  const lists = keys.map(([modelType, id]) => found.get(recordKey(modelType, id)) ?? []);
  // Rare: only then are the records with an unreadable entry looked for.
  const unreadable =
    entries.length === read.length
      ? keys.map(() => false)
      : await Promise.all(keys.map(async (key, i) => (await countOf(key)) !== lists[i]?.length));
  return { entries: lists, unreadable };
}

/**
 * What is stored for some records, in the order of their keys: rows, outbox entries (oldest
 * first) and, when `withConflicts`, open conflicts (`anyOpen` tells if there are any at all).
 *
 * @example
 * const held = await readHeld(db, keys, true);
 */
export interface HeldRows {
  readonly rows: (StoredRecord | undefined)[];
  readonly entries: StoredMutation[][];
  /** Whether a record has an outbox entry that could not be read (see `entriesForMany`). */
  readonly unreadable: boolean[];
  readonly conflicts: (StoredConflict | undefined)[];
  readonly anyOpen: boolean;
}

/**
 * Reads {@link HeldRows} for `keys` with a few requests issued together (IndexedDB answers them
 * in one go), instead of two or three per record. Open conflicts are counted alongside the other
 * reads; most calls meet none and then need no lookup per key.
 *
 * @example
 * const { rows, entries } = await readHeld(db, [['todo', 't1']], false);
 */
export async function readHeld(
  db: SyncDatabase,
  keys: readonly [string, string][],
  withConflicts: boolean
): Promise<HeldRows> {
  const [openCount, rows, { entries, unreadable }] = await Promise.all([
    withConflicts ? db.conflicts.count() : Promise.resolve(0),
    db.records.bulkGet([...keys]),
    entriesForMany(db, keys),
  ]);
  const conflicts =
    openCount > 0 ? await db.conflicts.bulkGet([...keys]) : keys.map(() => undefined);
  return { rows, entries, unreadable, conflicts, anyOpen: openCount > 0 };
}

/**
 * The sync state a record's outbox entries give it: `failed` when its oldest entry is a dead
 * letter (the entries behind it wait for it), `pending` while any is queued or being sent,
 * `synced` when none; `conflict` sticks until resolved.
 *
 * @example
 * const state = stateFromEntries(await entriesFor(db, key), previous?.meta.state);
 */
export function stateFromEntries(
  entries: readonly StoredMutation[],
  previous?: SyncRecordState
): SyncRecordState {
  if (previous === 'conflict') return 'conflict';
  if (entries.length === 0) return 'synced';
  return entries[0]?.status === 'failed' ? 'failed' : 'pending';
}
