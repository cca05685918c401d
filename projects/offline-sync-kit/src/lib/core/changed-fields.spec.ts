import { changedFields, mergePatchBetween, sameValue } from './changed-fields';
import { indexKeys } from './index-keys';

describe('changedFields', () => {
  it('finds changed, added and removed top-level fields, comparing nested values deeply', () => {
    const before = { a: 1, b: { x: [1, 2] }, c: 'same', gone: true };
    const after = { a: 2, b: { x: [1, 2] }, c: 'same', added: null };
    expect(changedFields(before, after).sort()).toEqual(['a', 'added', 'gone']);
  });

  it('treats arrays and objects with the same keys as different', () => {
    expect(sameValue([1], { 0: 1 })).toBeFalse();
    expect(sameValue({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBeTrue();
  });

  it('builds a merge patch: null for removed fields, nested patches for changed objects', () => {
    const before = { a: 1, gone: 2, nested: { x: 1, y: 2, deep: { k: 1 } }, list: [1, 2] };
    const after = { a: 3, nested: { x: 1, deep: { k: 2 } }, list: [1] };
    expect(mergePatchBetween(before, after, changedFields(before, after))).toEqual({
      a: 3,
      gone: null,
      nested: { y: null, deep: { k: 2 } },
      list: [1],
    });
  });
});

describe('indexKeys', () => {
  it('indexes strings and finite numbers only', () => {
    const keys = indexKeys('todo', ['projectId', 'rank', 'done', 'missing', 'nan'], {
      projectId: 'p1',
      rank: 2,
      done: true,
      nan: Number.NaN,
    });
    expect(keys).toEqual([
      ['todo', 'projectId', 'p1'],
      ['todo', 'rank', 2],
    ]);
  });
});
