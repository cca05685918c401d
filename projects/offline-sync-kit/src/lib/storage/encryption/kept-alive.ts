import { DBCoreTable, DBCoreTransaction } from 'dexie';

/** A key no row has: reading it costs IndexedDB almost nothing. */
const NO_SUCH_KEY = -Infinity;

/**
 * Waits for `work` (WebCrypto, which IndexedDB knows nothing of) without letting the transaction
 * commit. IndexedDB commits a transaction as soon as no request is pending, and accepts new
 * requests only while one of its events is being handled; so a cheap read is kept pending until
 * `work` settles, and the caller continues from that read's success, where the transaction is
 * active again. This is what `Dexie.waitFor()` does, at the level of one DBCore table.
 *
 * @example
 * const sealed = await keptAlive(down, req.trans, Promise.all(values.map(seal)));
 * return down.mutate({ ...req, values: sealed });
 */
export async function keptAlive<T>(
  table: DBCoreTable,
  trans: DBCoreTransaction,
  work: Promise<T>
): Promise<T> {
  let settled = false;
  const finished = work.finally(() => {
    settled = true;
  });
  const spin = async () => {
    while (!settled) await table.get({ trans, key: NO_SUCH_KEY });
  };
  const [result] = await Promise.all([finished, spin()]);
  return result;
}
