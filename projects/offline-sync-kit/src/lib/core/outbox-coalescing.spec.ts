import { Mutation } from '../model/mutation';
import { coalesce, OutboxChange } from './outbox-coalescing';

function change(
  op: OutboxChange['op'],
  before: object | null,
  after: object | null,
  mutationId = 'm-new'
): OutboxChange {
  return {
    modelType: 'todo',
    recordId: 't1',
    op,
    before: before as OutboxChange['before'],
    after: after as OutboxChange['after'],
    baseVersion: before ? 3 : null,
    mutationId,
    createdAt: 2000,
    priority: 1,
  };
}

function queued(op: Mutation['op'], patch: object, base: object | null): Mutation {
  return {
    mutationId: 'm-old',
    modelType: 'todo',
    recordId: 't1',
    op,
    changedFields: Object.keys(patch),
    patch: patch as Mutation['patch'],
    base: base as Mutation['base'],
    baseVersion: base ? 3 : null,
    priority: 1,
    attempts: 0,
    createdAt: 1000,
    status: 'queued',
  };
}

describe('coalesce (outbox rules)', () => {
  const base = { id: 't1', title: 'Milk', done: false };

  it('inserts a create with every field when nothing is queued', () => {
    const step = coalesce(undefined, change('create', null, base));
    expect(step.kind).toBe('insert');
    if (step.kind !== 'insert') return;
    expect(step.mutation).toEqual(
      jasmine.objectContaining({
        op: 'create',
        patch: base,
        changedFields: ['id', 'title', 'done'],
        base: null,
        baseVersion: null,
      })
    );
  });

  it('inserts an update carrying only the changed fields, its base and base version', () => {
    const step = coalesce(undefined, change('update', base, { ...base, done: true }));
    expect(step).toEqual({
      kind: 'insert',
      mutation: jasmine.objectContaining({
        op: 'update',
        changedFields: ['done'],
        patch: { done: true },
        base,
        baseVersion: 3,
      }),
    });
  });

  it('does nothing for an update that changes no field', () => {
    expect(coalesce(undefined, change('update', base, { ...base }))).toEqual({ kind: 'none' });
  });

  it('create + update → one create holding the latest values, same id and place', () => {
    const step = coalesce(
      queued('create', base, null),
      change('update', base, { ...base, title: 'Oat milk' })
    );
    expect(step).toEqual({
      kind: 'replace',
      mutation: jasmine.objectContaining({
        mutationId: 'm-old',
        op: 'create',
        patch: { ...base, title: 'Oat milk' },
        createdAt: 1000,
      }),
    });
  });

  it('update + update → one update of the union of changed fields, first base kept', () => {
    const first = queued('update', { done: true }, base);
    const step = coalesce(
      first,
      change('update', { ...base, done: true }, { ...base, done: true, title: 'Bread' })
    );
    expect(step).toEqual({
      kind: 'replace',
      mutation: jasmine.objectContaining({
        mutationId: 'm-old',
        op: 'update',
        changedFields: ['title', 'done'],
        patch: { title: 'Bread', done: true },
        base,
        baseVersion: 3,
      }),
    });
  });

  it('update + update back to the base → the entry is dropped (nothing left to send)', () => {
    const first = queued('update', { done: true }, base);
    expect(coalesce(first, change('update', { ...base, done: true }, base))).toEqual({
      kind: 'drop',
      mutationId: 'm-old',
    });
  });

  it('update + update that removes a field → the patch sets it to null (merge-patch removal)', () => {
    const first = queued('update', { done: true }, base);
    const step = coalesce(
      first,
      change('update', { ...base, done: true }, { id: 't1', done: true })
    );
    expect(step.kind === 'replace' && step.mutation.patch).toEqual({ title: null, done: true });
  });

  it('create + delete → nothing at all', () => {
    expect(coalesce(queued('create', base, null), change('delete', base, null))).toEqual({
      kind: 'drop',
      mutationId: 'm-old',
    });
  });

  it('update + delete → one delete on the original base version', () => {
    const step = coalesce(
      queued('update', { done: true }, base),
      change('delete', { ...base, done: true }, null)
    );
    expect(step).toEqual({
      kind: 'replace',
      mutation: jasmine.objectContaining({
        mutationId: 'm-old',
        op: 'delete',
        patch: {},
        changedFields: [],
        baseVersion: 3,
        base,
      }),
    });
  });

  it('delete + create → a new entry after the delete (order must be kept)', () => {
    const step = coalesce(queued('delete', {}, base), change('create', null, base));
    expect(step.kind).toBe('insert');
    expect(step.kind === 'insert' && step.mutation.mutationId).toBe('m-new');
  });
});
