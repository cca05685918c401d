import { coalesce, CoalesceStep, OutboxChange } from '../core/outbox-coalescing';
import { SerializedRecord } from '../model/mutation';
import { OfflineSyncError } from '../model/sync-error';
import { SyncMeta } from '../model/sync-meta';
import { recordKey } from '../core/record-key';
import { readHeld, recordRow, stateFromEntries } from './stored-change';
import { StoredMutation, StoredRecord, SyncDatabase } from './sync-database';
import { StoredConflict } from './stored-conflict';
import { EntityStorageSpec, LocalWrite, WriteOutcome } from './local-write';

/** What `applyLocalWrites` needs from outside: the time, fresh ids, and each type's spec. */
export interface LocalWriteContext {
  readonly now: number;
  readonly newMutationId: () => string;
  readonly specFor: (modelType: string) => EntityStorageSpec;
  /**
   * Whether a `queued` entry is being sent all the same (a push under a used-up storage quota,
   * which cannot mark it `sending`): nothing folds into it, as into a `sending` one.
   */
  readonly beingSent?: (seq: number) => boolean;
}

/**
 * Applies local writes to records and outbox. Must run inside one `rw` transaction over
 * `records`, `outbox` and `conflicts` (the caller opens it), so a record and its outbox entry commit together
 * or not at all; any throw aborts every write of the transaction.
 *
 * Reads every row the group needs at once, applies the writes in order in memory (later writes
 * to a record see the earlier ones), then stores the result with one bulk request per table:
 * a few IndexedDB round trips per group instead of four per write.
 *
 * @example
 * await db.transaction('rw', [db.records, db.outbox, db.conflicts], () => applyLocalWrites(db, writes, context));
 */
export async function applyLocalWrites(
  db: SyncDatabase,
  writes: readonly LocalWrite[],
  context: LocalWriteContext
): Promise<LocalWritesApplied> {
  const group = await readGroup(db, writes);
  const outcomes = writes.map((write) => applyOne(group, write, context));
  await storeGroup(db, group);
  return { outcomes, queuedDelta: group.inserts.length - group.dropped.size };
}

/**
 * The outcome of each write (in order), and by how many the queued outbox entries grew (new
 * entries minus stored ones dropped), so a count taken before in the same transaction gives the
 * count after without another request.
 *
 * @example
 * const [before, { outcomes, queuedDelta }] = await Promise.all([countPending(db), applyLocalWrites(db, writes, context)]);
 */
export interface LocalWritesApplied {
  readonly outcomes: WriteOutcome[];
  readonly queuedDelta: number;
}

/** What a group of writes works on: the rows it read, then changed in memory. */
interface GroupState {
  readonly records: Map<string, StoredRecord | undefined>;
  readonly entries: Map<string, StoredMutation[]>;
  /** Records with an outbox entry that cannot be read: nothing folds into their entries. */
  readonly unreadable: Set<string>;
  readonly conflicts: Map<string, StoredConflict | undefined>;
  /** Records whose row changed (put, or deleted when gone), to store at the end. */
  readonly touched: Map<string, [string, string]>;
  readonly conflictsTouched: Set<string>;
  /** New outbox entries, in the order their writes came: their `seq` keeps FIFO order. */
  readonly inserts: StoredMutation[];
  /** Outbox entries already stored (with a `seq`) that were replaced or dropped. */
  readonly replaced: Map<number, StoredMutation>;
  readonly dropped: Set<number>;
}

async function readGroup(db: SyncDatabase, writes: readonly LocalWrite[]): Promise<GroupState> {
  const keys = [
    ...new Map(
      writes.map((w) => [keyOf(w), [w.modelType, w.recordId] as [string, string]])
    ).values(),
  ];
  const { rows, entries: entryLists, unreadable, conflicts } = await readHeld(db, keys, true);
  const ids = keys.map(([modelType, id]) => recordKey(modelType, id));
  return {
    records: new Map(ids.map((id, i) => [id, rows[i]])),
    entries: new Map(ids.map((id, i) => [id, entryLists[i] ?? []])),
    unreadable: new Set(ids.filter((_, i) => unreadable[i])),
    conflicts: new Map(ids.map((id, i) => [id, conflicts[i]])),
    touched: new Map(),
    conflictsTouched: new Set(),
    inserts: [],
    replaced: new Map(),
    dropped: new Set(),
  };
}

async function storeGroup(db: SyncDatabase, group: GroupState): Promise<void> {
  const puts: StoredRecord[] = [];
  const deletes: [string, string][] = [];
  for (const [id, key] of group.touched) {
    const row = group.records.get(id);
    if (row) puts.push(row);
    else deletes.push(key);
  }
  const conflicts = [...group.conflictsTouched]
    .map((id) => group.conflicts.get(id))
    .filter((row): row is StoredConflict => row !== undefined);
  await Promise.all([
    deletes.length > 0 ? db.records.bulkDelete(deletes) : undefined,
    puts.length > 0 ? db.records.bulkPut(puts) : undefined,
    conflicts.length > 0 ? db.conflicts.bulkPut(conflicts) : undefined,
    group.dropped.size > 0 ? db.outbox.bulkDelete([...group.dropped]) : undefined,
    group.replaced.size > 0 ? db.outbox.bulkPut([...group.replaced.values()]) : undefined,
    group.inserts.length > 0 ? db.outbox.bulkAdd(group.inserts) : undefined,
  ]);
}

function applyOne(group: GroupState, write: LocalWrite, context: LocalWriteContext): WriteOutcome {
  const spec = context.specFor(write.modelType);
  const id = keyOf(write);
  const existing = group.records.get(id);
  const after = nextData(write, existing, spec);
  if (write.kind === 'remove' && !existing) {
    return { ...target(write), change: 'unchanged', record: null, meta: null };
  }
  // Also a record deleted, then saved again, while its conflict is open.
  const open = group.conflicts.get(id);
  if (open) return editInConflict(group, write, existing, after, open, context);

  // The newest entry takes the change if still queued, and the list gives the state. With an
  // entry that cannot be read, the newest readable one may not be the newest: a new entry then
  // goes after them all, keeping the record's changes in order.
  const entries = group.entries.get(id) ?? [];
  const newest = entries[entries.length - 1];
  const sent = newest?.seq !== undefined && context.beingSent?.(newest.seq) === true;
  const foldable = newest?.status === 'queued' && !sent && !group.unreadable.has(id);
  const queued = foldable ? newest : undefined;
  const step = coalesce(queued, {
    modelType: write.modelType,
    recordId: write.recordId,
    op: write.kind === 'remove' ? 'delete' : existing ? 'update' : 'create',
    after,
    before: existing?.data ?? null,
    baseVersion: existing?.meta.version ?? null,
    mutationId: context.newMutationId(),
    createdAt: context.now,
    priority: spec.priority,
  } satisfies OutboxChange);
  const entriesNow = entriesAfter(entries, step);
  group.entries.set(id, entriesNow);
  noteOutboxStep(group, step, queued);

  group.touched.set(id, [write.modelType, write.recordId]);
  if (after === null) {
    group.records.set(id, undefined);
    return { ...target(write), change: 'removed', record: null, meta: null };
  }
  const meta: SyncMeta = {
    state: stateFromEntries(entriesNow, existing?.meta.state),
    version: existing?.meta.version ?? null,
    lastError: existing?.meta.lastError ?? null,
    attempts: existing?.meta.attempts ?? 0,
    localUpdatedAt: context.now,
  };
  group.records.set(id, recordRow(spec, [write.modelType, write.recordId], after, meta));
  return { ...target(write), change: existing ? 'updated' : 'created', record: after, meta };
}

/** Records what a coalescing step does to the outbox: stored entries by `seq`, new ones in order. */
function noteOutboxStep(group: GroupState, step: CoalesceStep, queued: StoredMutation | undefined) {
  const seq = queued?.seq;
  const pending = queued && seq === undefined ? group.inserts.indexOf(queued) : -1;
  if (step.kind === 'insert') group.inserts.push(step.mutation);
  else if (step.kind === 'replace' && seq !== undefined) group.replaced.set(seq, step.mutation);
  else if (step.kind === 'replace' && pending >= 0) group.inserts[pending] = step.mutation;
  else if (step.kind === 'drop' && seq !== undefined) {
    group.replaced.delete(seq);
    group.dropped.add(seq);
  } else if (step.kind === 'drop' && pending >= 0) group.inserts.splice(pending, 1);
}

/**
 * A record whose conflict waits for the app (or its resolver) takes local edits into the record
 * and the conflict's local side, and queues nothing: what is pushed is decided on resolution.
 */
function editInConflict(
  group: GroupState,
  write: LocalWrite,
  existing: StoredRecord | undefined,
  after: SerializedRecord | null,
  open: StoredConflict,
  context: LocalWriteContext
): WriteOutcome {
  const id = keyOf(write);
  const localUpdatedAt = context.now;
  const conflictRevision = open.revision + 1;
  group.conflicts.set(id, { ...open, local: after, localUpdatedAt, revision: conflictRevision });
  group.conflictsTouched.add(id);
  group.touched.set(id, [write.modelType, write.recordId]);
  if (after === null) {
    group.records.set(id, undefined);
    return { ...target(write), change: 'removed', record: null, meta: null, conflictRevision };
  }
  const meta: SyncMeta = {
    ...(existing?.meta ?? { version: null, lastError: null, attempts: 0 }),
    state: 'conflict',
    localUpdatedAt,
  };
  const spec = context.specFor(write.modelType);
  group.records.set(id, recordRow(spec, [write.modelType, write.recordId], after, meta));
  const change = existing ? 'updated' : 'created';
  return { ...target(write), change, record: after, meta, conflictRevision };
}

function keyOf(write: LocalWrite): string {
  return recordKey(write.modelType, write.recordId);
}

function nextData(
  write: LocalWrite,
  existing: StoredRecord | undefined,
  spec: EntityStorageSpec
): SerializedRecord | null {
  switch (write.kind) {
    case 'remove':
      return null;
    case 'save':
      return spec.serialize(write.record as never);
    case 'update': {
      if (!existing) {
        throw new OfflineSyncError(
          'not-found',
          `Cannot update ${write.modelType} "${write.recordId}": no such record is stored on this ` +
            `device. Save the whole record with saveModel() instead.`,
          { modelType: write.modelType, recordId: write.recordId }
        );
      }
      const current = spec.deserialize(existing.data) as Record<string, unknown>;
      return spec.serialize({ ...current, ...write.changes } as never);
    }
  }
}

/** The record's outbox entries once a coalescing step is applied (for its sync state). */
function entriesAfter(entries: readonly StoredMutation[], step: CoalesceStep): StoredMutation[] {
  switch (step.kind) {
    case 'insert':
      return [...entries, step.mutation];
    case 'replace':
      return [...entries.slice(0, -1), step.mutation];
    case 'drop':
      return entries.slice(0, -1);
    default:
      return [...entries];
  }
}

function target(write: LocalWrite) {
  return { writeId: write.writeId, modelType: write.modelType, recordId: write.recordId };
}
