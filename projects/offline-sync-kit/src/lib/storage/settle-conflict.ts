import { coalesce } from '../core/outbox-coalescing';
import { SerializedRecord } from '../model/mutation';
import { ServerChange } from '../model/server-change';
import { SyncMeta } from '../model/sync-meta';
import { ServerApplyContext } from './server-apply-context';
import { deleteEntriesOf, putRecord, StoredChange } from './stored-change';
import { liveData } from './stored-conflict';
import { SyncDatabase } from './sync-database';

/**
 * Makes a conflict's outcome the record's state, inside the caller's `rw` transaction over
 * `records`, `outbox` and `conflicts`: the record's outbox entries and open conflict go, the
 * record becomes `result` (`null`: deleted) on the server's version, and whatever `result` still
 * differs from the server by is queued as one new entry based on that version, so the outcome
 * reaches the server and every other device. Fields the server owns come from the server.
 * `stampedAt` is when the kept version was made, for later `lastUpdateWins` decisions (default
 * now: a merge or a decision is a new edit); a kept local version keeps its own time.
 *
 * @example
 * await settleConflict(db, ['todo', 't1'], serverChange, mergedRecord, context);
 */
export async function settleConflict(
  db: SyncDatabase,
  key: [string, string],
  server: ServerChange | null,
  result: SerializedRecord | null,
  context: ServerApplyContext,
  stampedAt: number | null = null
): Promise<StoredChange> {
  const [modelType, id] = key;
  const spec = context.specFor(modelType);
  await deleteEntriesOf(db, key);
  await db.conflicts.delete(key);
  const serverData = liveData(server);
  const version = server?.version ?? null;
  const record =
    result && serverData ? withServerFields(result, serverData, context, modelType) : result;

  const step =
    record === null && serverData === null
      ? null
      : coalesce(undefined, {
          modelType,
          recordId: id,
          op: record === null ? 'delete' : serverData === null ? 'create' : 'update',
          after: record,
          before: serverData,
          // A record the server deleted comes back as a create, which takes no base version.
          baseVersion: serverData === null ? null : version,
          mutationId: context.newMutationId(),
          createdAt: context.now,
          priority: spec.priority,
        });
  if (step?.kind === 'insert') await db.outbox.add(step.mutation);

  if (record === null) {
    await db.records.delete(key);
    return { modelType, id, data: null, meta: null };
  }
  const meta: SyncMeta = {
    state: step?.kind === 'insert' ? 'pending' : 'synced',
    version,
    lastError: null,
    attempts: 0,
    localUpdatedAt: stampedAt ?? context.now,
  };
  return putRecord(db, spec, key, record, meta);
}

function withServerFields(
  record: SerializedRecord,
  server: SerializedRecord,
  context: ServerApplyContext,
  modelType: string
): SerializedRecord {
  const owned = context.conflictPolicyFor(modelType).serverFields.filter((f) => f in server);
  return owned.length === 0
    ? record
    : { ...record, ...Object.fromEntries(owned.map((field) => [field, server[field]])) };
}
