import { ConflictPolicy, ConflictResolutionStrategy } from '../model/sync-conflict';
import { defineSyncEntity, SyncEntityDefinition } from '../state/define-sync-entity';
import { Todo } from '../../testing-support/test-entities';
import { resolveConflict } from '../state/offline-sync-conflict.actions';
import { clearFaults, uniqueCollection } from '../../testing-support/sync-server-under-test';
import { afterAWhile, Device, Devices, serverRecord } from '../../testing-support/two-devices';

/** Which side changed what while the two devices were apart: A offline, B online. */
type Clash = 'update/update' | 'update/delete' | 'delete/update';

/**
 * Merges titles when both sides kept the record; otherwise keeps whichever side still has it.
 * Used as the `custom` resolver, so its outcome differs from every built-in strategy.
 */
const joinTitles: NonNullable<ConflictPolicy<Todo>['resolver']> = ({ local, server }) => {
  if (local && server) return { ...server, title: `${local.title} + ${server.title}` };
  return local ? 'local' : 'server';
};

/** What each strategy ends with, on both devices and the server (`null`: deleted everywhere). */
const expected: Record<
  Exclude<ConflictResolutionStrategy, 'manual'>,
  Record<Clash, Partial<Todo> | null>
> = {
  serverWins: {
    'update/update': { title: 'B', done: false },
    'update/delete': null,
    'delete/update': { title: 'B', done: false },
  },
  clientWins: {
    'update/update': { title: 'A', done: false },
    'update/delete': { title: 'A', done: false },
    'delete/update': null,
  },
  // B's edit is the later one; a delete loses to an update by default.
  lastUpdateWins: {
    'update/update': { title: 'B', done: false },
    'update/delete': { title: 'A', done: false },
    'delete/update': { title: 'B', done: false },
  },
  // Same field changed on both sides: the server's value by default; updates beat deletes.
  mergeFields: {
    'update/update': { title: 'B', done: false },
    'update/delete': { title: 'A', done: false },
    'delete/update': { title: 'B', done: false },
  },
  custom: {
    'update/update': { title: 'A + B', done: false },
    'update/delete': { title: 'A', done: false },
    'delete/update': { title: 'B', done: false },
  },
};

describe('conflicts between two devices, against the reference server', () => {
  let TodoSync: SyncEntityDefinition<Todo>;
  let devices: Devices<Todo>;

  beforeEach(async () => {
    TodoSync = defineSyncEntity<Todo>({ modelType: 'todo', endpoint: uniqueCollection('todos') });
    devices = new Devices(TodoSync);
    await clearFaults();
  });

  afterEach(() => devices.cleanup());

  /** Both devices hold todo t1, version 1; then A goes offline. */
  async function twoDevices(
    conflicts: ConflictPolicy<Todo>
  ): Promise<[Device<Todo>, Device<Todo>]> {
    const a = await devices.start('a', { sync: { conflicts } });
    const b = await devices.start('b', { sync: { conflicts } });
    await a.sync.saveModel<Todo>('todo', { id: 't1', title: 'Start', done: false });
    await a.settled();
    await b.settled();
    expect(b.record('t1')?.title).toBe('Start');
    a.offline();
    return [a, b];
  }

  /** A changes t1 offline, then B changes it online (later); then A comes back and both sync. */
  async function clash(
    a: Device<Todo>,
    b: Device<Todo>,
    kind: Clash,
    apart = false
  ): Promise<void> {
    const [aSide, bSide] = kind.split('/');
    if (aSide === 'update') await a.sync.updateModel<Todo>('todo', 't1', { title: 'A' });
    else await a.sync.deleteModel('todo', 't1');
    if (apart) await afterAWhile(); // B's change is clearly later, on any clock
    if (bSide === 'update') await b.sync.updateModel<Todo>('todo', 't1', { title: 'B' });
    else await b.sync.deleteModel('todo', 't1');
    await b.settled();
    a.online();
    await a.settled();
    await b.settled();
  }

  async function expectConverged(
    a: Device<Todo>,
    b: Device<Todo>,
    outcome: Partial<Todo> | null
  ): Promise<void> {
    const server = await serverRecord(TodoSync.endpoint, 't1');
    if (outcome === null) {
      expect(server).toBeNull();
      expect(a.record('t1')).toBeUndefined();
      expect(b.record('t1')).toBeUndefined();
    } else {
      expect(server).toEqual(jasmine.objectContaining(outcome));
      expect(a.record('t1')).toEqual(jasmine.objectContaining(outcome));
      expect(b.record('t1')).toEqual(jasmine.objectContaining(outcome));
    }
    for (const device of [a, b]) {
      expect(device.sync.currentStatus().pendingChanges).withContext(device.name).toBe(0);
      expect(device.sync.conflicts()).withContext(device.name).toEqual([]);
    }
  }

  for (const [strategy, outcomes] of Object.entries(expected)) {
    for (const [kind, outcome] of Object.entries(outcomes) as [Clash, Partial<Todo> | null][]) {
      it(`${strategy}, ${kind}: both devices and the server end with ${JSON.stringify(outcome)}`, async () => {
        const policy: ConflictPolicy<Todo> =
          strategy === 'custom'
            ? { strategy, resolver: joinTitles }
            : { strategy: strategy as ConflictResolutionStrategy };
        const [a, b] = await twoDevices(policy);
        await clash(a, b, kind, strategy === 'lastUpdateWins');
        await expectConverged(a, b, outcome);
      });
    }
  }

  for (const [kind, resolution, outcome] of [
    ['update/update', 'local', { title: 'A' }],
    ['update/delete', 'server', null],
    ['delete/update', 'local', null],
  ] as const) {
    it(`manual, ${kind}: waits in state until the app resolves it ('${resolution}'), then converges`, async () => {
      const [a, b] = await twoDevices({ strategy: 'manual' });
      await clash(a, b, kind);
      const [open] = a.sync.conflicts();
      expect(open).toEqual(
        jasmine.objectContaining({ modelType: 'todo', id: 't1', strategy: 'manual', error: null })
      );
      expect(open?.local === null).toBe(kind.startsWith('delete'));
      expect(open?.server === null).toBe(kind.endsWith('delete'));
      // Nothing was pushed for it: the server still has B's side.
      const server = await serverRecord(TodoSync.endpoint, 't1');
      expect(server === null).toBe(kind.endsWith('delete'));

      a.store.dispatch(resolveConflict({ modelType: 'todo', id: 't1', resolution }));
      await a.settled();
      await b.settled();
      await expectConverged(a, b, outcome);
    });
  }
});
