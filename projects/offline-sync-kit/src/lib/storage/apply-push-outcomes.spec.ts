import { OfflineSyncError } from '../model/sync-error';
import { PushOutcome } from '../model/push-outcome';
import { localWrite, plainSpec, testStorage } from '../../testing-support/test-storage';
import { readRaw, uniqueDatabase } from '../../testing-support/test-database';
import { StoredMutation } from './sync-database';
import { SyncStorage } from './sync-storage';

const { update } = localWrite;

/** `todo` "a" as the server holds it at `version`. */
const live = (version: number, fields: Record<string, unknown>) => ({
  id: 'a',
  deleted: false as const,
  version,
  updatedAt: null,
  data: { id: 'a', ...fields },
});

/**
 * Applied push answers that give the kit no record to take: none it can use (the server took the
 * change, or something answered for it, garbled), or one older than the record already holds (a
 * replayed answer that a pull overtook). Neither becomes a dead letter or takes the record back in
 * time; without a usable record the change waits in the outbox until reading the record back
 * confirms it (the engine's `confirmByReading`).
 */
describe('applyPushOutcomes with answers that bring no record to take', () => {
  let db: ReturnType<typeof uniqueDatabase>;
  let storage: SyncStorage;

  beforeEach(async () => {
    db = uniqueDatabase('unusable');
    storage = testStorage(db.name, [plainSpec('todo')]);
    await storage.applyServerChanges('todo', [live(2, { title: 'v2' })]);
    await storage.write(update('todo', 'a', { title: 'mine' }));
  });

  afterEach(async () => {
    storage.close();
    await db.cleanup();
  });

  /** Sends the update (takes it), lets `meanwhile` happen, then applies `outcome` as its answer. */
  async function answer(
    outcome: (entry: StoredMutation) => PushOutcome,
    meanwhile?: () => Promise<unknown>
  ) {
    const [entry] = await storage.takePushBatch(10);
    await meanwhile?.();
    return storage.applyPushOutcomes([{ mutation: entry!, outcome: outcome(entry!) }], 5);
  }

  it('no usable record: not confirmed yet, the entry and the local data kept, the problem reported', async () => {
    const error = new OfflineSyncError('invalid-response', 'no id in the answer', {
      modelType: 'todo',
      recordId: 'a',
    });
    let sent: StoredMutation | undefined;
    const result = await answer((entry) => {
      sent = entry;
      return { mutationId: entry.mutationId, status: 'applied', record: null, error };
    });

    expect([result.applied, result.deadLettered]).toEqual([0, 0]);
    expect(result.unusable).toEqual([
      { modelType: 'todo', id: 'a', error, unconfirmed: sent as StoredMutation },
    ]);
    const { records, outbox } = await readRaw(db.name);
    expect(outbox.map((entry) => [entry.mutationId, entry.status])).toEqual([
      [sent?.mutationId as string, 'sending'],
    ]);
    expect(records[0]?.data).toEqual({ id: 'a', title: 'mine' });
    expect(records[0]?.meta).toEqual(jasmine.objectContaining({ state: 'pending', version: 2 }));
  });

  it('an answer older than the version held: applied, the record stays at the newer version', async () => {
    // While the update was in flight, a pull brought version 5 (the update, then another
    // device's change); the answer that comes now is the replay of version 3.
    const replay = live(3, { title: 'mine' });
    const result = await answer(
      (entry) => ({ mutationId: entry.mutationId, status: 'applied', record: replay }),
      () => storage.applyServerChanges('todo', [live(5, { title: 'mine', done: true })])
    );

    expect(result.applied).toBe(1);
    expect(result.unusable).toBeUndefined();
    const { records, outbox } = await readRaw(db.name);
    expect(outbox).toEqual([]);
    expect(records[0]?.data).toEqual({ id: 'a', title: 'mine', done: true });
    expect(records[0]?.meta).toEqual(jasmine.objectContaining({ state: 'synced', version: 5 }));
  });
});
