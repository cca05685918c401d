/**
 * The kit's database as IndexedDB holds it, read without Dexie or the kit: what a crash left
 * behind is judged by the browser's own store, not by the code under test.
 */

/** A `records` row (unencrypted). */
export interface RawRecord {
  readonly modelType: string;
  readonly id: string;
  readonly data: Record<string, unknown>;
  readonly meta: { readonly state: string; readonly version: number | null };
}

/** An `outbox` row. */
export interface RawEntry {
  readonly seq: number;
  readonly modelType: string;
  readonly recordId: string;
  readonly op: 'create' | 'update' | 'delete';
  readonly status: string;
}

/** Both tables, each in key order. */
export interface RawDatabase {
  readonly records: RawRecord[];
  readonly outbox: RawEntry[];
}

/**
 * Reads the `records` and `outbox` tables of `name` in one read-only transaction.
 *
 * @example
 * const { records, outbox } = await readDatabase('lab-crash');
 */
export async function readDatabase(name: string): Promise<RawDatabase> {
  const db = await request(indexedDB.open(name));
  try {
    const tx = db.transaction(['records', 'outbox'], 'readonly');
    const [records, outbox] = await Promise.all([
      request(tx.objectStore('records').getAll()),
      request(tx.objectStore('outbox').getAll()),
    ]);
    return { records: records as RawRecord[], outbox: outbox as RawEntry[] };
  } finally {
    db.close();
  }
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
