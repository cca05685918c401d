import { firstValueFrom } from 'rxjs';
import { OfflineSyncError } from '../model/sync-error';
import { localWrite, plainSpec, testStorage } from '../../testing-support/test-storage';
import {
  openRawIndexedDb,
  rawDatabase,
  readRaw,
  rejectionOf,
  uniqueDatabase,
} from '../../testing-support/test-database';
import { applyLocalWrites } from './apply-local-writes';
import { SyncStorage } from './sync-storage';

const { save, update, remove } = localWrite;

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

  /** Makes a stored record look confirmed by the server at `version`, with an empty outbox. */
  async function markSynced(modelType: string, id: string, version: number) {
    const raw = await rawDatabase(db.name);
    await raw.transaction('rw', raw.records, raw.outbox, async () => {
      await raw.outbox.clear();
      await raw.records.update([modelType, id], {
        'meta.version': version,
        'meta.state': 'synced',
      });
    });
    raw.close();
  }

  it('stores a new record and its create entry together', async () => {
    const outcome = await storage.write(save('todo', { id: 't1', title: 'Milk', done: false }));
    expect(outcome.change).toBe('created');
    expect(outcome.meta?.state).toBe('pending');
    const { records, outbox } = await readRaw(db.name);
    expect(records.map((r) => [r.modelType, r.id, r.data])).toEqual([
      ['todo', 't1', { id: 't1', title: 'Milk', done: false }],
    ]);
    expect(outbox).toEqual([
      jasmine.objectContaining({
        modelType: 'todo',
        recordId: 't1',
        op: 'create',
        status: 'queued',
        priority: 0,
        attempts: 0,
        baseVersion: null,
      }),
    ]);
  });

  it('writes update and delete entries on the base version, with the type priority', async () => {
    await storage.write(save('project', { id: 'p1', name: 'Home' }));
    await markSynced('project', 'p1', 4);

    await storage.write(update('project', 'p1', { name: 'House' }));
    let { records, outbox } = await readRaw(db.name);
    expect(records[0]?.data).toEqual({ id: 'p1', name: 'House' });
    expect(records[0]?.meta).toEqual(jasmine.objectContaining({ state: 'pending', version: 4 }));
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

    await storage.write(remove('project', 'p1'));
    ({ records, outbox } = await readRaw(db.name));
    expect(records).toEqual([]);
    expect(outbox).toEqual([
      jasmine.objectContaining({ op: 'delete', baseVersion: 4, base: { id: 'p1', name: 'Home' } }),
    ]);
  });

  it('drops the entry and marks the record synced when an update returns it to its base', async () => {
    await storage.write(save('todo', { id: 't1', title: 'Milk', done: false }));
    await markSynced('todo', 't1', 2);
    await storage.write(update('todo', 't1', { done: true }));
    const outcome = await storage.write(update('todo', 't1', { done: false }));
    expect(outcome.meta?.state).toBe('synced');
    expect((await readRaw(db.name)).outbox).toEqual([]);
  });

  it('coalesces create + update into one create, and create + delete into nothing', async () => {
    await storage.write(save('todo', { id: 't1', title: 'Milk', done: false }));
    await storage.write(update('todo', 't1', { done: true }));
    const { outbox } = await readRaw(db.name);
    expect(outbox).toEqual([
      jasmine.objectContaining({ op: 'create', patch: { id: 't1', title: 'Milk', done: true } }),
    ]);

    await storage.write(remove('todo', 't1'));
    const after = await readRaw(db.name);
    expect(after.outbox).toEqual([]);
    expect(after.records).toEqual([]);
    expect((await storage.outboxCounts()).pending).toBe(0);
  });

  it('never folds a change into an entry that is already being sent', async () => {
    await storage.write(save('todo', { id: 't1', title: 'Milk', done: false }));
    const raw = await rawDatabase(db.name);
    await raw.outbox.toCollection().modify({ status: 'sending' });
    raw.close();
    await storage.write(update('todo', 't1', { done: true }));
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
      raw.transaction('rw', [raw.records, raw.outbox, raw.conflicts], async () => {
        await applyLocalWrites(raw, [save('todo', { id: 't9', title: 'x' })], context);
        expect(await raw.records.count()).toBe(1); // written inside the transaction…
        expect(await raw.outbox.count()).toBe(1);
        throw new Error('crash before commit');
      })
    ).toBeRejectedWithError('crash before commit');
    raw.close();
    const { records, outbox } = await readRaw(db.name); // …and gone after the abort
    expect(records).toEqual([]);
    expect(outbox).toEqual([]);
  });

  it('rejects an unstorable record with a typed error and still stores the rest of its group', async () => {
    const bad = storage.write(save('todo', { id: 't1', title: () => 'no' }));
    const good = storage.write(save('todo', { id: 't2', title: 'ok' }));
    const error = await rejectionOf(bad);
    expect(error).toEqual(jasmine.any(OfflineSyncError));
    expect(error?.kind).toBe('storage');
    expect(error?.recordId).toBe('t1');
    expect(error?.message).toContain('serialize');
    await expectAsync(good).toBeResolved();
    const { records, outbox } = await readRaw(db.name);
    expect(records.map((r) => r.id)).toEqual(['t2']);
    expect(outbox.map((m) => m.recordId)).toEqual(['t2']);
  });

  it('rejects an update of a record that is not stored with a not-found error', async () => {
    const error = await rejectionOf(storage.write(update('todo', 'nope', { done: true })));
    expect(error?.kind).toBe('not-found');
    expect(error?.message).toContain('todo "nope"');
  });

  it('group-commits a burst of writes into few transactions and loses none', async () => {
    const settled: number[] = [];
    storage.settled$.subscribe((batch) => settled.push(batch.committed.length));
    const ids = Array.from({ length: 300 }, (_, i) => `t${i}`);
    await Promise.all(ids.map((id) => storage.write(save('todo', { id, title: id, done: false }))));
    expect(settled.reduce((a, b) => a + b, 0)).toBe(300);
    expect(settled.length).toBeLessThan(5);
    const { records, outbox } = await readRaw(db.name);
    expect(records.length).toBe(300);
    expect(outbox.map((m) => m.recordId)).toEqual(ids);
  });

  it('applies the writes of one group in order: the same record several times, new entries in write order', async () => {
    await storage.write(save('todo', { id: 't4', title: 'Four', done: false }));
    const [before] = (await readRaw(db.name)).outbox;
    const counted: (number | null)[] = [];
    storage.settled$.subscribe((batch) => counted.push(batch.pendingCount));
    await Promise.all([
      storage.write(save('todo', { id: 't1', title: 'One', done: false })),
      storage.write(save('todo', { id: 't2', title: 'Two', done: false })),
      storage.write(update('todo', 't1', { done: true })),
      storage.write(save('todo', { id: 't3', title: 'Three', done: false })),
      storage.write(remove('todo', 't2')),
      storage.write(update('todo', 't4', { done: true })),
      storage.write(save('todo', { id: 't5', title: 'Five', done: false })),
    ]);
    const { records, outbox } = await readRaw(db.name);
    expect(records.map((r) => [r.id, r.data['done']]).sort()).toEqual([
      ['t1', true],
      ['t3', false],
      ['t4', true],
      ['t5', false],
    ]);
    // t4's queued create took the update in place (same seq); t2's create and delete cancelled.
    expect(outbox.map((m) => [m.seq, m.recordId, m.op, m.patch['done']])).toEqual([
      [before?.seq, 't4', 'create', true],
      [jasmine.any(Number), 't1', 'create', true],
      [jasmine.any(Number), 't3', 'create', false],
      [jasmine.any(Number), 't5', 'create', false],
    ]);
    const seqs = outbox.map((m) => m.seq as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    // Counted before the writes, plus what they queued (3 new) and dropped (none stored).
    expect(counted[counted.length - 1]).toBe(outbox.length);
  });

  it('reports the pending count after a group that drops a stored entry', async () => {
    await storage.write(save('todo', { id: 't6', title: 'Six', done: false }));
    const counted: (number | null)[] = [];
    storage.settled$.subscribe((batch) => counted.push(batch.pendingCount));
    await Promise.all([
      storage.write(remove('todo', 't6')),
      storage.write(save('todo', { id: 't7', title: 'Seven', done: false })),
    ]);
    const { outbox } = await readRaw(db.name);
    expect(outbox.map((m) => m.recordId)).toEqual(['t7']);
    expect(counted).toEqual([1]);
  });

  for (const stored of [150, 200]) {
    // 80 writes read entries with one range request when the type has at most twice as many
    // (150), and per record when it has more (200): both must give the same result.
    it(`coalesces a large group into stored entries alike with ${stored} entries stored`, async () => {
      const ids = Array.from({ length: stored }, (_, i) => `t${i}`);
      await Promise.all(
        ids.map((id) => storage.write(save('todo', { id, title: id, done: false })))
      );
      const fresh = Array.from({ length: 40 }, (_, i) => `n${i}`);
      await Promise.all([
        ...ids.slice(0, 40).map((id) => storage.write(update('todo', id, { done: true }))),
        ...fresh.map((id) => storage.write(save('todo', { id, title: id, done: false }))),
      ]);
      const { records, outbox } = await readRaw(db.name);
      expect(records.length).toBe(stored + 40);
      expect(outbox.map((m) => m.recordId)).toEqual([...ids, ...fresh]);
      expect(outbox.every((m) => m.op === 'create')).toBeTrue();
      const done = outbox.filter((m) => m.patch['done'] === true).map((m) => m.recordId);
      expect(done).toEqual(ids.slice(0, 40));
    });
  }

  it('opens a database written with fewer entity types and no indexes, keeping every row', async () => {
    const old = testStorage(db.name, [plainSpec('todo')]);
    await old.write(save('todo', { id: 't1', projectId: 'p1' }));
    await old.write(save('todo', { id: 't2', projectId: 'p2' }));
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
    await next.write(save('note', { id: 'n1' }));
    expect((await next.outboxCounts()).pending).toBe(3);
    next.close();
  });

  it('says clearly that there is no IndexedDB, and stays idle', async () => {
    const none = testStorage(db.name, [plainSpec('todo')], { indexedDB: null });
    const error = await rejectionOf(none.open());
    expect(error?.kind).toBe('storage');
    expect(error?.message).toContain('IndexedDB is not available');
    expect((await rejectionOf(none.write(remove('todo', 't'))))?.kind).toBe('storage');
  });

  it('steps aside when another tab upgrades the database, and fails writes with a storage error', async () => {
    await storage.open();
    const problems: string[] = [];
    storage.problems$.subscribe((p) => problems.push(p.kind));
    (await openRawIndexedDb(db.name, 1000)).close();
    expect(problems).toEqual(['closed']);
    const error = await rejectionOf(storage.write(save('todo', { id: 't1' })));
    expect(error?.kind).toBe('storage');
    expect(error?.message).toContain('Reload the page');
  });

  it('reports an open blocked by another tab holding an older version', async () => {
    const older = await openRawIndexedDb(db.name, 1);
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

describe('SyncStorage pulls', () => {
  let db: ReturnType<typeof uniqueDatabase>;
  let storage: SyncStorage;

  beforeEach(() => {
    db = uniqueDatabase('pull');
    storage = testStorage(db.name, [plainSpec('todo')]);
  });

  afterEach(async () => {
    storage.close();
    await db.cleanup();
  });

  it('keeps the known version when a pulled record without one is the state already held', async () => {
    const data = { id: 't1', title: 'Same', updatedAt: '2026-01-01T00:00:00.000Z' };
    await storage.applyServerChanges('todo', [
      { id: 't1', deleted: false, version: 7, updatedAt: data.updatedAt, data },
    ]);
    const { changes } = await storage.applyPullPage('todo', {
      items: [
        { id: 't1', deleted: false, version: null, updatedAt: data.updatedAt, data: { ...data } },
      ],
      cursor: 'c1',
      hasMore: false,
    });
    expect(changes[0]?.meta?.version).toBe(7);

    const changed = { ...data, title: 'Changed on the server' };
    const next = await storage.applyPullPage('todo', {
      items: [{ id: 't1', deleted: false, version: null, updatedAt: null, data: changed }],
      cursor: 'c2',
      hasMore: false,
    });
    expect(next.changes[0]?.meta?.version).toBeNull(); // a new server state: the old version is stale
    expect(await storage.getCursor('todo')).toBe('c2');
  });

  it('keeps the If-Match version of pending edits when a pulled record comes without one', async () => {
    const data = { id: 't1', title: 'Held', done: false };
    await storage.applyServerChanges('todo', [
      { id: 't1', deleted: false, version: 3, updatedAt: null, data },
    ]);
    await storage.write({
      writeId: 'w1',
      modelType: 'todo',
      recordId: 't1',
      kind: 'update',
      changes: { done: true },
    });
    const changed = { ...data, title: 'Changed on the server' };
    const { changes } = await storage.applyPullPage('todo', {
      items: [{ id: 't1', deleted: false, version: null, updatedAt: null, data: changed }],
      cursor: 'c1',
      hasMore: false,
    });
    // The push still carries If-Match "3", so the server can refuse it if it moved on.
    expect(changes[0]?.meta?.version).toBe(3);
    const { outbox } = await readRaw(db.name);
    expect(outbox.map((m) => m.baseVersion)).toEqual([3]);
  });
});

describe('SyncStorage push and pull rules', () => {
  let db: ReturnType<typeof uniqueDatabase>;
  let storage: SyncStorage;
  const live = (id: string, version: number, data: Record<string, unknown>) => ({
    id,
    deleted: false as const,
    version,
    updatedAt: null,
    data: { id, ...data },
  });

  beforeEach(() => {
    db = uniqueDatabase('rules');
    storage = testStorage(db.name, [plainSpec('todo')]);
  });

  afterEach(async () => {
    storage.close();
    await db.cleanup();
  });

  it('takes at most one entry per record into a push batch, the oldest', async () => {
    await storage.write(save('todo', { id: 'a', title: 'A' }));
    const [first] = await storage.takePushBatch(10);
    await storage.write(update('todo', 'a', { title: 'A2' })); // queued behind the one in flight
    await storage.write(save('todo', { id: 'b', title: 'B' }));
    const batch = await storage.takePushBatch(10);
    expect(batch.map((m) => [m.recordId, m.op])).toEqual([
      ['a', 'create'],
      ['b', 'create'],
    ]);
    expect(batch[0]?.mutationId).toBe(first?.mutationId as string);
  });

  it('puts higher priorities first, even when they were written last', async () => {
    const prioritized = testStorage(db.name, [
      plainSpec('todo'),
      plainSpec('urgent', { priority: 9 }),
    ]);
    for (let i = 0; i < 5; i++) await prioritized.write(save('todo', { id: `t${i}` }));
    await prioritized.write(save('urgent', { id: 'u1' }));
    await prioritized.write(save('urgent', { id: 'u2' }));
    expect((await prioritized.takePushBatch(2)).map((m) => m.recordId)).toEqual(['u1', 'u2']);
    // Entries already being sent are taken again (a push that never finished is resent as is).
    expect((await prioritized.takePushBatch(4)).map((m) => m.recordId)).toEqual([
      'u1',
      'u2',
      't0',
      't1',
    ]);
    prioritized.close();
  });

  it('leaves a record created here alone when a tombstone of its id arrives', async () => {
    await storage.write(save('todo', { id: 'a', title: 'Created offline' }));
    const { changes, conflicts } = await storage.applyServerChanges('todo', [
      { id: 'a', deleted: true, version: null, updatedAt: null },
    ]);
    expect(changes).toEqual([]);
    expect(conflicts).toEqual([]);
    const { records, outbox } = await readRaw(db.name);
    expect(records.map((r) => r.id)).toEqual(['a']);
    expect(outbox.map((m) => m.op)).toEqual(['create']);
  });

  it('ignores a pulled version older than the one held, even with changes pending', async () => {
    await storage.applyServerChanges('todo', [live('a', 3, { title: 'v3' })]);
    await storage.write(update('todo', 'a', { done: true }));
    await storage.applyServerChanges('todo', [live('a', 1, { title: 'v1' })]);
    const { records, outbox } = await readRaw(db.name);
    expect(records[0]?.data).toEqual({ id: 'a', title: 'v3', done: true });
    expect(records[0]?.meta.version).toBe(3);
    expect(outbox[0]?.baseVersion).toBe(3);
  });

  it('discarding a refused delete brings the record back as it was', async () => {
    await storage.applyServerChanges('todo', [live('a', 2, { title: 'Keep me' })]);
    await storage.write(remove('todo', 'a'));
    const [entry] = await storage.takePushBatch(10);
    await storage.applyPushOutcomes(
      [
        {
          mutation: entry as never,
          outcome: {
            mutationId: entry?.mutationId ?? '',
            status: 'rejected',
            error: new OfflineSyncError('rejected', 'not allowed'),
          },
        },
      ],
      5
    );
    const restored = await storage.discardFailed('todo', 'a');
    expect(restored).toEqual(
      jasmine.objectContaining({
        data: { id: 'a', title: 'Keep me' },
        meta: jasmine.objectContaining({ version: 2, state: 'synced' }),
      })
    );
    expect((await readRaw(db.name)).outbox).toEqual([]);
  });
});
