import {
  Dexie,
  DBCore,
  DBCoreGetManyRequest,
  DBCoreGetRequest,
  DBCoreMutateRequest,
  DBCoreQueryRequest,
  DBCoreTable,
  DBCoreTransaction,
  Middleware,
} from 'dexie';
import { CorruptValueError } from '../../model/encryption-errors';
import { OfflineSyncError } from '../../model/sync-error';
import { keptAlive } from './kept-alive';
import { ENCRYPTION_META_KEY, KeyRing, NO_ENCRYPTION, StoredEncryption } from './key-ring';
import {
  corruptRow,
  isSealed,
  isSealedTable,
  openRow,
  Row,
  SealedTableName,
  sealRow,
} from './sealed-row';

/**
 * The Dexie DBCore middleware that encrypts what the kit stores: rows written to `records`,
 * `outbox` and `conflicts` are sealed with the ring's current key (their primary key and indexed
 * fields stay clear, see `SEALED_TABLES`), rows read are decrypted with the key they name. A row
 * that fails to decrypt, or a clear row where only sealed ones belong, is reported on
 * `ring.corrupt$` and read as absent, so the rest loads. While the ring is locked every read or
 * write of a value fails with an `EncryptionKeyError` (counting and key-only reads still work).
 *
 * Each transaction that has `meta` in its scope first reads the stored encryption state there:
 * a change another tab made (encryption turned on, off, a new key) is followed before any value
 * is written, so no tab ever writes under a setting that is no longer the database's.
 *
 * @example
 * const db = new SyncDatabase('app');
 * db.use(encryptionMiddleware(ring));
 */
export function encryptionMiddleware(ring: KeyRing): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'offline-sync-kit encryption',
    // Below Dexie's own middlewares (lowest is -1), right above IndexedDB: they find their
    // transaction through Dexie's zone, which a native `await` here would lose; the raw layer
    // below takes it from the request. Above, hooks and caches see plain values.
    level: -2,
    create: (down) => {
      // Looked up per transaction: Dexie also builds this stack over a schema without `meta` (a
      // database still being upgraded).
      const follow = stateFollower(() => down.table('meta'), ring);
      return {
        ...down,
        table: (name) => {
          const table = down.table(name);
          return isSealedTable(name) ? sealedTable(table, name, ring, follow) : table;
        },
      };
    },
  };
}

/** Reads the stored state once per transaction and makes the ring follow it. */
function stateFollower(meta: () => DBCoreTable, ring: KeyRing) {
  const checked = new WeakMap<DBCoreTransaction, Promise<void>>();
  const read = async (trans: DBCoreTransaction) => {
    let entry: { value?: StoredEncryption } | undefined;
    try {
      entry = await meta().get({ trans, key: ENCRYPTION_META_KEY });
    } catch {
      return; // `meta` is not in this transaction's scope (storage code always includes it)
    }
    ring.follow(entry?.value ?? NO_ENCRYPTION);
  };
  return (trans: DBCoreTransaction): Promise<void> => {
    let check = checked.get(trans);
    if (!check) {
      check = read(trans);
      checked.set(trans, check);
    }
    return check;
  };
}

/** Values being decrypted at once: enough to keep WebCrypto busy, few enough not to flood memory. */
const OPEN_AT_ONCE = 512;

/**
 * `open` over every row, at most `OPEN_AT_ONCE` pending at a time, each finished one making room
 * for the next: a whole table's rows decrypted at once (100,000 pending WebCrypto calls and
 * their buffers) took far longer per row, and chunks opened one after another left WebCrypto
 * idle while each chunk's last values finished.
 */
async function openEach<R>(rows: readonly unknown[], open: (row: unknown) => Promise<R>) {
  const opened = new Array<R>(rows.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < rows.length && !failed) {
      const i = next++;
      try {
        opened[i] = await open(rows[i]);
      } catch (error) {
        failed = true; // the other lanes stop: the read fails as a whole
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_AT_ONCE, rows.length) }, lane));
  return opened;
}

function sealedTable(
  down: DBCoreTable,
  name: SealedTableName,
  ring: KeyRing,
  follow: (trans: DBCoreTransaction) => Promise<void>
): DBCoreTable {
  /** The readable rows; the others reported and `undefined`. */
  const openAll = async (trans: DBCoreTransaction, rows: readonly unknown[]) => {
    if (!rows.some(isSealed)) return rows.map((row) => clearOrSkip(name, row, ring));
    return keptAlive(
      down,
      trans,
      openEach(rows, (row) => openOrSkip(name, row, ring))
    );
  };
  const readable = async (trans: DBCoreTransaction) => {
    await follow(trans);
    if (ring.locked) throw ring.lockedError();
  };
  const table: DBCoreTable = {
    ...down,
    async mutate(req: DBCoreMutateRequest) {
      await readable(req.trans);
      if (req.type !== 'add' && req.type !== 'put') return down.mutate(req);
      const sealing = ring.sealingKey();
      // Hints for other middlewares (sync add-ons) that would carry the plain changes along.
      const {
        changeSpec: _changeSpec,
        updates: _updates,
        criteria: _criteria,
        ...plain
      } = req as typeof req & Record<string, unknown>;
      if (!sealing || req.values.length === 0) return down.mutate(plain as DBCoreMutateRequest);
      const values = await keptAlive(
        down,
        req.trans,
        Promise.all(req.values.map((row: Row) => sealRow(name, row, sealing.key, sealing.kid)))
      );
      return down.mutate({ ...plain, values } as DBCoreMutateRequest);
    },
    // Reads are sent along with the state check (one round trip instead of two: IndexedDB answers
    // in order anyway); their rows are opened, and handed out, only once the check has passed.
    async get(req: DBCoreGetRequest) {
      const [, row] = await Promise.all([readable(req.trans), down.get(req)]);
      return row === undefined ? row : (await openAll(req.trans, [row]))[0];
    },
    async getMany(req: DBCoreGetManyRequest) {
      const [, rows] = await Promise.all([readable(req.trans), down.getMany(req)]);
      return openAll(req.trans, rows);
    },
    async query(req: DBCoreQueryRequest) {
      if (!req.values) return down.query(req);
      const [, { result }] = await Promise.all([readable(req.trans), down.query(req)]);
      const rows = await openAll(req.trans, result);
      return { result: rows.filter((row) => row !== undefined) };
    },
    openCursor(req) {
      if (req.values) {
        // A cursor hands out values synchronously; decryption is asynchronous.
        return Promise.reject(
          new OfflineSyncError(
            'storage',
            `offline-sync-kit bug: "${name}" was read with a cursor, which encrypted tables ` +
              `cannot serve (values are decrypted asynchronously). Retrying will not help; ` +
              `please report it. Nothing was changed.`
          )
        );
      }
      return down.openCursor(req);
    },
  };
  // Dexie's code above continues with `.then()` on what we return and finds its transaction in
  // its zone, which a native promise does not carry: hand back Dexie promises.
  return {
    ...table,
    mutate: (req) => Dexie.Promise.resolve(table.mutate(req)),
    get: (req) => Dexie.Promise.resolve(table.get(req)),
    getMany: (req) => Dexie.Promise.resolve(table.getMany(req)),
    query: (req) => Dexie.Promise.resolve(table.query(req)),
  };
}

function clearOrSkip(name: SealedTableName, row: unknown, ring: KeyRing): unknown {
  if (row === undefined || row === null || !ring.clearValuesForbidden) return row;
  ring.reportCorrupt(corruptRow(name, row as Row, new Error('Stored in the clear')));
  return undefined;
}

async function openOrSkip(name: SealedTableName, row: unknown, ring: KeyRing): Promise<unknown> {
  if (!isSealed(row)) return clearOrSkip(name, row, ring);
  try {
    return await openRow(name, row as Row, (kid) => ring.keyFor(kid));
  } catch (error) {
    if (!(error instanceof CorruptValueError)) throw error;
    ring.reportCorrupt(error);
    return undefined;
  }
}
