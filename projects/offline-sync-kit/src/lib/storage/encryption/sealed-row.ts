import { CorruptValueError } from '../../model/encryption-errors';
import { OfflineSyncError } from '../../model/sync-error';
import { isSealedBytes, openBytes, sealBytes } from './aes-gcm';
import { decodeValue, encodeValue } from './value-codec';

/** The tables whose rows hold user data and are encrypted. `meta` (cursors, key checks) is not. */
export type SealedTableName = 'records' | 'outbox' | 'conflicts';

/**
 * Per table: the fields kept in the clear (the primary key and the indexed fields, so queries
 * keep working) and those among them bound to the ciphertext as additional authenticated data,
 * so a value moved to another row, or a row whose clear fields were edited, fails to decrypt.
 * The outbox's `seq` cannot be bound: IndexedDB assigns it after the value is sealed.
 */
interface SealedTableSpec {
  readonly clear: readonly string[];
  readonly bound: readonly string[];
  /** The record a row concerns, for error messages. */
  readonly recordOf: (row: Row) => { modelType?: string; recordId?: string };
}

/** A stored row as the middleware sees it. */
export type Row = Record<string, unknown>;

/**
 * The field of a sealed row holding the encrypted rest of the row.
 *
 * @example
 * const encrypted = SEALED_FIELD in rawRow;
 */
export const SEALED_FIELD = 'sealed';

const byId = (row: Row) => ({ modelType: str(row['modelType']), recordId: str(row['id']) });

/**
 * What is encrypted in each table; see docs/encryption.md.
 *
 * @example
 * SEALED_TABLES.records.clear; // ['modelType', 'id', 'idx']
 */
export const SEALED_TABLES: Readonly<Record<SealedTableName, SealedTableSpec>> = {
  records: { clear: ['modelType', 'id', 'idx'], bound: ['modelType', 'id', 'idx'], recordOf: byId },
  outbox: {
    clear: ['seq', 'mutationId', 'modelType', 'recordId', 'status'],
    bound: ['mutationId', 'modelType', 'recordId', 'status'],
    recordOf: (row) => ({ modelType: str(row['modelType']), recordId: str(row['recordId']) }),
  },
  conflicts: { clear: ['modelType', 'id'], bound: ['modelType', 'id'], recordOf: byId },
};

/**
 * Whether a table's rows are encrypted.
 *
 * @example
 * isSealedTable('meta'); // false
 */
export function isSealedTable(name: string): name is SealedTableName {
  return Object.hasOwn(SEALED_TABLES, name);
}

/**
 * A row with everything but its clear fields encrypted into {@link SEALED_FIELD}.
 *
 * @example
 * const stored = await sealRow('records', row, key, 'k1');
 */
export async function sealRow(
  table: SealedTableName,
  row: Row,
  key: CryptoKey,
  kid: string
): Promise<Row> {
  const { clear } = SEALED_TABLES[table];
  const kept: Row = {};
  const hidden: Row = {};
  for (const [field, value] of Object.entries(row)) {
    if (clear.includes(field)) kept[field] = value;
    else hidden[field] = value;
  }
  kept[SEALED_FIELD] = await sealBytes(
    key,
    kid,
    aadOf(table, row),
    encodeOrExplain(table, row, hidden)
  );
  return kept;
}

/**
 * Whether a stored row is sealed (rather than stored in the clear).
 *
 * @example
 * if (rows.some(isSealed)) await decryptAll(rows);
 */
export function isSealed(stored: unknown): boolean {
  return typeof stored === 'object' && stored !== null && SEALED_FIELD in stored;
}

/**
 * The error for a row that must not be read: stored in the clear where only sealed rows belong,
 * or sealed where it cannot be opened.
 *
 * @example
 * ring.reportCorrupt(corruptRow('outbox', row));
 */
export function corruptRow(
  table: SealedTableName,
  stored: Row,
  cause?: unknown
): CorruptValueError {
  const { modelType, recordId } = SEALED_TABLES[table].recordOf(stored);
  return new CorruptValueError(table, modelType, recordId, cause);
}

function encodeOrExplain(table: SealedTableName, row: Row, hidden: Row): Uint8Array {
  try {
    return encodeValue(hidden);
  } catch (cause) {
    const { modelType, recordId } = SEALED_TABLES[table].recordOf(row);
    const what = `${modelType ?? 'a'} ${recordId === undefined ? 'value' : `"${recordId}"`}`;
    throw new OfflineSyncError(
      'storage',
      `The ${what} (${table}) holds a value that cannot be stored encrypted ` +
        `(${cause instanceof Error ? cause.message : String(cause)}): only JSON data and dates can. ` +
        `Give the entity a \`serialize\` function that turns it into plain data; nothing was written.`,
      { modelType, recordId, cause }
    );
  }
}

/**
 * A stored row decrypted; a row stored in the clear is returned as it is. Rejects with a
 * {@link CorruptValueError} naming the record when the row does not authenticate or its key is
 * not known.
 *
 * @example
 * const row = await openRow('records', stored, (kid) => keys.get(kid));
 */
export async function openRow(
  table: SealedTableName,
  stored: Row,
  keyFor: (kid: string) => CryptoKey | undefined
): Promise<Row> {
  if (!(SEALED_FIELD in stored)) return stored;
  const sealed = stored[SEALED_FIELD];
  const key = isSealedBytes(sealed) ? keyFor(sealed.kid) : undefined;
  try {
    if (!isSealedBytes(sealed) || !key) throw new Error('Unknown key or malformed value');
    const hidden = decodeValue(await openBytes(key, aadOf(table, stored), sealed)) as Row;
    // Built without the sealed field rather than deleting it: an object that lost a property
    // turns into a slower dictionary-mode object in V8, and these rows end up in the store.
    const row: Row = {};
    for (const field of Object.keys(stored)) if (field !== SEALED_FIELD) row[field] = stored[field];
    return Object.assign(row, hidden);
  } catch (cause) {
    throw corruptRow(table, stored, cause);
  }
}

/**
 * The id of the key a stored row is encrypted with, `null` for a row stored in the clear.
 *
 * @example
 * if (sealedWith(raw) !== target) await rewrite(raw);
 */
export function sealedWith(stored: Row): string | null {
  const sealed = stored[SEALED_FIELD];
  return isSealedBytes(sealed) ? sealed.kid : null;
}

const encoder = new TextEncoder();

function aadOf(table: SealedTableName, row: Row): Uint8Array {
  const bound = SEALED_TABLES[table].bound.map((field) => row[field] ?? null);
  return encoder.encode(JSON.stringify([table, ...bound]));
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
