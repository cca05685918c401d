import { SyncDatabase } from '../sync-database';
import { boundTo } from '../bound-tables';
import { ENCRYPTION_META_KEY, KeyRing, RewriteProgress, StoredEncryption } from './key-ring';
import { readStoredEncryption } from './stored-encryption';
import { SealedTableName } from './sealed-row';

/** Rows re-encrypted per transaction: small enough that the app's own writes are not held up. */
const REWRITE_CHUNK = 250;

/** The sealed tables in the order a rewrite goes through them. */
export const REWRITE_ORDER: readonly SealedTableName[] = ['records', 'outbox', 'conflicts'];

/**
 * Where every rewrite starts.
 *
 * @example
 * await save({ ...stored, target: null, rewrite: REWRITE_START });
 */
export const REWRITE_START: RewriteProgress = { table: 'records', after: null };

/**
 * Re-encrypts the next `chunk` rows of a rewrite with the ring's current setting and stores the
 * new progress, in one `rw` transaction over the table and `meta` (the caller opens it): a reload
 * at any point leaves each row whole under either the old or the new key, and the rewrite resumes
 * after the last chunk that committed. Rows read through the encryption middleware come back
 * decrypted and are sealed again on the way in; a row that cannot be decrypted is left as it is
 * (and reported by the middleware). Returns the stored state after the chunk; `rewrite: null`
 * once every table is done, with the keys no value uses any more dropped. Returns `null`, writing
 * nothing, when the stored state is no longer `expected` (another tab changed it).
 *
 * @example
 * let state = stored;
 * while (state?.rewrite) state = await db.transaction('rw', [state.rewrite.table, 'meta'], (tx) => rewriteChunk(boundTo(db, tx), state, 200));
 */
export async function rewriteChunk(
  db: SyncDatabase,
  expected: StoredEncryption,
  chunk: number
): Promise<StoredEncryption | null> {
  const current = await readStoredEncryption(db);
  const progress = expected.rewrite;
  if (!progress || current.generation !== expected.generation) return null;
  const table = db.table(progress.table);
  const range =
    progress.after === null ? table.orderBy(':id') : table.where(':id').above(progress.after);
  const keys = await range.limit(chunk).primaryKeys();
  const rows = await table.bulkGet(keys);
  const readable = rows.filter((row) => row !== undefined);
  if (readable.length > 0) await table.bulkPut(readable);
  const next =
    keys.length < chunk ? nextTable(progress.table) : { ...progress, after: keys[keys.length - 1] };
  const after: StoredEncryption = {
    keys: next ? expected.keys : expected.keys.filter((check) => check.kid === expected.target),
    target: expected.target,
    rewrite: next,
    generation: expected.generation + 1,
  };
  await db.meta.put({ key: ENCRYPTION_META_KEY, value: after });
  return after;
}

/**
 * Runs the ring's pending rewrite to its end, chunk by chunk (see {@link rewriteChunk}), keeping
 * the ring on the stored state; `onChunk` hears where it stands after each committed chunk.
 * Throws the locked error if a key it needs is gone (another tab changed the key meanwhile).
 *
 * @example
 * await rewriteAll(db, ring, (progress) => console.log(progress?.table));
 */
export async function rewriteAll(
  db: SyncDatabase,
  ring: KeyRing,
  onChunk: (progress: RewriteProgress | null) => void
): Promise<void> {
  while (ring.stored.rewrite) {
    const expected = ring.stored;
    const table = expected.rewrite?.table ?? 'records';
    const after = await db.transaction('rw', [table, 'meta'], (tx) =>
      rewriteChunk(boundTo(db, tx), expected, REWRITE_CHUNK)
    );
    // `null`: another tab changed the state; carry on from what is stored now.
    ring.setStored(after ?? (await readStoredEncryption(db)));
    if (ring.locked) throw ring.lockedError();
    onChunk(ring.stored.rewrite);
  }
}

function nextTable(table: SealedTableName): RewriteProgress | null {
  const next = REWRITE_ORDER[REWRITE_ORDER.indexOf(table) + 1];
  return next ? { table: next, after: null } : null;
}
