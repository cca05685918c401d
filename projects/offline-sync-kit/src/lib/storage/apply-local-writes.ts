import { coalesce, CoalesceStep, OutboxChange } from '../core/outbox-coalescing';
import { SerializedRecord } from '../model/mutation';
import { OfflineSyncError } from '../model/sync-error';
import { SyncMeta } from '../model/sync-meta';
import { entriesFor, putRecord, stateFromEntries } from './stored-change';
import { StoredMutation, StoredRecord, SyncDatabase } from './sync-database';
import { StoredConflict } from './stored-conflict';
import { EntityStorageSpec, LocalWrite, WriteOutcome } from './local-write';

/** What `applyLocalWrites` needs from outside: the time, fresh ids, and each type's spec. */
export interface LocalWriteContext {
  readonly now: number;
  readonly newMutationId: () => string;
  readonly specFor: (modelType: string) => EntityStorageSpec;
}

/**
 * Applies local writes to records and outbox. Must run inside one `rw` transaction over
 * `records`, `outbox` and `conflicts` (the caller opens it), so a record and its outbox entry commit together
 * or not at all; any throw aborts every write of the transaction.
 *
 * @example
 * await db.transaction('rw', [db.records, db.outbox, db.conflicts], () => applyLocalWrites(db, writes, context));
 */
export async function applyLocalWrites(
  db: SyncDatabase,
  writes: readonly LocalWrite[],
  context: LocalWriteContext
): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = [];
  // Counted once per group: most groups meet no open conflict, and then need no lookup per write.
  const anyOpen = (await db.conflicts.count()) > 0;
  // Sequential on purpose: later writes to the same record must see the earlier ones.
  for (const write of writes) outcomes.push(await applyOne(db, write, context, anyOpen));
  return outcomes;
}

async function applyOne(
  db: SyncDatabase,
  write: LocalWrite,
  context: LocalWriteContext,
  anyOpen: boolean
): Promise<WriteOutcome> {
  const spec = context.specFor(write.modelType);
  const key: [string, string] = [write.modelType, write.recordId];
  const existing = await db.records.get(key);
  const after = nextData(write, existing, spec);
  if (write.kind === 'remove' && !existing) {
    return { ...target(write), change: 'unchanged', record: null, meta: null };
  }
  // Also a record deleted, then saved again, while its conflict is open.
  const open = anyOpen ? await db.conflicts.get(key) : undefined;
  if (open) return editInConflict(db, write, existing, after, open, context);

  // Read once: the newest entry takes the change if still queued, and the list gives the state.
  const entries = await entriesFor(db, key);
  const newest = entries[entries.length - 1];
  const queued = newest?.status === 'queued' ? newest : undefined;
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
  if (step.kind === 'insert') await db.outbox.add(step.mutation);
  // The queued entry is in hand: replace or drop it by its `seq`, one request each.
  if (step.kind === 'replace') await db.outbox.put(step.mutation);
  if (step.kind === 'drop' && queued) await db.outbox.delete(queued.seq as number);

  if (after === null) {
    await db.records.delete(key);
    return { ...target(write), change: 'removed', record: null, meta: null };
  }
  const entriesNow = entriesAfter(entries, step);
  const meta: SyncMeta = {
    state: stateFromEntries(entriesNow, existing?.meta.state),
    version: existing?.meta.version ?? null,
    lastError: existing?.meta.lastError ?? null,
    attempts: existing?.meta.attempts ?? 0,
    localUpdatedAt: context.now,
  };
  await putRecord(db, spec, key, after, meta);
  return { ...target(write), change: existing ? 'updated' : 'created', record: after, meta };
}

/**
 * A record whose conflict waits for the app (or its resolver) takes local edits into the record
 * and the conflict's local side, and queues nothing: what is pushed is decided on resolution.
 */
async function editInConflict(
  db: SyncDatabase,
  write: LocalWrite,
  existing: StoredRecord | undefined,
  after: SerializedRecord | null,
  open: StoredConflict,
  context: LocalWriteContext
): Promise<WriteOutcome> {
  const key: [string, string] = [write.modelType, write.recordId];
  const localUpdatedAt = context.now;
  await db.conflicts.put({ ...open, local: after, localUpdatedAt, revision: open.revision + 1 });
  if (after === null) {
    await db.records.delete(key);
    return { ...target(write), change: 'removed', record: null, meta: null };
  }
  const meta: SyncMeta = {
    ...(existing?.meta ?? { version: null, lastError: null, attempts: 0 }),
    state: 'conflict',
    localUpdatedAt,
  };
  await putRecord(db, context.specFor(write.modelType), key, after, meta);
  return { ...target(write), change: existing ? 'updated' : 'created', record: after, meta };
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
