import { DBCoreTable, DBCoreTransaction } from 'dexie';

/** A key no row has: reading it costs IndexedDB almost nothing. */
const NO_SUCH_KEY = -Infinity;

/** One keep-alive loop per transaction, however many waits share it. */
interface Spinner {
  /** Waits whose work is done, to be resumed from the next read's success. */
  readonly ready: (() => void)[];
  waiting: number;
  running: boolean;
  /** The transaction ended: nothing can keep it alive any more. */
  ended: boolean;
}

const spinners = new WeakMap<DBCoreTransaction, Spinner>();

/**
 * Waits for `work` (WebCrypto, which IndexedDB knows nothing of) without letting the transaction
 * commit. IndexedDB commits a transaction as soon as no request is pending, and accepts new
 * requests only while one of its events is being handled (promise callbacks run in that event's
 * microtask checkpoint); so a cheap read is kept pending until `work` settles, and the caller
 * continues from a read's success, where the transaction is active again. This is what
 * `Dexie.waitFor()` does, at the level of one DBCore table; waits in one transaction share one
 * loop of reads.
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
  let spinner = spinners.get(trans);
  if (!spinner) {
    spinner = { ready: [], waiting: 0, running: false, ended: false };
    spinners.set(trans, spinner);
  }
  const own = spinner;
  own.waiting++;
  if (!own.running && !own.ended) void spin(table, trans, own);
  try {
    return await work;
  } finally {
    // Resume from the loop's next read success, where the transaction accepts requests again.
    if (own.ended) own.waiting--;
    else await new Promise<void>((resume) => own.ready.push(resume));
  }
}

async function spin(table: DBCoreTable, trans: DBCoreTransaction, spinner: Spinner): Promise<void> {
  spinner.running = true;
  try {
    while (spinner.waiting > 0) {
      await table.get({ trans, key: NO_SUCH_KEY });
      const resumed = spinner.ready.splice(0);
      spinner.waiting -= resumed.length;
      resumed.forEach((resume) => resume());
    }
  } catch {
    // The transaction ended (aborted): let every wait go on; its next request fails with the cause.
    spinner.ended = true;
    const resumed = spinner.ready.splice(0);
    spinner.waiting -= resumed.length;
    resumed.forEach((resume) => resume());
  } finally {
    spinner.running = false;
  }
}
