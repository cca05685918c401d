import { firstValueFrom } from 'rxjs';
import { OfflineSyncError } from '../model/sync-error';
import { plainSpec, testStorage } from '../../testing-support/test-storage';
import { rawDatabase, readRaw, uniqueDatabase } from '../../testing-support/test-database';
import { applyLocalWrites } from './apply-local-writes';
import { SyncStorage } from './sync-storage';

describe('SyncStorage on real IndexedDB', () => {
  let db: ReturnType<typeof uniqueDatabase>;
  let storage: SyncStorage;

  beforeEach(() => {
    db = uniqueDatabase('storage');
    storage = testStorage(db.name, [plainSpec('todo'), plainSpec('project', { priority: 5 })]);
  });

  afterEach(async () => {
    storage.close();
    await db.cleanup();
  });

  it('stores a new record and its create entry together', async () => {
    const outcome = await storage.write({
      writeId: 'w1',
      modelType: 'todo',
      recordId: 't1',
      kind: 'save',
      record: { id: 't1', title: 'Milk', done: false },
    });
    expect(outcome.change).toBe('created');
    expect(outcome.meta?.state).toBe('pending');
    const { records, outbox } = await readRaw(db.name);
    expect(records.map((r) => [r.modelType, r.id, r.data])).toEqual([
      ['todo', 't1', { id: 't1', title: 'Milk', done: false }],
    ]);
    expect(outbox.length).toBe(1);
    expect(outbox[0]).toEqual(
      jasmine.objectContaining({
        modelType: 'todo',
        recordId: 't1',
        op: 'create',
        status: 'queued',
        priority: 0,
        attempts: 0,
        baseVersion: null,
      })
    );
  });

  it('updates and removes with outbox entries, and keeps priorities', async () => {
    await storage.write({
      writeId: 'w1',
      modelType: 'project',
      recordId: 'p1',
      kind: 'save',
      record: { id: 'p1', name: 'Home' },
    });
    // A record already known to the server (version 4): its changes become update/delete entries.
    const raw = await rawDatabase(db.name);
    await raw.transaction('rw', raw.records, raw.outbox, async () => {
      await raw.outbox.clear();
      await raw.records.update(['project', 'p1'], { 'meta.version': 4, 'meta.state': 'synced' });
    });
    raw.close();

    await storage.write({
      writeId: 'w2',
      modelType: 'project',
      recordId: 'p1',
      kind: 'update',
      changes: { name: 'House' },
    });
    let { records, outbox } = await readRaw(db.name);
    expect(records[0]?.data).toEqual({ id: 'p1', name: 'House' });
    expect(outbox).toEqual([
      jasmine.objectContaining({
        op: 'update',
        patch: { name: 'House' },
        changedFields: ['name'],
        base: { id: 'p1', name: 'Home' },
        baseVersion: 4,
        priority: 5,
      }),
    ]);

    await storage.write({ writeId: 'w3', modelType: 'project', recordId: 'p1', kind: 'remove' });
    ({ records, outbox } = await readRaw(db.name));
    expect(records).toEqual([]);
    expect(outbox).toEqual([
      jasmine.objectContaining({ op: 'delete', baseVersion: 4, base: { id: 'p1', name: 'Home' } }),
    ]);
  });

  it('coalesces create + update into one create, and create + delete into nothing', async () => {
    await storage.write({
      writeId: 'w1',
      modelType: 'todo',
      recordId: 't1',
      kind: 'save',
      record: { id: 't1', title: 'Milk', done: false },
    });
    await storage.write({
      writeId: 'w2',
      modelType: 'todo',
      recordId: 't1',
      kind: 'update',
      changes: { done: true },
    });
    const { outbox } = await readRaw(db.name);
    expect(outbox.length).toBe(1);
    expect(outbox[0]).toEqual(
      jasmine.objectContaining({ op: 'create', patch: { id: 't1', title: 'Milk', done: true } })
    );

    await storage.write({ writeId: 'w3', modelType: 'todo', recordId: 't1', kind: 'remove' });
    const after = await readRaw(db.name);
    expect(after.outbox).toEqual([]);
    expect(after.records).toEqual([]);
    expect(await storage.pendingCount()).toBe(0);
  });

  it('never folds a change into an entry that is already being sent', async () => {
    await storage.write({
      writeId: 'w1',
      modelType: 'todo',
      recordId: 't1',
      kind: 'save',
      record: { id: 't1', title: 'Milk', done: false },
    });
    const raw = await rawDatabase(db.name);
    await raw.outbox.toCollection().modify({ status: 'sending' });
    raw.close();
    await storage.write({
      writeId: 'w2',
      modelType: 'todo',
      recordId: 't1',
      kind: 'update',
      changes: { done: true },
    });
    const { outbox } = await readRaw(db.name);
    expect(outbox.map((m) => [m.op, m.status])).toEqual([
      ['create', 'sending'],
      ['update', 'queued'],
    ]);
  });

  it('an aborted transaction leaves neither the record nor its outbox entry', async () => {
    const raw = await rawDatabase(db.name);
    const context = { now: 1, newMutationId: () => 'm-x', specFor: () => plainSpec('todo') };
    await expectAsync(
      raw.transaction('rw', raw.records, raw.outbox, async () => {
        await applyLocalWrites(
          raw,
          [
            {
              writeId: 'w',
              modelType: 'todo',
              recordId: 't9',
              kind: 'save',
              record: { id: 't9', title: 'x' },
            },
          ],
          context
        );
        expect(await raw.records.count()).toBe(1); // written inside the transaction…
        throw new Error('crash before commit');
      })
    ).toBeRejectedWithError('crash before commit');
    raw.close();
    const { records, outbox } = await readRaw(db.name); // …and gone after the abort
    expect(records).toEqual([]);
    expect(outbox).toEqual([]);
  });

  it('rejects an unstorable record with a typed error and stores nothing of it, nor of its batch', async () => {
    const bad = storage.write({
      writeId: 'w1',
      modelType: 'todo',
      recordId: 't1',
      kind: 'save',
      record: { id: 't1', title: () => 'no' },
    });
    const good = storage.write({
      writeId: 'w2',
      modelType: 'todo',
      recordId: 't2',
      kind: 'save',
      record: { id: 't2', title: 'ok' },
    });
    const error = await bad.then(
      () => null,
      (e: unknown) => e
    );
    expect(error).toEqual(jasmine.any(OfflineSyncError));
    expect((error as OfflineSyncError).kind).toBe('storage');
    expect((error as OfflineSyncError).recordId).toBe('t1');
    expect((error as OfflineSyncError).message).toContain('serialize');
    await expectAsync(good).toBeResolved();
    const { records, outbox } = await readRaw(db.name);
    expect(records.map((r) => r.id)).toEqual(['t2']);
    expect(outbox.map((m) => m.recordId)).toEqual(['t2']);
  });

  it('rejects an update of a record that is not stored with a not-found error', async () => {
    const error = await storage
      .write({
        writeId: 'w1',
        modelType: 'todo',
        recordId: 'nope',
        kind: 'update',
        changes: { done: true },
      })
      .then(
        () => null,
        (e: unknown) => e as OfflineSyncError
      );
    expect(error?.kind).toBe('not-found');
    expect(error?.message).toContain('todo "nope"');
  });

  it('group-commits a burst of writes into few transactions and loses none', async () => {
    const settled: number[] = [];
    storage.settled$.subscribe((batch) => settled.push(batch.committed.length));
    const writes = Array.from({ length: 300 }, (_, i) =>
      storage.write({
        writeId: `w${i}`,
        modelType: 'todo',
        recordId: `t${i}`,
        kind: 'save',
        record: { id: `t${i}`, title: `#${i}`, done: false },
      })
    );
    await Promise.all(writes);
    expect(settled.reduce((a, b) => a + b, 0)).toBe(300);
    expect(settled.length).toBeLessThan(5);
    const { records, outbox } = await readRaw(db.name);
    expect(records.length).toBe(300);
    expect(outbox.length).toBe(300);
    expect(outbox.map((m) => m.recordId)).toEqual(Array.from({ length: 300 }, (_, i) => `t${i}`));
  });

  it('opens a database written with fewer entity types and no indexes, keeping every row', async () => {
    const old = testStorage(db.name, [plainSpec('todo')]);
    await old.write({
      writeId: 'w1',
      modelType: 'todo',
      recordId: 't1',
      kind: 'save',
      record: { id: 't1', projectId: 'p1' },
    });
    await old.write({
      writeId: 'w2',
      modelType: 'todo',
      recordId: 't2',
      kind: 'save',
      record: { id: 't2', projectId: 'p2' },
    });
    await old.hydrate('todo');
    old.close();

    // The next app version adds the "note" type and indexes todo.projectId.
    const next = testStorage(db.name, [
      plainSpec('todo', { indexes: ['projectId'] }),
      plainSpec('note'),
    ]);
    const todos = await next.hydrate('todo');
    expect(todos.map((r) => r.id).sort()).toEqual(['t1', 't2']);
    expect((await next.findByIndex('todo', 'projectId', 'p2')).map((r) => r.id)).toEqual(['t2']);
    expect(await next.hydrate('note')).toEqual([]);
    await next.write({
      writeId: 'w3',
      modelType: 'note',
      recordId: 'n1',
      kind: 'save',
      record: { id: 'n1' },
    });
    expect(await next.pendingCount()).toBe(3);
    next.close();
  });

  it('says clearly that there is no IndexedDB, and stays idle', async () => {
    const none = testStorage(db.name, [plainSpec('todo')], { indexedDB: null });
    const error = await none.open().then(
      () => null,
      (e: unknown) => e as OfflineSyncError
    );
    expect(error?.kind).toBe('storage');
    expect(error?.message).toContain('IndexedDB is not available');
    await expectAsync(
      none.write({ writeId: 'w', modelType: 'todo', recordId: 't', kind: 'remove' })
    ).toBeRejectedWith(jasmine.any(OfflineSyncError));
  });

  it('steps aside when another tab upgrades the database, and fails writes with a storage error', async () => {
    await storage.open();
    const problems: string[] = [];
    storage.problems$.subscribe((p) => problems.push(p.kind));
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(db.name, 1000);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    upgraded.close();
    expect(problems).toEqual(['closed']);
    const error = await storage
      .write({
        writeId: 'w',
        modelType: 'todo',
        recordId: 't1',
        kind: 'save',
        record: { id: 't1' },
      })
      .then(
        () => null,
        (e: unknown) => e as OfflineSyncError
      );
    expect(error?.kind).toBe('storage');
    expect(error?.message).toContain('Reload the page');
  });

  it('reports an open blocked by another tab holding an older version', async () => {
    const older = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(db.name, 1);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    older.onversionchange = () => undefined; // a tab that ignores upgrade requests
    const problem = firstValueFrom(storage.problems$);
    const opening = storage.open();
    const { kind, error } = await problem;
    expect(kind).toBe('blocked');
    expect(error.message).toContain('Close or reload the other tabs');
    older.close();
    await expectAsync(opening).toBeResolved();
  });
});
