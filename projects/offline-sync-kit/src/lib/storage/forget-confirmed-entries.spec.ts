import { OfflineSyncError } from '../model/sync-error';
import { PushOutcome } from '../model/push-outcome';
import { localWrite, plainSpec, testStorage } from '../../testing-support/test-storage';
import { rawDatabase, readRaw, uniqueDatabase } from '../../testing-support/test-database';
import { applyLocalWrites } from './apply-local-writes';
import { forgetConfirmedEntries } from './forget-confirmed-entries';
import { StoredMutation } from './sync-database';
import { SyncStorage } from './sync-storage';

const { save, update, remove } = localWrite;

/** The server's answer `applied` for a pushed create, with the record at version 1. */
function applied(entry: StoredMutation): PushOutcome {
  const data = { id: entry.recordId };
  return {
    mutationId: entry.mutationId,
    status: 'applied',
    record: { id: entry.recordId, deleted: false, version: 1, updatedAt: null, data },
  };
}

describe('forgetConfirmedEntries (a push round under a used-up storage quota)', () => {
  const quota = new OfflineSyncError('quota', 'The storage quota is used up');
  let db: ReturnType<typeof uniqueDatabase>;
  let storage: SyncStorage;

  beforeEach(() => {
    db = uniqueDatabase('full');
    storage = testStorage(db.name, [plainSpec('todo')]);
  });

  afterEach(async () => {
    storage.close();
    await db.cleanup();
  });

  async function forget(pushed: { mutation: StoredMutation; outcome: PushOutcome }[]) {
    const raw = await rawDatabase(db.name);
    try {
      return await raw.transaction('rw', raw.outbox, () =>
        forgetConfirmedEntries(raw, pushed, quota)
      );
    } finally {
      raw.close();
    }
  }

  it('deletes confirmed entries and writes nothing else: their rows stay as they were', async () => {
    await storage.write(save('todo', { id: 'a', title: 'A' }));
    await storage.write(save('todo', { id: 'b', title: 'B' }));
    const batch = await storage.takePushBatch(10);

    const result = await forget(
      batch.map((mutation) => ({ mutation, outcome: applied(mutation) }))
    );

    expect(result.applied).toBe(2);
    expect(result.retry).toBeNull();
    expect(result.changes).toEqual([]);
    const after = await readRaw(db.name);
    expect(after.outbox).toEqual([]);
    expect(after.records.map((row) => [row.id, row.meta.state, row.meta.version])).toEqual([
      ['a', 'pending', null],
      ['b', 'pending', null],
    ]);
  });

  it('keeps a confirmed entry with a later one behind it, and everything not applied; asks for a retry', async () => {
    await storage.write(save('todo', { id: 'a', title: 'A' }));
    await storage.write(save('todo', { id: 'b', title: 'B' }));
    const [a, b] = (await storage.takePushBatch(10)) as [StoredMutation, StoredMutation];
    // Written while the batch was in flight: rebasing it on the server's version needs a put.
    await storage.write(update('todo', 'a', { title: 'A2' }));
    const conflict: PushOutcome = { mutationId: b.mutationId, status: 'conflict', current: null };

    const result = await forget([
      { mutation: a, outcome: applied(a) },
      { mutation: b, outcome: conflict },
    ]);

    expect(result.applied).toBe(0);
    expect(result.retry?.error).toBe(quota);
    const left = (await readRaw(db.name)).outbox.map((entry) => [entry.recordId, entry.op]);
    expect(left).toEqual([
      ['a', 'create'],
      ['b', 'create'],
      ['a', 'update'],
    ]);
  });

  it('keeps an entry whose applied answer carried no usable record: it is sent again, not lost', async () => {
    await storage.write(save('todo', { id: 'a', title: 'A' }));
    await storage.write(save('todo', { id: 'b', title: 'B' }));
    const [a, b] = (await storage.takePushBatch(10)) as [StoredMutation, StoredMutation];
    // What the transport makes of a proxy's `200 {}`: accepted, but nothing shows the create.
    const unusable: PushOutcome = {
      mutationId: b.mutationId,
      status: 'applied',
      record: null,
      error: new OfflineSyncError('invalid-response', 'The answer carried no record'),
    };

    const result = await forget([
      { mutation: a, outcome: applied(a) },
      { mutation: b, outcome: unusable },
    ]);

    expect(result.applied).toBe(1);
    expect(result.retry?.error).toBe(quota);
    const left = (await readRaw(db.name)).outbox.map((entry) => [entry.recordId, entry.op]);
    expect(left).toEqual([['b', 'create']]);
  });

  it('lets no local write fold into an entry being sent unmarked: a delete of its record queues after it', async () => {
    await storage.write(save('todo', { id: 'a', title: 'A' }));
    const [sent] = (await storage.takePushBatch(10)) as [StoredMutation];
    await storage.write(save('todo', { id: 'b', title: 'B' }));
    const raw = await rawDatabase(db.name);
    try {
      const context = {
        now: 1,
        newMutationId: () => 'm-delete',
        specFor: () => plainSpec('todo'),
        beingSent: (seq: number) => seq === sent.seq,
      };
      // A marked batch would say `sending`; this one is still `queued` as stored.
      await raw.outbox.update(sent.seq as number, { status: 'queued' });
      await raw.transaction('rw', [raw.records, raw.outbox, raw.conflicts], () =>
        applyLocalWrites(raw, [remove('todo', 'a'), remove('todo', 'b')], context)
      );
    } finally {
      raw.close();
    }
    // a: its create is out there, so its delete must follow it; b: never sent, both fold away.
    const left = (await readRaw(db.name)).outbox.map((entry) => [entry.recordId, entry.op]);
    expect(left).toEqual([
      ['a', 'create'],
      ['a', 'delete'],
    ]);
  });
});
