import { ENCRYPTION_META_KEY, StoredEncryption } from '../lib/storage/encryption/key-ring';
import { Row } from '../lib/storage/encryption/sealed-row';
import { rawDatabase } from './test-database';

/**
 * Every row of every table as stored, binary included (as Latin-1 text), read without the kit:
 * what someone reading the device's disk would find. For asserting that no plaintext is there.
 */
export async function rawText(databaseName: string): Promise<string> {
  const db = await rawDatabase(databaseName);
  try {
    const tables = await Promise.all(db.tables.map((table) => table.toArray()));
    return JSON.stringify(tables, (_key, value: unknown) =>
      value instanceof ArrayBuffer || value instanceof Uint8Array
        ? String.fromCharCode(...new Uint8Array(value))
        : value
    );
  } finally {
    db.close();
  }
}

/** The rows of one table as stored (sealed ones still sealed). */
export async function rawRows(
  databaseName: string,
  table: 'records' | 'outbox' | 'conflicts'
): Promise<Row[]> {
  const db = await rawDatabase(databaseName);
  try {
    return (await db.table(table).toArray()) as Row[];
  } finally {
    db.close();
  }
}

/** The stored encryption state (`meta` entry `encryption`), if any. */
export async function storedEncryption(
  databaseName: string
): Promise<StoredEncryption | undefined> {
  const db = await rawDatabase(databaseName);
  try {
    return (await db.meta.get(ENCRYPTION_META_KEY))?.value as StoredEncryption | undefined;
  } finally {
    db.close();
  }
}
