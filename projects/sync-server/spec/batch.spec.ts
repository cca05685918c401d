import type { ChangeEvent } from '../src';
import { mutation, useTestServer } from './support/test-server';

describe('POST /sync/batch', () => {
  const t = useTestServer({ collections: ['todos', 'notes'], maxBatchSize: 50 });

  const batch = async (mutations: unknown[]) => {
    const res = await t().post('/sync/batch', { mutations });
    expect(res.status).toBe(200);
    return res.body.results as any[];
  };

  it('applies mutations in order and answers one result per mutation', async () => {
    const results = await batch([
      mutation({ mutationId: 'm1', op: 'create', id: 't1', data: { title: 'Milk' } }),
      mutation({ mutationId: 'm2', op: 'update', id: 't1', data: { done: true }, baseVersion: 1 }),
      mutation({
        mutationId: 'm3',
        op: 'replace',
        id: 't1',
        data: { title: 'Bread' },
        baseVersion: 2,
      }),
      mutation({
        mutationId: 'm4',
        op: 'create',
        endpoint: '/notes',
        id: 'n1',
        data: { text: 'hi' },
      }),
      mutation({ mutationId: 'm5', op: 'delete', endpoint: 'notes', id: 'n1', baseVersion: 1 }),
    ]);
    expect(results.map((r) => [r.mutationId, r.status, r.httpStatus])).toEqual([
      ['m1', 'applied', 201],
      ['m2', 'applied', 200],
      ['m3', 'applied', 200],
      ['m4', 'applied', 201],
      ['m5', 'applied', 204],
    ]);
    expect(results[2].record).toEqual({
      id: 't1',
      title: 'Bread',
      version: 3,
      updatedAt: jasmine.any(String),
    });
    expect(results[4].record).toEqual({
      id: 'n1',
      deleted: true,
      version: 2,
      updatedAt: jasmine.any(String),
    });
    expect((await t().get('/todos/t1')).body).toEqual(results[2].record);
  });

  it('answers mixed results without one bad mutation hiding the others', async () => {
    await t().post('/todos', { id: 'taken', title: 'old' });
    await t().patch('/todos/taken', { title: 'newer' });
    const results = await batch([
      mutation({ mutationId: 'ok-1', op: 'create', id: 'a', data: { n: 1 } }),
      mutation({ mutationId: 'stale', op: 'update', id: 'taken', data: { n: 2 }, baseVersion: 1 }),
      mutation({ mutationId: 'dup', op: 'create', id: 'taken', data: {} }),
      mutation({ mutationId: 'missing', op: 'update', id: 'ghost', data: { n: 3 } }),
      mutation({ mutationId: 'bad-op', op: 'upsert', id: 'b', data: {} }),
      mutation({ mutationId: 'bad-id', op: 'create', id: 'x'.repeat(129), data: {} }),
      mutation({ mutationId: 'bad-coll', op: 'create', endpoint: 'users', id: 'u', data: {} }),
      mutation({ mutationId: 'extra', op: 'create', id: 'c', data: {}, priority: 1 }),
      mutation({ mutationId: 'no-data', op: 'create', id: 'd' }),
      'not an object',
      mutation({ mutationId: 'ok-2', op: 'create', id: 'e', data: { n: 5 } }),
    ]);
    expect(results.map((r) => [r.mutationId, r.status, r.httpStatus, r.error?.code])).toEqual([
      ['ok-1', 'applied', 201, undefined],
      ['stale', 'conflict', 409, undefined],
      ['dup', 'conflict', 409, undefined],
      ['missing', 'rejected', 404, 'not_found'],
      ['bad-op', 'rejected', 400, 'invalid_request'],
      ['bad-id', 'rejected', 400, 'invalid_id'],
      ['bad-coll', 'rejected', 404, 'unknown_collection'],
      ['extra', 'rejected', 400, 'invalid_request'],
      ['no-data', 'rejected', 400, 'invalid_request'],
      [null, 'rejected', 400, 'invalid_request'],
      ['ok-2', 'applied', 201, undefined],
    ]);
    expect(results[1].current).toEqual(
      jasmine.objectContaining({ id: 'taken', version: 2, title: 'newer' })
    );
    expect(results[2].current.version).toBe(2);
    const ids = (await t().get('/todos')).body.items.map((r: any) => r.id);
    expect(ids).toEqual(['taken', 'a', 'e']);
  });

  it('lets later mutations see earlier ones, and a rejected one leaves nothing behind', async () => {
    const results = await batch([
      mutation({ op: 'create', id: 't1', data: { n: 0 } }),
      mutation({ op: 'update', id: 't1', data: { n: 1 }, baseVersion: 5 }),
      mutation({ op: 'update', id: 't1', data: { n: 2 }, baseVersion: 1 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'conflict', 'applied']);
    expect((await t().get('/todos/t1')).body).toEqual(
      jasmine.objectContaining({ n: 2, version: 2 })
    );
  });

  it('replays a mutationId repeated in the same batch, and rejects it with other content', async () => {
    const results = await batch([
      mutation({ mutationId: 'same', op: 'create', id: 't1', data: { n: 1 } }),
      mutation({ mutationId: 'same', op: 'create', id: 't1', data: { n: 1 } }),
      mutation({ mutationId: 'same', op: 'create', id: 't1', data: { n: 2 } }),
    ]);
    expect(results.map((r) => [r.status, r.httpStatus])).toEqual([
      ['applied', 201],
      ['applied', 201],
      ['rejected', 422],
    ]);
    expect(results[1].record).toEqual(results[0].record);
  });

  it('answers an empty batch with no results', async () => {
    expect(await batch([])).toEqual([]);
  });

  it('tells listeners about each committed write once, after the batch', async () => {
    const events: ChangeEvent[] = [];
    t().server.onChange((e) => events.push(e));
    await batch([
      mutation({ op: 'create', id: 't1', data: {} }),
      mutation({ op: 'update', id: 't1', data: {}, baseVersion: 9 }),
      mutation({ op: 'delete', id: 't1' }),
      mutation({ op: 'delete', id: 't1' }),
    ]);
    expect(events.map((e) => [e.op, e.collection, e.entry.version, e.userId])).toEqual([
      ['create', 'todos', 1, null],
      ['delete', 'todos', 2, null],
    ]);
    expect(events[1]!.seq).toBeGreaterThan(events[0]!.seq);
  });

  it('answers 400 for a broken envelope and writes nothing', async () => {
    const before = t().snapshot();
    const tooMany = Array.from({ length: 51 }, (_, i) =>
      mutation({ op: 'create', id: `t${i}`, data: {} })
    );
    for (const body of [
      [],
      { mutations: {} },
      { mutations: [], extra: 1 },
      { mutation: [] },
      { mutations: tooMany },
    ]) {
      const res = await t().post('/sync/batch', body);
      expect(res.status).withContext(JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect(t().snapshot()).toBe(before);
  });
});
