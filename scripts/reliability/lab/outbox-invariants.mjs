// @ts-check
// The outbox and the records must agree after any crash: a record changed locally and not yet
// acknowledged has its entry, and an entry's record is stored (or, for a delete, gone).

/**
 * Checks a database read with plain IndexedDB (lab `raw()`); answers the entries whose record is
 * not in the state they need, and the pending records without an entry, each as a message.
 *
 * @param {import('./raw-database.ts').RawDatabase} raw
 * @example
 * const { orphanEntries, recordsWithoutEntry } = checkOutbox(await tab.raw('crash-7'));
 */
export function checkOutbox({ records, outbox }) {
  const key = (/** @type {string} */ type, /** @type {string} */ id) => `${type}/${id}`;
  const rows = new Map(records.map((row) => [key(row.modelType, row.id), row]));
  /** The last entry of each record, in outbox order: it decides whether the row must exist. */
  const lastEntry = new Map();
  for (const entry of [...outbox].sort((a, b) => a.seq - b.seq)) {
    lastEntry.set(key(entry.modelType, entry.recordId), entry);
  }
  /** @type {string[]} */
  const orphanEntries = [];
  for (const [at, entry] of lastEntry) {
    const row = rows.get(at);
    if (entry.op === 'delete' && row) {
      orphanEntries.push(
        `outbox: ${at} has a delete entry (seq ${entry.seq}) but its row is stored`
      );
    }
    if (entry.op !== 'delete' && !row) {
      orphanEntries.push(`outbox: ${at} has a ${entry.op} entry (seq ${entry.seq}) but no row`);
    }
    if (row && row.meta.state === 'synced') {
      orphanEntries.push(`outbox: ${at} has a ${entry.op} entry but its row says synced`);
    }
  }
  /** @type {string[]} */
  const recordsWithoutEntry = [];
  for (const [at, row] of rows) {
    if (row.meta.state !== 'synced' && !lastEntry.has(at)) {
      recordsWithoutEntry.push(`outbox: ${at} is ${row.meta.state} but has no entry`);
    }
  }
  return { orphanEntries, recordsWithoutEntry };
}
