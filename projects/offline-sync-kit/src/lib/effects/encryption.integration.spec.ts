import { Actions, ofType } from '@ngrx/effects';
import { inject, provideEnvironmentInitializer } from '@angular/core';
import { EncryptionKeyError } from '../model/encryption-errors';
import { OfflineSyncError } from '../model/sync-error';
import { defineSyncEntity, SyncEntityDefinition } from '../state/define-sync-entity';
import { OfflineSyncEncryptionActions } from '../state/offline-sync-encryption.actions';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { Todo } from '../../testing-support/test-entities';
import { eventually, rejectionOf } from '../../testing-support/test-database';
import { rawText } from '../../testing-support/raw-storage';
import { uniqueCollection } from '../../testing-support/sync-server-under-test';
import { afterAWhile, Devices, serverRecord } from '../../testing-support/two-devices';

// The minimum PBKDF2 work the kit accepts, to keep the specs quick; apps get 600,000 by default.
const PASSPHRASE = { passphrase: 'tr41n-t0-b4s3l', iterations: 100_000 };
const OTHER_PASSPHRASE = { passphrase: 'not-the-one', iterations: 100_000 };

describe('encryption at rest in the running kit, against the reference server', () => {
  let TodoSync: SyncEntityDefinition<Todo>;
  let endpoint: string;
  let devices: Devices<Todo>;

  beforeEach(() => {
    endpoint = uniqueCollection('todos');
    TodoSync = defineSyncEntity<Todo>({ modelType: 'todo', endpoint });
    devices = new Devices(TodoSync);
  });

  afterEach(() => devices.cleanup());

  it('syncs as usual: the server gets plaintext, the device stores none', async () => {
    const a = await devices.start('a', { encryption: PASSPHRASE });
    const b = await devices.start('b');
    // The state reaches the store through an action, which may come just after hydration.
    await eventually(() => a.sync.encryptionState() === 'on', "a's encryption state 'on'");
    expect(a.sync.isEncryptionEnabled()).toBeTrue();
    const todo = await a.sync.saveModel<Todo>('todo', { title: 'enc-secret milk', done: false });
    await a.settled();
    expect(await serverRecord(endpoint, todo.id)).toEqual(
      jasmine.objectContaining({ title: 'enc-secret milk' })
    );
    await b.settled();
    expect(b.record(todo.id)?.title).toBe('enc-secret milk');

    await b.sync.updateModel<Todo>('todo', todo.id, { title: 'enc-secret oat milk' });
    await b.settled();
    await a.settled();
    expect(a.record(todo.id)?.title).toBe('enc-secret oat milk');
    expect(await rawText(a.databaseName)).not.toContain('enc-secret');
    expect(await rawText(b.databaseName)).toContain('enc-secret oat milk');
  });

  it('keeps changes made offline through a reload, encrypted, and pushes them when back online', async () => {
    const a = await devices.start('a', { encryption: PASSPHRASE });
    await a.settled(); // the first sync after hydration is over
    a.offline();
    const todo = await a.sync.saveModel<Todo>('todo', { title: 'enc-offline eggs', done: false });
    await a.sync.updateModel<Todo>('todo', todo.id, { done: true });
    expect(await rawText(a.databaseName)).not.toContain('enc-offline');

    const states: string[] = [];
    const recordStates = provideEnvironmentInitializer(() =>
      inject(Actions)
        .pipe(ofType(OfflineSyncEncryptionActions.stateChanged))
        .subscribe(({ state }) => states.push(state))
    );
    const reloaded = await a.reload({ offline: true, providers: [recordStates] });
    // The right key at start: never shown as locked, not even for a moment.
    expect(states).toContain('on');
    expect(states).not.toContain('locked');
    expect(reloaded.record(todo.id)).toEqual(
      jasmine.objectContaining({ title: 'enc-offline eggs', done: true })
    );
    expect(reloaded.sync.currentStatus().pendingChanges).toBe(1);
    reloaded.online();
    await reloaded.settled();
    expect(await serverRecord(endpoint, todo.id)).toEqual(
      jasmine.objectContaining({ title: 'enc-offline eggs', done: true })
    );
  });

  it('a wrong passphrase locks the device with a typed error and changes nothing; the right one opens it', async () => {
    const a = await devices.start('a', { encryption: PASSPHRASE });
    a.offline();
    const todo = await a.sync.saveModel<Todo>('todo', { title: 'enc-kept bread', done: false });
    a.app.destroy();
    const before = await rawText(a.databaseName);

    const failures: string[] = [];
    const recordFailures = provideEnvironmentInitializer(() =>
      inject(Actions)
        .pipe(ofType(OfflineSyncEncryptionActions.encryptionFailed))
        .subscribe(({ error }) => failures.push(`${error.kind}: ${error.message}`))
    );
    const locked = await devices.start(
      'a',
      {
        encryption: OTHER_PASSPHRASE,
        offline: true,
        waitForHydration: false,
        providers: [recordFailures],
      },
      a.databaseName
    );
    const hydration = await rejectionOf<OfflineSyncError>(locked.sync.whenHydrated());
    expect(hydration?.kind).toBe('encryption');
    expect(locked.sync.encryptionState()).toBe('locked');
    expect(locked.store.selectSignal(offlineSyncFeature.selectLastError)()).toEqual(
      jasmine.objectContaining({ kind: 'encryption' })
    );
    expect(failures).toEqual([
      jasmine.stringMatching(
        /^encryption: The key does not match the one this database was encrypted with/
      ),
    ]);
    expect(
      await rejectionOf(locked.sync.saveModel<Todo>('todo', { title: 'never stored', done: false }))
    ).toEqual(jasmine.any(OfflineSyncError));
    expect(await rejectionOf(locked.sync.enableEncryption(OTHER_PASSPHRASE))).toEqual(
      jasmine.any(EncryptionKeyError)
    );
    // Online and asked to sync while locked: nothing can be read, so nothing goes out.
    locked.online();
    await rejectionOf(locked.sync.syncAll());
    expect(await serverRecord(endpoint, todo.id)).toBeNull();
    expect(await rawText(a.databaseName)).toBe(before);

    await locked.sync.enableEncryption(PASSPHRASE);
    await locked.sync.whenHydrated();
    expect(locked.sync.encryptionState()).toBe('on');
    expect(locked.record(todo.id)?.title).toBe('enc-kept bread');
    await locked.settled();
    expect(await serverRecord(endpoint, todo.id)).toEqual(
      jasmine.objectContaining({ title: 'enc-kept bread' })
    );
  });

  it('turns encryption on, off and on with another key at run time, data and sync intact', async () => {
    const a = await devices.start('a');
    const todos = await Promise.all(
      ['one', 'two', 'three'].map((n) =>
        a.sync.saveModel<Todo>('todo', { title: `enc-rt ${n}`, done: false })
      )
    );
    expect(a.sync.encryptionState()).toBe('off');
    await a.sync.enableEncryption('first passphrase, default iterations');
    expect(a.sync.isEncryptionEnabled()).toBeTrue();
    expect(await rawText(a.databaseName)).not.toContain('enc-rt');
    await a.sync.disableEncryption();
    expect(a.sync.encryptionState()).toBe('off');
    expect(await rawText(a.databaseName)).toContain('enc-rt two');
    await a.sync.enableEncryption(PASSPHRASE);
    await a.sync.changeEncryptionKey(OTHER_PASSPHRASE);
    expect(await rawText(a.databaseName)).not.toContain('enc-rt');
    await a.settled();
    for (const todo of todos) {
      expect(await serverRecord(endpoint, todo.id)).toEqual(
        jasmine.objectContaining({ title: todo.title })
      );
    }
    const reloaded = await a.reload({ encryption: OTHER_PASSPHRASE });
    expect(todos.map((todo) => reloaded.record(todo.id)?.title)).toEqual(todos.map((t) => t.title));
  });

  it('keeps open manual conflicts encrypted and resolvable after a reload', async () => {
    const sync = { conflicts: { strategy: 'manual' as const } };
    const a = await devices.start('a', { encryption: PASSPHRASE, sync });
    const b = await devices.start('b', { sync });
    const todo = await a.sync.saveModel<Todo>('todo', { title: 'enc-base', done: false });
    await a.settled();
    await b.settled();
    a.offline();
    await a.sync.updateModel<Todo>('todo', todo.id, { title: 'enc-conflict local' });
    await afterAWhile();
    await b.sync.updateModel<Todo>('todo', todo.id, { title: 'server side' });
    await b.settled();
    a.online();
    await a.sync.syncAll();
    await eventually(() => a.sync.conflicts().length === 1, 'the conflict on A');
    expect(await rawText(a.databaseName)).not.toContain('enc-conflict');

    const reloaded = await a.reload({ encryption: PASSPHRASE });
    expect(reloaded.sync.conflicts()[0]?.local).toEqual(
      jasmine.objectContaining({ title: 'enc-conflict local' })
    );
    await reloaded.sync.resolveConflict('todo', todo.id, 'local');
    await reloaded.settled();
    expect(await serverRecord(endpoint, todo.id)).toEqual(
      jasmine.objectContaining({ title: 'enc-conflict local' })
    );
  });
});
