import { recordKey } from '../core/record-key';
import { StoredMutation, SyncDatabase } from './sync-database';

/** Outbox entries read per query while looking for the next batch (at least). */
const MIN_READ_CHUNK = 50;

/**
 * Picks the next outbox entries to push and marks them `sending`, in one `rw` transaction over
 * `outbox` (the caller opens it); which entries, see {@link selectPushBatch}.
 *
 * @example
 * const batch = await db.transaction('rw', db.outbox, () => takePushBatch(db, 50));
 */
export async function takePushBatch(
  db: SyncDatabase,
  limit: number,
  modelTypes?: readonly string[],
  topPriority?: number,
  queuedOnly = false
): Promise<StoredMutation[]> {
  const batch = await selectPushBatch(db, limit, modelTypes, topPriority, queuedOnly);
  const marked = batch.map((entry): StoredMutation => ({ ...entry, status: 'sending' }));
  await db.outbox.bulkPut(marked.filter((entry, i) => batch[i]?.status !== 'sending'));
  return marked;
}

/**
 * The next outbox entries to push, as stored. Order: higher priority first, then oldest first,
 * which keeps FIFO per record (all entries of a record share its type's priority), and at most
 * one entry per record. A record whose oldest entry is a dead letter (`failed`) sends nothing more
 * until the app retries or discards it.
 * Entries left `sending` by a push that never finished (a closed tab) are picked again and sent
 * unchanged: their idempotency key makes that safe. `queuedOnly` (a batch taken ahead while
 * another is in flight): entries already `sending` are left for a later take and still hold back
 * their records' later entries; all it takes was `queued`, so a batch never sent can be put back
 * (`SyncStorage.releasePushBatch`).
 *
 * @example
 * const batch = await db.transaction('r', db.outbox, () => selectPushBatch(db, 50));
 */
export async function selectPushBatch(
  db: SyncDatabase,
  limit: number,
  modelTypes?: readonly string[],
  topPriority?: number,
  queuedOnly = false
): Promise<StoredMutation[]> {
  const readChunk = Math.max(limit, MIN_READ_CHUNK);
  const blocked = new Set<string>();
  const candidates: StoredMutation[] = [];
  let topCandidates = 0;
  // Once `limit` entries of the highest priority any type has are found, no later entry can
  // make the batch: stop reading, so a large outbox is not read whole for every batch.
  const full = () => topPriority !== undefined && topCandidates >= limit;
  // Read in chunks rather than with a cursor: an encrypted outbox is decrypted per chunk, which a
  // cursor (handing out values synchronously) does not allow.
  // Keys first: an entry that fails to decrypt is read as absent and must not end the reading.
  let after = -Infinity;
  while (!full()) {
    const seqs = await db.outbox.where('seq').above(after).limit(readChunk).primaryKeys();
    const chunk = await db.outbox.bulkGet(seqs);
    after = seqs[seqs.length - 1] ?? after;
    const unreadable = seqs.filter((_, i) => chunk[i] === undefined);
    // An entry that cannot be decrypted (reported as corrupt) still holds back its record's
    // later changes: sending them without it would apply them out of order.
    for (const key of await recordsOf(db, unreadable)) blocked.add(key);
    for (const entry of chunk) {
      if (full()) break;
      if (!entry) continue;
      const key = recordKey(entry.modelType, entry.recordId);
      const wanted = !modelTypes || modelTypes.includes(entry.modelType);
      const sendable = queuedOnly ? entry.status === 'queued' : entry.status !== 'failed';
      if (sendable && !blocked.has(key) && wanted) {
        candidates.push(entry);
        if (topPriority !== undefined && entry.priority >= topPriority) topCandidates++;
      }
      // One entry per record per batch: the next one must wait for this one's answer, which
      // rebases it on the version the server gives (or it would be sent on a stale version).
      blocked.add(key);
    }
    if (seqs.length < readChunk) break;
  }
  // A stable sort keeps seq order within one priority.
  return candidates.sort((a, b) => b.priority - a.priority).slice(0, limit);
}

/** The records (as `recordKey`s) of outbox entries, from the clear `[modelType+recordId]` index. */
async function recordsOf(db: SyncDatabase, seqs: readonly number[]): Promise<string[]> {
  if (seqs.length === 0) return [];
  const wanted = new Set(seqs);
  const keys: string[] = [];
  await db.outbox.orderBy('[modelType+recordId]').eachKey((key, cursor) => {
    const [modelType, recordId] = key as [string, string];
    if (wanted.has(cursor.primaryKey as number)) keys.push(recordKey(modelType, recordId));
  });
  return keys;
}
