import { SyncDatabase } from '../sync-database';
import { boundTo } from '../bound-tables';
import { ENCRYPTION_META_KEY, NO_ENCRYPTION, StoredEncryption } from './key-ring';

/**
 * The database's encryption state (the `meta` entry `encryption`); {@link NO_ENCRYPTION} when it
 * never had any. Works inside a transaction (pass the bound database) or outside.
 *
 * @example
 * const stored = await readStoredEncryption(db);
 */
export async function readStoredEncryption(db: SyncDatabase): Promise<StoredEncryption> {
  const entry = await db.meta.get(ENCRYPTION_META_KEY);
  const stored = entry?.value as StoredEncryption | undefined;
  // A state written without a generation counts as generation 0, so compare-and-set still works
  // (`undefined + 1` would never match again, and every change would be refused for good).
  return stored ? { ...stored, generation: stored.generation ?? 0 } : NO_ENCRYPTION;
}

/**
 * Stores `change` as the next generation of the encryption state, in one `rw` transaction over
 * `meta`, if the stored state is still generation `known`; returns what was stored, or `null`
 * (nothing written) when another tab changed it first.
 *
 * @example
 * const saved = await compareAndSetEncryption(db, ring.stored.generation, { ...ring.stored, target: null });
 */
export function compareAndSetEncryption(
  db: SyncDatabase,
  known: number,
  change: Omit<StoredEncryption, 'generation'>
): Promise<StoredEncryption | null> {
  return db.transaction('rw', ['meta'], async (tx) => {
    const bound = boundTo(db, tx);
    if ((await readStoredEncryption(bound)).generation !== known) return null;
    const next: StoredEncryption = { ...change, generation: known + 1 };
    await bound.meta.put({ key: ENCRYPTION_META_KEY, value: next });
    return next;
  });
}
