import { Dexie } from 'dexie';
import { SyncDatabase } from '../projects/offline-sync-kit/src/lib/storage/sync-database';
import { StorageConnection } from '../projects/offline-sync-kit/src/lib/storage/storage-connection';
import { applyLocalWrites } from '../projects/offline-sync-kit/src/lib/storage/apply-local-writes';
import { localWrite, plainSpec } from '../projects/offline-sync-kit/src/testing-support/test-storage';

type Step = (db: SyncDatabase) => Promise<unknown>;
const key: [string, string] = ['todo', 't1'];
const steps: Record<string, Step> = {
  count: (db) => db.conflicts.count(),
  get: (db) => db.records.get(key),
  primaryKeys: (db) => db.outbox.where('[modelType+recordId]').equals(key).primaryKeys(),
  add: (db) => db.outbox.add({ mutationId: `x${Math.random()}`, modelType: 'todo', recordId: 't1', status: 'queued' } as never),
  sortBy: (db) => db.outbox.where('[modelType+recordId]').equals(key).sortBy('seq'),
  put: (db) => db.records.put({ modelType: 'todo', id: 't1', data: {}, meta: {} as never, idx: [] }),
  promiseAll: (db) => Promise.all([db.outbox.where('status').equals('queued').count(), db.outbox.where('status').equals('sending').count()]),
};
async function tryTx(name: string, label: string, seq: string[]) {
  const db = new SyncDatabase(name);
  await db.open();
  try {
    await db.transaction('rw', [db.records, db.outbox, db.conflicts], async () => {
      for (const s of seq) await steps[s]!(db);
    });
    return `${label}: ok`;
  } catch (e) { return `${label}: FAIL ${(e as Error).name}`; } finally { db.close(); }
}
(window as any).dbg = async () => {
  const out: string[] = [];
  const name = `dbg2-${Date.now()}`;
  for (const s of Object.keys(steps)) out.push(await tryTx(name, `single ${s}`, [s]));
  for (const s of Object.keys(steps)) out.push(await tryTx(name, `${s} then get`, [s, 'get']));
  out.push(await tryTx(name, 'all steps', Object.keys(steps)));
  // Through StorageConnection.run and applyLocalWrites directly
  const conn = new StorageConnection({ databaseName: name });
  let i = 0;
  const ctx = { now: 1, newMutationId: () => `mm-${++i}-${Math.random()}`, specFor: () => plainSpec('todo') };
  for (const tables of [['records', 'outbox', 'conflicts']] as const) {
    try { await conn.run('x', tables, (db) => applyLocalWrites(db, [localWrite.save('todo', { id: 't9' })], ctx)); out.push('conn.run applyLocalWrites: ok'); }
    catch (e) { out.push(`conn.run applyLocalWrites: FAIL ${String((e as {cause?: unknown}).cause)}`); }
  }
  const countPending = async (db: SyncDatabase) => { const [a, b] = await Promise.all([db.outbox.where('status').equals('queued').count(), db.outbox.where('status').equals('sending').count()]); return a + b; };
  const variants: Record<string, () => Promise<unknown>> = {
    'run: outcomes then countPending': () => conn.run('x', ['records', 'outbox', 'conflicts'], async (db) => ({ o: await applyLocalWrites(db, [localWrite.save('todo', { id: `a${++i}` })], ctx), p: await countPending(db) })),
    'run: countPending only': () => conn.run('x', ['records', 'outbox', 'conflicts'], async (db) => ({ p: await countPending(db) })),
    'run: apply then count (no Promise.all)': () => conn.run('x', ['records', 'outbox', 'conflicts'], async (db) => ({ o: await applyLocalWrites(db, [localWrite.save('todo', { id: `b${++i}` })], ctx), p: await db.outbox.where('status').equals('queued').count() })),
    'run: get then Promise.all': () => conn.run('x', ['records', 'outbox', 'conflicts'], async (db) => { await db.records.get(key); return countPending(db); }),
    'run: add then Promise.all': () => conn.run('x', ['records', 'outbox', 'conflicts'], async (db) => { await steps['add']!(db); return countPending(db); }),
    'run: add then await Promise.all inline': () => conn.run('x', ['records', 'outbox', 'conflicts'], async (db) => { await steps['add']!(db); return Promise.all([db.outbox.count(), db.outbox.count()]); }),
    'run: add then one count': () => conn.run('x', ['records', 'outbox', 'conflicts'], async (db) => { await steps['add']!(db); return db.outbox.where('status').equals('queued').count(); }),
  };
  for (const [label, f] of Object.entries(variants)) {
    try { await f(); out.push(`${label}: ok`); } catch (e) { out.push(`${label}: FAIL ${String((e as {cause?: unknown}).cause ?? e)}`); }
  }
  const db = new SyncDatabase(name); await db.open();
  try { await db.transaction('rw', [db.records, db.outbox, db.conflicts], () => applyLocalWrites(db, [localWrite.save('todo', { id: 't8' })], ctx)); out.push('plain tx applyLocalWrites: ok'); }
  catch (e) { out.push(`plain tx applyLocalWrites: FAIL ${(e as Error).name}`); }
  db.close(); conn.close();
  await Dexie.delete(name);
  return out;
};
