import { OfflineSyncStorageActions } from './offline-sync-storage.actions';
import { Todo, TodoSync } from '../../testing-support/test-entities';
import { SyncMeta } from '../model/sync-meta';
import { defineSyncEntity } from './define-sync-entity';
import { OfflineSyncError } from '../model/sync-error';

const { reducer, actions } = TodoSync;
const meta = (state: SyncMeta['state'], version: number | null = null): SyncMeta => ({
  state,
  version,
  lastError: null,
  attempts: 0,
  localUpdatedAt: 5,
});
const todo = (id: string, title = id): Todo => ({ id, title, done: false });

describe('sync entity reducer', () => {
  const initial = reducer(undefined, { type: 'init' });

  it('applies local changes at once and marks them pending, keeping the known version', () => {
    let state = reducer(
      initial,
      actions.upsertedFromServer({ records: [todo('a')], metas: { a: meta('synced', 7) } })
    );
    state = reducer(state, actions.updated({ id: 'a', changes: { done: true } }));
    expect(state.entities['a']?.done).toBeTrue();
    expect(state.meta['a']).toEqual(jasmine.objectContaining({ state: 'pending', version: 7 }));
  });

  it('applies a burst (addedMany) like the same added actions one by one', () => {
    const start = reducer(
      initial,
      actions.upsertedFromServer({ records: [todo('a')], metas: { a: meta('synced', 3) } })
    );
    const records = [todo('a', 'changed'), todo('b'), { title: 'no id' } as Todo, todo('c')];
    const many = reducer(start, actions.addedMany({ records }));
    const oneByOne = records.reduce(
      (state, record) => reducer(state, actions.added({ record })),
      start
    );
    expect(many).toEqual(oneByOne);
    expect(many.ids).toEqual(['a', 'b', 'c']);
    expect(many.meta['a']).toEqual(jasmine.objectContaining({ state: 'pending', version: 3 }));
    expect(many.inflight).toEqual({ a: 1, b: 1, c: 1 });
  });

  it('leaves a record saved then deleted before hydration gone when both commit together', () => {
    let state = reducer(initial, actions.added({ record: todo('x'), writeId: 'w1' }));
    state = reducer(state, actions.removed({ id: 'x', writeId: 'w2' }));
    state = reducer(
      state,
      OfflineSyncStorageActions.writesCommitted({
        writes: [
          {
            writeId: 'w1',
            change: 'created',
            modelType: 'todo',
            id: 'x',
            record: { ...todo('x') },
            meta: meta('pending'),
          },
          {
            writeId: 'w2',
            change: 'removed',
            modelType: 'todo',
            id: 'x',
            record: null,
            meta: null,
          },
        ],
        pendingCount: 0,
      })
    );
    expect(state.entities['x']).toBeUndefined();
    expect(state.meta['x']).toBeUndefined();
    expect(state.inflight).toEqual({});
  });

  it('ignores an update of an unknown record and an added record without an id', () => {
    expect(reducer(initial, actions.updated({ id: 'x', changes: { done: true } }))).toBe(initial);
    expect(reducer(initial, actions.added({ record: { title: 'no id' } as Todo }))).toBe(initial);
  });

  it('lets hydration fill in stored rows without overwriting newer local changes or removals', () => {
    let state = reducer(initial, actions.added({ record: todo('a', 'newer') }));
    state = reducer(state, actions.removed({ id: 'b' }));
    state = reducer(
      state,
      actions.hydrated({
        records: [todo('a', 'older'), todo('b'), todo('c')],
        metas: { a: meta('synced', 1), b: meta('synced'), c: meta('synced', 2) },
      })
    );
    expect(state.ids).toEqual(['a', 'c']);
    expect(state.entities['a']?.title).toBe('newer');
    expect(state.meta['a']?.state).toBe('pending');
    expect(state.meta['c']).toEqual(meta('synced', 2));
    expect(state.hydrated).toBeTrue();
    expect(state.removedBeforeHydration).toEqual([]);
  });

  it('rolls back to the stored rows after a failed write, or flags the records if none could be read', () => {
    let state = reducer(
      initial,
      actions.hydrated({ records: [todo('a', 'stored')], metas: { a: meta('synced', 3) } })
    );
    state = reducer(state, actions.updated({ id: 'a', changes: { title: 'optimistic' } }));
    state = reducer(state, actions.added({ record: todo('n') }));
    const error = new OfflineSyncError('quota', 'full').toInfo();
    const writes = [
      { writeId: 'w1', modelType: 'todo', id: 'a' },
      { writeId: 'w2', modelType: 'todo', id: 'n' },
    ];
    const rolledBack = reducer(
      state,
      OfflineSyncStorageActions.writesFailed({
        writes,
        error,
        restored: [
          { modelType: 'todo', id: 'a', record: todo('a', 'stored'), meta: meta('synced', 3) },
          { modelType: 'todo', id: 'n', record: null, meta: null },
        ],
      })
    );
    expect(rolledBack.ids).toEqual(['a']);
    expect(rolledBack.entities['a']?.title).toBe('stored');
    expect(rolledBack.meta['a']).toEqual(meta('synced', 3));

    const flagged = reducer(
      state,
      OfflineSyncStorageActions.writesFailed({ writes, error, restored: null })
    );
    expect(flagged.meta['a']).toEqual(
      jasmine.objectContaining({ state: 'failed', lastError: error })
    );
  });

  it('leaves records to hydration after writes failed before it with nothing read back (a locked database)', () => {
    let state = reducer(initial, actions.added({ record: todo('never'), writeId: 'w1' }));
    state = reducer(state, actions.removed({ id: 'kept', writeId: 'w2' }));
    const error = new OfflineSyncError('encryption', 'locked').toInfo();
    state = reducer(
      state,
      OfflineSyncStorageActions.writesFailed({
        writes: [
          { writeId: 'w1', modelType: 'todo', id: 'never' },
          { writeId: 'w2', modelType: 'todo', id: 'kept' },
        ],
        error,
        restored: null,
      })
    );
    expect(state.ids).toEqual([]);
    expect(state.meta).toEqual({});

    // Unlocked: what is stored comes in; the failed save was never stored, the delete never done.
    state = reducer(
      state,
      actions.hydrated({ records: [todo('kept')], metas: { kept: meta('synced', 2) } })
    );
    expect(state.ids).toEqual(['kept']);
  });

  it('takes committed metadata only for its own type', () => {
    let state = reducer(initial, actions.added({ record: todo('a') }));
    const committed = { ...meta('pending'), localUpdatedAt: 99 };
    state = reducer(
      state,
      OfflineSyncStorageActions.writesCommitted({
        writes: [
          {
            writeId: 'w',
            change: 'created',
            modelType: 'todo',
            id: 'a',
            record: { ...todo('a') },
            meta: committed,
          },
          {
            writeId: 'v',
            change: 'created',
            modelType: 'project',
            id: 'a',
            record: null,
            meta: meta('synced'),
          },
        ],
        pendingCount: 1,
      })
    );
    expect(state.meta['a']).toEqual(committed);
  });

  it('holds a server update back while a local write of the record is in flight, then takes the stored result', () => {
    let state = reducer(
      initial,
      actions.hydrated({ records: [todo('a', 'v1')], metas: { a: meta('synced', 1) } })
    );
    state = reducer(state, actions.updated({ id: 'a', changes: { done: true } })); // in flight
    state = reducer(
      state,
      actions.upsertedFromServer({
        records: [todo('a', 'v2 from server')],
        metas: { a: meta('synced', 2) },
      })
    );
    expect(state.entities['a']).toEqual({ id: 'a', title: 'v1', done: true }); // the user's edit stays visible
    const stored = { id: 'a', title: 'v2 from server', done: true };
    state = reducer(
      state,
      OfflineSyncStorageActions.writesCommitted({
        writes: [
          {
            writeId: 'w',
            change: 'updated',
            modelType: 'todo',
            id: 'a',
            record: stored,
            meta: meta('pending', 2),
          },
        ],
        pendingCount: 1,
      })
    );
    expect(state.entities['a']).toEqual(stored);
    expect(state.meta['a']).toEqual(meta('pending', 2));
    expect(state.inflight).toEqual({});
    expect(state.staleIds).toEqual({});
  });

  it('takes the stored record of a write committed before hydration loaded it', () => {
    let state = reducer(initial, actions.updated({ id: 'a', changes: { done: true } })); // not loaded yet
    const stored = { id: 'a', title: 'a', done: true };
    state = reducer(
      state,
      OfflineSyncStorageActions.writesCommitted({
        writes: [
          {
            writeId: 'w',
            change: 'updated',
            modelType: 'todo',
            id: 'a',
            record: stored,
            meta: meta('pending'),
          },
        ],
        pendingCount: 1,
      })
    );
    state = reducer(
      state,
      actions.hydrated({ records: [todo('a')], metas: { a: meta('synced', 1) } })
    );
    expect(state.entities['a']).toEqual(stored);
    expect(state.meta['a']?.state).toBe('pending');
  });

  it('applies server updates at once to records without local writes in flight', () => {
    let state = reducer(
      initial,
      actions.hydrated({ records: [todo('a')], metas: { a: meta('synced', 1) } })
    );
    state = reducer(
      state,
      actions.upsertedFromServer({ records: [todo('a', 'new')], metas: { a: meta('synced', 2) } })
    );
    expect(state.entities['a']?.title).toBe('new');
    state = reducer(state, actions.removedFromServer({ ids: ['a'] }));
    expect(state.ids).toEqual([]);
    expect(state.meta).toEqual({});
  });

  it('keeps selectAll sorted by the sortComparer', () => {
    const Sorted = defineSyncEntity<Todo>({
      modelType: 'sorted',
      endpoint: 's',
      sortComparer: (a, b) => a.title.localeCompare(b.title),
    });
    let state = Sorted.reducer(undefined, { type: 'init' });
    for (const t of ['c', 'a', 'b'])
      state = Sorted.reducer(state, Sorted.actions.added({ record: todo(t) }));
    expect(Sorted.selectors.selectAll.projector(state)).toEqual([todo('a'), todo('b'), todo('c')]);
  });
});

describe('defineSyncEntity', () => {
  it('names the bad field of an invalid declaration', () => {
    const bad = [
      [{ modelType: '1bad', endpoint: 'x' }, /modelType/],
      [{ modelType: 'ok', endpoint: '' }, /endpoint/],
      [{ modelType: 'ok', endpoint: 'x', priority: Number.NaN }, /priority/],
      [{ modelType: 'ok', endpoint: 'x', indexes: [''] }, /indexes/],
      [{ modelType: 'ok', endpoint: 'x', serialize: (t: unknown) => t }, /serialize/],
    ] as const;
    for (const [config, pattern] of bad) {
      expect(() => defineSyncEntity(config as never)).toThrowMatching(
        (e) => e instanceof OfflineSyncError && e.kind === 'config' && pattern.test(e.message)
      );
    }
  });

  it('makes action types per entity type', () => {
    expect(TodoSync.actions.added.type as string).toBe('[Sync todo] Added');
    expect(TodoSync.featureKey).toBe('offlineSync:todo');
  });
});
