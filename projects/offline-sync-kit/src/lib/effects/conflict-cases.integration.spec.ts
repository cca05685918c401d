import { Injectable } from '@angular/core';
import { Actions, ofType } from '@ngrx/effects';
import { Action } from '@ngrx/store';
import { firstValueFrom } from 'rxjs';
import { ConflictPolicy, SyncConflict } from '../model/sync-conflict';
import { ConflictResolver } from '../providers/conflict-resolver';
import { defineSyncEntity, SyncEntityDefinition } from '../state/define-sync-entity';
import { Todo } from '../../testing-support/test-entities';
import { OfflineSyncConflictActions } from '../state/offline-sync-conflict.actions';
import { RestMapping } from '../model/rest-mapping';
import { eventually, readRaw } from '../../testing-support/test-database';
import {
  clearFaults,
  faultLog,
  setFaults,
  syncServer,
  uniqueCollection,
} from '../../testing-support/sync-server-under-test';
import {
  afterAWhile,
  Device,
  DeviceOptions,
  Devices,
  serverRecord,
} from '../../testing-support/two-devices';

const TWO_HOURS = 2 * 3600_000;

describe('conflict handling, case by case, against the reference server', () => {
  let TodoSync: SyncEntityDefinition<Todo>;
  let devices: Devices<Todo>;

  function useEntity(rest?: RestMapping) {
    TodoSync = defineSyncEntity<Todo>({
      modelType: 'todo',
      endpoint: uniqueCollection('todos'),
      rest,
    });
    devices = new Devices(TodoSync);
  }

  beforeEach(async () => {
    useEntity();
    await clearFaults();
  });

  afterEach(() => devices.cleanup());

  /** Both devices hold todo t1 ('Start', not done), version 1; A is offline. */
  async function twoDevices(
    conflicts: ConflictPolicy<Todo>,
    aOptions: DeviceOptions = {}
  ): Promise<[Device<Todo>, Device<Todo>]> {
    const a = await devices.start('a', { ...aOptions, sync: { conflicts, ...aOptions.sync } });
    const b = await devices.start('b', { sync: { conflicts } });
    await a.sync.saveModel<Todo>('todo', { id: 't1', title: 'Start', done: false });
    await a.settled();
    await b.settled();
    a.offline();
    return [a, b];
  }

  async function bEdits(b: Device<Todo>, changes: Partial<Todo>) {
    await b.sync.updateModel<Todo>('todo', 't1', changes);
    await b.settled();
  }

  async function reconnect(a: Device<Todo>, b: Device<Todo>) {
    a.online();
    await a.settled();
    await b.settled();
  }

  async function expectEverywhere(a: Device<Todo>, b: Device<Todo>, outcome: Partial<Todo> | null) {
    const server = await serverRecord(TodoSync.endpoint, 't1');
    if (outcome === null) {
      expect([server, a.record('t1'), b.record('t1')]).toEqual([null, undefined, undefined]);
      return;
    }
    expect(server).toEqual(jasmine.objectContaining(outcome));
    expect(a.record('t1')).toEqual(jasmine.objectContaining(outcome));
    expect(b.record('t1')).toEqual(jasmine.objectContaining(outcome));
  }

  function collect(device: Device<Todo>): Action[] {
    const seen: Action[] = [];
    device.app.injector
      .get(Actions)
      .pipe(
        ofType(
          OfflineSyncConflictActions.conflictDetected,
          OfflineSyncConflictActions.conflictResolved
        )
      )
      .subscribe((action) => seen.push(action));
    return seen;
  }

  describe('mergeFields', () => {
    it('merges fields changed on one side only, and reports base, local and server', async () => {
      const [a, b] = await twoDevices({ strategy: 'mergeFields' });
      const seen = collect(a);
      await a.sync.updateModel<Todo>('todo', 't1', { done: true });
      await bEdits(b, { title: 'Renamed on B' });
      await reconnect(a, b);
      await expectEverywhere(a, b, { title: 'Renamed on B', done: true });
      const [detected, resolved] = seen as [
        ReturnType<typeof OfflineSyncConflictActions.conflictDetected>,
        ReturnType<typeof OfflineSyncConflictActions.conflictResolved>,
      ];
      expect(detected.conflict).toEqual(
        jasmine.objectContaining({
          base: jasmine.objectContaining({ title: 'Start', done: false }),
          local: jasmine.objectContaining({ title: 'Start', done: true }),
          server: jasmine.objectContaining({ title: 'Renamed on B', done: false }),
          strategy: 'mergeFields',
          serverVersion: 2,
        })
      );
      expect(resolved).toEqual(
        jasmine.objectContaining({ strategy: 'mergeFields', outcome: 'merged' })
      );
    });

    it('meets conflicts per item of a batch push; the other items of the batch apply', async () => {
      const [a, b] = await twoDevices(
        { strategy: 'mergeFields' },
        { sync: { useBatchEndpoint: true } }
      );
      await a.sync.updateModel<Todo>('todo', 't1', { done: true });
      await a.sync.saveModel<Todo>('todo', { id: 't2', title: 'New on A', done: false });
      await bEdits(b, { title: 'Renamed on B' });
      await reconnect(a, b);
      await expectEverywhere(a, b, { title: 'Renamed on B', done: true });
      expect(await serverRecord(TodoSync.endpoint, 't2')).toEqual(
        jasmine.objectContaining({ title: 'New on A', version: 1 })
      );
      expect(b.record('t2')?.title).toBe('New on A');
    });

    it('gives a field changed on both sides to the configured side (clientWins here)', async () => {
      const [a, b] = await twoDevices({ strategy: 'mergeFields', sameField: 'clientWins' });
      await a.sync.updateModel<Todo>('todo', 't1', { title: 'Title from A', done: true });
      await bEdits(b, { title: 'Title from B' });
      await reconnect(a, b);
      await expectEverywhere(a, b, { title: 'Title from A', done: true });
    });

    it('lets a delete win over an update when configured so', async () => {
      const [a, b] = await twoDevices({ strategy: 'mergeFields', deleteVsUpdate: 'deleteWins' });
      await a.sync.updateModel<Todo>('todo', 't1', { done: true });
      await b.sync.deleteModel('todo', 't1');
      await b.settled();
      await reconnect(a, b);
      await expectEverywhere(a, b, null);
    });

    it('settles a conflict met by a pull (before any push), then pushes the merged record', async () => {
      const [a, b] = await twoDevices({ strategy: 'mergeFields' });
      await a.sync.updateModel<Todo>('todo', 't1', { done: true });
      await bEdits(b, { title: 'Renamed on B' });
      const seen = collect(a);
      await a.sync.pullFromServer('todo'); // A is still offline for pushes
      expect(seen.length).toBe(2);
      expect(a.record('t1')).toEqual(
        jasmine.objectContaining({ title: 'Renamed on B', done: true })
      );
      const { outbox } = await readRaw(a.databaseName);
      expect(outbox.map((m) => [m.op, m.baseVersion, m.patch])).toEqual([
        ['update', 2, { done: true }],
      ]);
      await reconnect(a, b);
      await expectEverywhere(a, b, { title: 'Renamed on B', done: true });
    });
  });

  describe('lastUpdateWins', () => {
    it('lets the later edit win when it is the offline one', async () => {
      const [a, b] = await twoDevices({ strategy: 'lastUpdateWins' });
      await bEdits(b, { title: 'Earlier, on B' });
      await afterAWhile();
      await a.sync.updateModel<Todo>('todo', 't1', { title: 'Later, on A' });
      await reconnect(a, b);
      await expectEverywhere(a, b, { title: 'Later, on A' });
    });

    for (const reload of [false, true]) {
      const when = reload ? ', after a reload made while offline (the offset is kept)' : '';
      it(`does not let a clock 2 hours ahead win against a later edit from a correct clock${when}`, async () => {
        const clock = () => Date.now() + TWO_HOURS;
        const [first, b] = await twoDevices({ strategy: 'lastUpdateWins' }, { clock });
        const a = reload ? await first.reload({ offline: true }) : first;
        await a.sync.updateModel<Todo>('todo', 't1', { title: 'Earlier, on A (clock 2 h ahead)' });
        // A stamps its change on the server's clock it learnt from Date headers, not its own.
        const stamped = (await readRaw(a.databaseName)).records[0];
        expect(Math.abs((stamped?.meta.localUpdatedAt ?? 0) - Date.now())).toBeLessThan(60_000);
        await afterAWhile();
        await bEdits(b, { title: 'Later, on B' });
        await reconnect(a, b);
        await expectEverywhere(a, b, { title: 'Later, on B' });
      });
    }
  });

  describe('manual', () => {
    it('keeps the conflict across a reload, takes local edits meanwhile without pushing them', async () => {
      const [first, b] = await twoDevices({ strategy: 'manual' });
      await first.sync.updateModel<Todo>('todo', 't1', { title: 'A' });
      await bEdits(b, { title: 'B' });
      first.online();
      await first.settled();
      expect(first.sync.conflicts().length).toBe(1);
      await first.sync.updateModel<Todo>('todo', 't1', { done: true }); // edited while open
      await first.settled();
      expect(await serverRecord(TodoSync.endpoint, 't1')).toEqual(
        jasmine.objectContaining({ title: 'B', done: false, version: 2 })
      );

      const a = await first.reload();
      expect(a.sync.conflicts()).toEqual([
        jasmine.objectContaining({
          id: 't1',
          strategy: 'manual',
          local: jasmine.objectContaining({ title: 'A', done: true }),
          server: jasmine.objectContaining({ title: 'B', done: false }),
        }),
      ]);
      expect(a.store.selectSignal(TodoSync.selectors.selectMetaById('t1'))()?.state).toBe(
        'conflict'
      );
      expect(a.sync.currentStatus().openConflicts).toBe(1);

      const decidedOn = a.sync.conflicts()[0]?.revision;
      await bEdits(b, { title: 'B again' }); // the server moves on while the conflict is open
      await a.settled();
      // A decision made on the conflict as it was before is not applied.
      await expectAsync(a.sync.resolveConflict('todo', 't1', 'local', decidedOn)).toBeRejectedWith(
        jasmine.objectContaining({ kind: 'conflict', recordId: 't1' })
      );
      expect(a.sync.conflicts().length).toBe(1);
      expect(a.sync.conflicts()[0]).toEqual(
        jasmine.objectContaining({
          serverVersion: 3,
          server: jasmine.objectContaining({ title: 'B again' }),
          local: jasmine.objectContaining({ title: 'A', done: true }),
        })
      );
      a.offline();
      await a.sync.resolveConflict('todo', 't1', 'local');
      // Counted as pending as soon as it is resolved, not only once the push reports.
      expect(a.sync.currentStatus().pendingChanges).toBe(1);
      a.online();
      await a.settled();
      await b.settled();
      await expectEverywhere(a, b, { title: 'A', done: true });
      expect(a.store.selectSignal(TodoSync.selectors.selectMetaById('t1'))()?.state).toBe('synced');
    });

    it('resolves on the revision the store shows after a local edit, without a reload', async () => {
      const [a, b] = await twoDevices({ strategy: 'manual' });
      await a.sync.updateModel<Todo>('todo', 't1', { title: 'A' });
      await bEdits(b, { title: 'B' });
      a.online();
      await a.settled();
      const before = a.sync.conflicts()[0]?.revision ?? -1;
      await a.sync.updateModel<Todo>('todo', 't1', { done: true }); // edited while open
      await a.settled();
      // The store follows the stored revision, so a decision made on what the app shows holds.
      const shown = a.sync.conflicts()[0];
      expect(shown?.revision).toBe(before + 1);
      expect(shown?.local).toEqual(jasmine.objectContaining({ title: 'A', done: true }));
      await a.sync.resolveConflict('todo', 't1', 'local', shown?.revision);
      await a.settled();
      await b.settled();
      await expectEverywhere(a, b, { title: 'A', done: true });
    });

    it('keeps a record deleted and saved again while its conflict is open in that conflict', async () => {
      const [a, b] = await twoDevices({ strategy: 'manual' });
      await a.sync.updateModel<Todo>('todo', 't1', { title: 'A' });
      await b.sync.deleteModel('todo', 't1');
      await b.settled();
      a.online();
      await a.settled();
      await a.sync.deleteModel('todo', 't1'); // the user deletes it, then undoes that
      await a.sync.saveModel<Todo>('todo', { id: 't1', title: 'A, restored', done: false });
      await a.settled();
      expect(await serverRecord(TodoSync.endpoint, 't1')).toBeNull(); // nothing pushed meanwhile
      expect(a.sync.conflicts()[0]?.local).toEqual(
        jasmine.objectContaining({ title: 'A, restored' })
      );
      await a.sync.resolveConflict('todo', 't1', 'local');
      await a.settled();
      await b.settled();
      await expectEverywhere(a, b, { title: 'A, restored' });
    });

    it('takes a merged record from the app, and refuses to resolve a conflict that is not open', async () => {
      const [a, b] = await twoDevices({ strategy: 'manual' });
      await a.sync.updateModel<Todo>('todo', 't1', { title: 'A' });
      await bEdits(b, { title: 'B' });
      a.online();
      await a.settled();
      await a.sync.resolveConflict<Todo>('todo', 't1', {
        merged: { id: 't1', title: 'A and B', done: true },
      });
      await a.settled();
      await b.settled();
      await expectEverywhere(a, b, { title: 'A and B', done: true });
      await expectAsync(a.sync.resolveConflict('todo', 't1', 'local')).toBeRejectedWith(
        jasmine.objectContaining({ kind: 'not-found' })
      );
    });
  });

  describe('custom', () => {
    it('leaves the conflict to the app with the error when the resolver throws; nothing is lost', async () => {
      const failing: ConflictPolicy<Todo> = {
        strategy: 'custom',
        resolver: () => Promise.reject(new Error('no rule for this case')),
      };
      const [a, b] = await twoDevices(failing);
      const failed = firstValueFrom(
        a.app.injector
          .get(Actions)
          .pipe(ofType(OfflineSyncConflictActions.conflictResolutionFailed))
      );
      await a.sync.updateModel<Todo>('todo', 't1', { title: 'A' });
      await bEdits(b, { title: 'B' });
      a.online();
      const { error } = await failed;
      expect(error.message).toContain('no rule for this case');
      expect(error.message).toContain('todo "t1"');
      expect(a.sync.conflicts()).toEqual([
        jasmine.objectContaining({
          strategy: 'manual',
          error: jasmine.objectContaining({ kind: 'conflict' }),
        }),
      ]);
      expect(a.record('t1')?.title).toBe('A'); // the local change is kept
      expect(await serverRecord(TodoSync.endpoint, 't1')).toEqual(
        jasmine.objectContaining({ title: 'B' })
      );

      const reloaded = await a.reload(); // still waiting for the app after a reload
      expect(reloaded.sync.conflicts()[0]?.strategy).toBe('manual');
      await reloaded.sync.resolveConflict('todo', 't1', 'server');
      await reloaded.settled();
      await expectEverywhere(reloaded, b, { title: 'B' });
    });

    it('refuses a resolver answer that is not a record, a side or null, keeping both versions', async () => {
      const forgetful: ConflictPolicy<Todo> = {
        strategy: 'custom',
        resolver: (() => undefined) as unknown as ConflictPolicy<Todo>['resolver'],
      };
      const [a, b] = await twoDevices(forgetful);
      await a.sync.updateModel<Todo>('todo', 't1', { title: 'A' });
      await bEdits(b, { title: 'B' });
      a.online();
      await eventually(
        () => a.sync.conflicts()[0]?.strategy === 'manual',
        'the conflict left to the app'
      );
      expect(a.sync.conflicts()[0]?.error?.message).toContain('the resolver answered undefined');
      expect(a.record('t1')?.title).toBe('A');
      expect(await serverRecord(TodoSync.endpoint, 't1')).toEqual(
        jasmine.objectContaining({ title: 'B' })
      );
    });

    it('uses a ConflictResolver class provided through DI', async () => {
      @Injectable()
      class DoneWins extends ConflictResolver {
        resolve({ local, server }: SyncConflict<Todo>) {
          return local && server ? { ...server, done: local.done || server.done } : 'server';
        }
      }
      const a = await devices.start('a', {
        sync: { conflicts: { strategy: 'custom' } },
        providers: [{ provide: ConflictResolver, useClass: DoneWins }],
      });
      const b = await devices.start('b');
      await a.sync.saveModel<Todo>('todo', { id: 't1', title: 'Start', done: false });
      await a.settled();
      await b.settled();
      a.offline();
      await a.sync.updateModel<Todo>('todo', 't1', { title: 'A', done: true });
      await bEdits(b, { title: 'B' });
      await reconnect(a, b);
      await expectEverywhere(a, b, { title: 'B', done: true });
    });

    it('runs a resolver that a reload interrupted again at start', async () => {
      const never: ConflictPolicy<Todo> = {
        strategy: 'custom',
        resolver: () => new Promise(() => undefined),
      };
      const [a, b] = await twoDevices(never);
      await a.sync.updateModel<Todo>('todo', 't1', { title: 'A' });
      await bEdits(b, { title: 'B' });
      a.online();
      await a.sync.syncAll();
      expect(a.sync.conflicts()).toEqual([jasmine.objectContaining({ strategy: 'custom' })]);

      const reloaded = await a.reload({
        sync: { conflicts: { strategy: 'custom', resolver: () => 'local' } },
      });
      await reloaded.settled();
      await b.settled();
      await expectEverywhere(reloaded, b, { title: 'A' });
    });
  });

  describe('a conflict answer without the current record', () => {
    afterEach(() => clearFaults());

    it('reads the record before deciding, so a delete refused as stale is not taken for done', async () => {
      const proxied = { sync: { serverUrl: syncServer().proxyUrl } };
      const [a, b] = await twoDevices({ strategy: 'mergeFields' }, proxied);
      await a.sync.deleteModel('todo', 't1');
      await setFaults([
        {
          match: { method: 'DELETE', pathPrefix: `/${TodoSync.endpoint}/t1` },
          failWith: {
            status: 412,
            body: { error: { code: 'precondition_failed', message: 'stale' } },
          },
        },
      ]);
      await reconnect(a, b);
      // The server's record is still the one A deleted (unchanged): A's delete wins and is sent.
      expect((await faultLog()).filter((e) => e.method === 'DELETE').map((e) => e.status)).toEqual([
        412, 204,
      ]);
      await expectEverywhere(a, b, null);
    });
  });

  describe('a server that keeps refusing', () => {
    afterEach(() => clearFaults());

    it('pauses pushing with backoff instead of re-sending a settled version at once, again and again', async () => {
      const proxied = { sync: { serverUrl: syncServer().proxyUrl } };
      const [a] = await twoDevices({ strategy: 'mergeFields' }, proxied);
      await a.sync.updateModel<Todo>('todo', 't1', { title: 'A' });
      await setFaults([
        {
          match: { method: 'PATCH', pathPrefix: `/${TodoSync.endpoint}/t1` },
          times: 'always',
          failWith: { status: 409, body: { error: { code: 'conflict', message: 'no' } } },
        },
      ]);
      a.online();
      await eventually(() => a.sync.currentStatus().nextRetryAt !== null, 'a scheduled retry');
      expect(a.sync.currentStatus().lastError).toEqual(
        jasmine.objectContaining({ kind: 'conflict', recordId: 't1' })
      );
      const patches = (await faultLog()).filter((e) => e.method === 'PATCH');
      expect(patches.length).toBe(3);
      expect(a.record('t1')?.title).toBe('A'); // the local change is kept, still pending
      expect(a.sync.currentStatus().pendingChanges).toBe(1);
    });
  });

  describe('an API without versions', () => {
    beforeEach(() => useEntity({ versionSource: 'none' }));

    it('finds the conflict by pulling before pushing and comparing with the base', async () => {
      const [a, b] = await twoDevices({ strategy: 'mergeFields' });
      await a.sync.updateModel<Todo>('todo', 't1', { title: 'A', done: true });
      await bEdits(b, { title: 'B' });
      await reconnect(a, b);
      // Without detection A's PATCH would have overwritten B's title; merged, the server's wins.
      await expectEverywhere(a, b, { title: 'B', done: true });
    });
  });
});
