import {
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
import { keptAlive } from './kept-alive';
import { KeyRing } from './key-ring';
import { isSealedTable, openRow, Row, SealedTableName, sealRow } from './sealed-row';

/**
 * The Dexie DBCore middleware that encrypts what the kit stores: rows written to `records`,
 * `outbox` and `conflicts` are sealed with the ring's current key (their primary key and indexed
 * fields stay clear, see `SEALED_TABLES`), rows read are decrypted with the key they name. A row
 * that fails to decrypt is reported on `ring.corrupt$` and read as absent, so the rest loads.
 * While the ring is locked every read or write of a value fails with an `EncryptionKeyError`
 * (counting and key-only reads still work). With encryption never turned on it passes through.
 *
 * @example
 * const db = new SyncDatabase('app');
 * db.use(encryptionMiddleware(ring));
 */
export function encryptionMiddleware(ring: KeyRing): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'offline-sync-kit encryption',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return isSealedTable(name) ? sealedTable(table, name, ring) : table;
      },
    }),
  };
}

function sealedTable(down: DBCoreTable, name: SealedTableName, ring: KeyRing): DBCoreTable {
  const openAll = (trans: DBCoreTransaction, rows: readonly unknown[]) =>
    keptAlive(down, trans, Promise.all(rows.map((row) => openOrSkip(name, row, ring))));
  return {
    ...down,
    async mutate(req: DBCoreMutateRequest) {
      if (!ring.active) return down.mutate(req);
      if (ring.locked) throw ring.lockedError();
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
    async get(req: DBCoreGetRequest) {
      if (!ring.active) return down.get(req);
      if (ring.locked) throw ring.lockedError();
      const row = await down.get(req);
      return row === undefined ? row : (await openAll(req.trans, [row]))[0];
    },
    async getMany(req: DBCoreGetManyRequest) {
      if (!ring.active) return down.getMany(req);
      if (ring.locked) throw ring.lockedError();
      const rows = await down.getMany(req);
      return rows.some((row) => row !== undefined) ? openAll(req.trans, rows) : rows;
    },
    async query(req: DBCoreQueryRequest) {
      if (!ring.active || !req.values) return down.query(req);
      if (ring.locked) throw ring.lockedError();
      const { result } = await down.query(req);
      if (result.length === 0) return { result };
      const rows = await openAll(req.trans, result);
      return { result: rows.filter((row) => row !== undefined) };
    },
    openCursor(req) {
      if (ring.active && req.values) {
        // A cursor hands out values synchronously; decryption is asynchronous.
        return Promise.reject(
          new Error(`offline-sync-kit: reading "${name}" with a cursor is not supported`)
        );
      }
      return down.openCursor(req);
    },
  };
}

async function openOrSkip(name: SealedTableName, row: unknown, ring: KeyRing): Promise<unknown> {
  if (row === undefined || row === null) return row;
  try {
    return await openRow(name, row as Row, (kid) => ring.keyFor(kid));
  } catch (error) {
    if (!(error instanceof CorruptValueError)) throw error;
    ring.reportCorrupt(error);
    return undefined;
  }
}
