import { mutation, useTestServer, type TestServer } from './support/test-server';

describe('change feed GET /{endpoint}?cursor=&limit=', () => {
  const t = useTestServer();

  it('starts empty, with a cursor to come back with', async () => {
    const res = await t().get('/todos');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], cursor: jasmine.any(String), hasMore: false });
    expect((await t().get(`/todos?cursor=${res.body.cursor}`)).body.items).toEqual([]);
  });

  it('lists changes in write order, each record once in its latest state', async () => {
    await t().post('/todos', { id: 'a', n: 1 });
    await t().post('/todos', { id: 'b', n: 1 });
    await t().patch('/todos/a', { n: 2 });
    const res = await t().get('/todos?cursor=&limit=');
    expect(res.body.items.map((r: any) => [r.id, r.n, r.version])).toEqual([
      ['b', 1, 1],
      ['a', 2, 2],
    ]);
  });

  it('carries deletions as tombstones', async () => {
    await t().post('/todos', { id: 'a', title: 'x' });
    const { cursor } = (await t().get('/todos')).body;
    await t().delete('/todos/a');
    const res = await t().get(`/todos?cursor=${cursor}`);
    expect(res.body.items).toEqual([
      { id: 'a', deleted: true, version: 2, updatedAt: jasmine.any(String) },
    ]);
  });

  it('returns only what changed after the cursor', async () => {
    await t().post('/todos', { id: 'a' });
    const { cursor } = (await t().get('/todos')).body;
    await t().post('/todos', { id: 'b' });
    const res = await t().get(`/todos?cursor=${cursor}`);
    expect(res.body.items.map((r: any) => r.id)).toEqual(['b']);
    const again = await t().get(`/todos?cursor=${res.body.cursor}`);
    expect(again.body).toEqual({ items: [], cursor: res.body.cursor, hasMore: false });
  });

  it('pages through many records, each exactly once, in order', async () => {
    await seed(t(), 250);
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    for (let hasMore = true; hasMore; pages++) {
      const res = await t().get(`/todos?cursor=${cursor}&limit=7`);
      expect(res.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...res.body.items.map((r: any) => r.id));
      ({ cursor, hasMore } = res.body);
    }
    expect(pages).toBe(36);
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => `r${i}`));
  });

  it('moves a record changed during paging to a later page rather than losing it', async () => {
    await seed(t(), 10);
    const first = (await t().get('/todos?limit=5')).body;
    await t().patch('/todos/r0', { touched: true });
    await t().delete('/todos/r1');
    const rest = (await t().get(`/todos?cursor=${first.cursor}&limit=100`)).body;
    expect(rest.items.map((r: any) => r.id)).toEqual(['r5', 'r6', 'r7', 'r8', 'r9', 'r0', 'r1']);
    expect(rest.items[6].deleted).toBeTrue();
  });

  it('uses 100 items by default and caps limit at 1000', async () => {
    await seed(t(), 1001);
    const byDefault = (await t().get('/todos')).body;
    expect(byDefault.items.length).toBe(100);
    expect(byDefault.hasMore).toBeTrue();
    const capped = (await t().get('/todos?limit=5000')).body;
    expect(capped.items.length).toBe(1000);
    expect(capped.hasMore).toBeTrue();
    const last = (await t().get(`/todos?cursor=${capped.cursor}&limit=1000`)).body;
    expect(last.items.map((r: any) => r.id)).toEqual(['r1000']);
    expect(last.hasMore).toBeFalse();
  });

  it('keeps collections apart', async () => {
    await t().post('/todos', { id: 'a' });
    await t().post('/notes', { id: 'b' });
    expect((await t().get('/notes')).body.items.map((r: any) => r.id)).toEqual(['b']);
  });

  it('answers 400 invalid_cursor for a cursor it did not issue', async () => {
    for (const cursor of ['%%%', 'abc', 'LTE', 'MDE', 'OTk5OTk']) {
      const res = await t().get(`/todos?cursor=${cursor}`);
      expect(res.status).withContext(cursor).toBe(400);
      expect(res.body.error.code).withContext(cursor).toBe('invalid_cursor');
    }
  });

  it('answers 400 for a bad limit or an unknown parameter', async () => {
    for (const query of [
      'limit=0',
      'limit=-1',
      'limit=abc',
      'limit=1.5',
      'since=0',
      'limit=1&limit=2',
    ]) {
      const res = await t().get(`/todos?${query}`);
      expect(res.status).withContext(query).toBe(400);
      expect(res.body.error.code).withContext(query).toBe('invalid_request');
    }
  });
});

/** Creates records r0…r{n-1} in order, through batches (a round trip per record is slow). */
async function seed(server: TestServer, count: number): Promise<void> {
  for (let start = 0; start < count; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, count - start) }, (_, i) => `r${start + i}`);
    const res = await server.post('/sync/batch', {
      mutations: ids.map((id) => mutation({ op: 'create', id, data: { title: id } })),
    });
    expect(res.body.results.every((r: any) => r.status === 'applied')).toBeTrue();
  }
}
