import { Dexie } from 'dexie';
import { recordKey } from '../core/record-key';
import { indexKeys } from '../core/index-keys';
import { rebase } from '../core/merge-patch';
import { SerializedRecord } from '../model/mutation';
import { EntityStorageSpec } from './local-write';
import { SyncMeta, SyncRecordState } from '../model/sync-meta';
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

/** Below this many records a group asks for each record's entries; above, see readEntries. */
const PER_RECORD_READS = 64;

/**
 * The outbox entries of each of `keys`, oldest first. Many keys of a type with few entries beyond
 * theirs (a burst of new records, a pulled page: the usual case) are read with one range request
 * for the type: thousands of small index queries cost far more than it.
 *
 * @example
 * const [entriesOfT1, entriesOfT2] = await entriesForMany(db, [['todo', 't1'], ['todo', 't2']]);
 */
export async function entriesForMany(
  db: SyncDatabase,
  keys: readonly [string, string][]
): Promise<StoredMutation[][]> {
  if (keys.length < PER_RECORD_READS) return Promise.all(keys.map((key) => entriesFor(db, key)));
  const byType = new Map<string, number>();
  for (const [modelType] of keys) byType.set(modelType, (byType.get(modelType) ?? 0) + 1);
  const found = new Map<string, StoredMutation[]>();
  const perRecord: [string, string][] = [];
  await Promise.all(
    [...byType].map(async ([modelType, wanted]) => {
      const range = entriesOfType(db, modelType);
      if ((await range.count()) > 2 * wanted) {
        perRecord.push(...keys.filter(([type]) => type === modelType));
        return;
      }
      collect(found, await range.toArray());
    })
  );
  if (perRecord.length > 0) {
    // Keys only (one cursor over the index), then the entries by seq: two requests, not one each.
    const seqs = await db.outbox.where('[modelType+recordId]').anyOf(perRecord).primaryKeys();
    const entries = await db.outbox.bulkGet(seqs);
    collect(
      found,
      entries.filter((entry): entry is StoredMutation => entry !== undefined)
    );
  }
  return keys.map(([modelType, id]) => found.get(recordKey(modelType, id)) ?? []);
}

/** Adds entries to their record's list, oldest first. */
function collect(found: Map<string, StoredMutation[]>, entries: readonly StoredMutation[]) {
  for (const entry of [...entries].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) {
    const id = recordKey(entry.modelType, entry.recordId);
    const list = found.get(id);
    if (list) list.push(entry);
    else found.set(id, [entry]);
  }
}

function entriesOfType(db: SyncDatabase, modelType: string) {
  return db.outbox
    .where('[modelType+recordId]')
    .between([modelType, Dexie.minKey], [modelType, Dexie.maxKey]);
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
