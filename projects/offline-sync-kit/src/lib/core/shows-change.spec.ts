import { ServerChange } from '../model/server-change';
import { showsChange } from './shows-change';

const live = (data: Record<string, unknown>): ServerChange => ({
  id: 't1',
  deleted: false,
  version: 4,
  updatedAt: null,
  data: { id: 't1', ...data },
});

describe('showsChange', () => {
  it('confirms a create or update whose fields the server record holds', () => {
    const create = { op: 'create' as const, patch: { id: 't1', title: 'Milk', done: false } };
    expect(showsChange(create, live({ title: 'Milk', done: false, version: 4 }))).toBeTrue();
    const nested = { op: 'update' as const, patch: { details: { size: 'L' } } };
    expect(showsChange(nested, live({ details: { size: 'L', colour: 'red' } }))).toBeTrue();
  });

  it('does not confirm what the server record lacks, or a record that is missing or deleted', () => {
    const update = { op: 'update' as const, patch: { done: true, note: null } };
    expect(showsChange(update, live({ done: false }))).toBeFalse();
    expect(showsChange(update, live({ done: true, note: 'still here' }))).toBeFalse();
    expect(showsChange(update, null)).toBeFalse();
    expect(
      showsChange(update, { id: 't1', deleted: true, version: 5, updatedAt: null })
    ).toBeFalse();
  });

  it('confirms a delete once the record is gone', () => {
    const remove = { op: 'delete' as const, patch: {} };
    expect(showsChange(remove, null)).toBeTrue();
    expect(showsChange(remove, live({}))).toBeFalse();
  });
});
