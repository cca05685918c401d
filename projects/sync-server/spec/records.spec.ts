import { useTestServer } from './support/test-server';

describe('record routes', () => {
  const t = useTestServer({ collections: ['todos', 'notes'] });

  describe('POST /{endpoint}', () => {
    it('creates a record at version 1 with server fields and an ETag', async () => {
      const res = await t().post('/todos', { id: 't1', title: 'Milk', tags: ['a'] });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: 't1',
        title: 'Milk',
        tags: ['a'],
        version: 1,
        updatedAt: jasmine.any(String),
      });
      expect(new Date(res.body.updatedAt).toISOString()).toBe(res.body.updatedAt);
      expect(res.headers.get('etag')).toBe('"1"');
    });

    it('answers 409 with the current record when the id exists', async () => {
      const first = await t().post('/todos', { id: 't1', title: 'Milk' });
      const res = await t().post('/todos', { id: 't1', title: 'Bread' });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
      expect(res.body.current).toEqual(first.body);
    });

    it('ignores echoed server fields and keeps its own', async () => {
      const res = await t().post('/todos', { id: 't1', title: 'x', version: 9, updatedAt: 'then' });
      expect(res.body.version).toBe(1);
      expect(res.body.updatedAt).not.toBe('then');
    });

    it('keeps ids of different collections apart', async () => {
      await t().post('/todos', { id: 'same', kind: 'todo' });
      const res = await t().post('/notes', { id: 'same', kind: 'note' });
      expect(res.status).toBe(201);
      expect((await t().get('/todos/same')).body.kind).toBe('todo');
    });

    it('re-creates a deleted record with a higher version', async () => {
      await t().post('/todos', { id: 't1', title: 'a' });
      await t().delete('/todos/t1');
      const res = await t().post('/todos', { id: 't1', title: 'b' });
      expect(res.status).toBe(201);
      expect(res.body.version).toBe(3);
    });
  });

  describe('GET /{endpoint}/{id}', () => {
    it('reads a record with its ETag', async () => {
      await t().post('/todos', { id: 't1', title: 'Milk' });
      const res = await t().get('/todos/t1');
      expect(res.status).toBe(200);
      expect(res.body.title).toBe('Milk');
      expect(res.headers.get('etag')).toBe('"1"');
    });

    it('answers 404 for an unknown or deleted record', async () => {
      expect((await t().get('/todos/nope')).body.error.code).toBe('not_found');
      await t().post('/todos', { id: 't1' });
      await t().delete('/todos/t1');
      const res = await t().get('/todos/t1');
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });
  });

  describe('PATCH /{endpoint}/{id}', () => {
    beforeEach(async () => {
      await t().post('/todos', { id: 't1', title: 'Milk', done: false, meta: { a: 1, b: 2 } });
    });

    it('merges the changed fields (JSON Merge Patch) and bumps the version', async () => {
      const res = await t().patch('/todos/t1', { done: true, meta: { b: null, c: 3 } }, ifMatch(1));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: 't1',
        title: 'Milk',
        done: true,
        meta: { a: 1, c: 3 },
        version: 2,
        updatedAt: jasmine.any(String),
      });
      expect(res.headers.get('etag')).toBe('"2"');
    });

    it('removes a field set to null', async () => {
      const res = await t().patch('/todos/t1', { title: null });
      expect(res.body.title).toBeUndefined();
      expect('title' in res.body).toBeFalse();
    });

    it('accepts If-Match as "2", 2, W/"2" and *', async () => {
      for (const [header, version] of [
        ['"1"', 1],
        ['2', 2],
        ['W/"3"', 3],
        ['*', 4],
      ] as const) {
        const res = await t().patch(
          '/todos/t1',
          { n: version },
          { headers: { 'if-match': header } }
        );
        expect(res.status).withContext(header).toBe(200);
        expect(res.body.version).toBe(version + 1);
      }
    });

    it('answers 409 with the current record for a stale If-Match', async () => {
      await t().patch('/todos/t1', { done: true }, ifMatch(1));
      const res = await t().patch('/todos/t1', { title: 'Bread' }, ifMatch(1));
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
      expect(res.body.current).toEqual(jasmine.objectContaining({ version: 2, title: 'Milk' }));
      expect(res.headers.get('etag')).toBe('"2"');
      expect((await t().get('/todos/t1')).body.title).toBe('Milk');
    });

    it('answers 404 for a record that never existed, 412 when it also names a version', async () => {
      expect((await t().patch('/todos/nope', { a: 1 })).status).toBe(404);
      const res = await t().patch('/todos/nope', { a: 1 }, ifMatch(1));
      expect(res.status).toBe(412);
      expect(res.body.error.code).toBe('precondition_failed');
    });

    it('answers 409 with the tombstone when the record was deleted', async () => {
      await t().delete('/todos/t1');
      const res = await t().patch('/todos/t1', { done: true });
      expect(res.status).toBe(409);
      expect(res.body.current).toEqual({
        id: 't1',
        deleted: true,
        version: 2,
        updatedAt: jasmine.any(String),
      });
    });
  });

  describe('PUT /{endpoint}/{id}', () => {
    it('creates a missing record (201) and replaces an existing one (200)', async () => {
      const created = await t().put('/todos/t1', { title: 'Milk', done: false });
      expect(created.status).toBe(201);
      expect(created.body.version).toBe(1);
      const replaced = await t().put('/todos/t1', { title: 'Bread' }, ifMatch(1));
      expect(replaced.status).toBe(200);
      expect(replaced.body).toEqual({
        id: 't1',
        title: 'Bread',
        version: 2,
        updatedAt: jasmine.any(String),
      });
    });

    it('answers 409 for a stale If-Match', async () => {
      await t().put('/todos/t1', { title: 'Milk' });
      await t().put('/todos/t1', { title: 'Bread' });
      const res = await t().put('/todos/t1', { title: 'Eggs' }, ifMatch(1));
      expect(res.status).toBe(409);
      expect(res.body.current.title).toBe('Bread');
    });

    it('answers 400 when the body names another id', async () => {
      const res = await t().put('/todos/t1', { id: 't2', title: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    });
  });

  describe('DELETE /{endpoint}/{id}', () => {
    beforeEach(async () => {
      await t().post('/todos', { id: 't1', title: 'Milk' });
    });

    it('answers 204 with the tombstone version as ETag', async () => {
      const res = await t().delete('/todos/t1', ifMatch(1));
      expect(res.status).toBe(204);
      expect(res.body).toBeNull();
      expect(res.headers.get('etag')).toBe('"2"');
    });

    it('answers 409 with the current record for a stale If-Match, and keeps it', async () => {
      await t().patch('/todos/t1', { done: true });
      const res = await t().delete('/todos/t1', ifMatch(1));
      expect(res.status).toBe(409);
      expect(res.body.current.version).toBe(2);
      expect((await t().get('/todos/t1')).status).toBe(200);
    });

    it('answers 204 again for a deleted record without writing, 404 for an unknown one', async () => {
      await t().delete('/todos/t1');
      const before = t().snapshot();
      expect((await t().delete('/todos/t1')).status).toBe(204);
      expect(t().snapshot()).toBe(before);
      expect((await t().delete('/todos/nope')).status).toBe(404);
    });
  });

  describe('everything else', () => {
    it('answers GET /health without auth and a Date header everywhere', async () => {
      const res = await t().get('/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      for (const path of ['/health', '/todos', '/todos/none', '/nowhere/at/all']) {
        const date = (await t().get(path)).headers.get('date');
        expect(Math.abs(Date.parse(date ?? '') - Date.now()))
          .withContext(path)
          .toBeLessThan(5000);
      }
    });

    it('answers 404 unknown_collection outside the allow-list and for reserved names', async () => {
      for (const path of ['/users', '/sync', '/users/1']) {
        const res = await t().get(path);
        expect(res.status).withContext(path).toBe(404);
        expect(res.body.error.code).withContext(path).toBe('unknown_collection');
      }
      expect((await t().post('/users', { id: 'u1' })).status).toBe(404);
    });

    it('answers 405 with Allow for a method a route does not take', async () => {
      const res = await t().delete('/todos');
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, POST');
      expect(res.body.error.code).toBe('method_not_allowed');
      expect((await t().get('/sync/batch')).status).toBe(405);
      expect((await t().post('/todos/t1', {})).status).toBe(405);
    });

    it('answers 404 JSON for a path no route knows', async () => {
      const res = await t().get('/todos/t1/more');
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });

    it('answers CORS preflights and exposes ETag and Date', async () => {
      const res = await t().request('OPTIONS', '/todos/t1', {
        headers: {
          origin: 'http://localhost:4200',
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'if-match,idempotency-key,content-type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('if-match');
      const get = await t().get('/health', { headers: { origin: 'http://localhost:4200' } });
      expect(get.headers.get('access-control-expose-headers')).toContain('ETag');
      expect(get.headers.get('access-control-expose-headers')).toContain('Date');
    });
  });
});

describe('record routes without an allow-list', () => {
  const t = useTestServer();

  it('accepts any valid collection name, created on first write', async () => {
    expect((await t().get('/anything')).body).toEqual({
      items: [],
      cursor: jasmine.any(String),
      hasMore: false,
    });
    expect((await t().post('/shopping-list_2', { id: 'x' })).status).toBe(201);
    expect((await t().get('/1bad')).status).toBe(404);
  });
});

describe('record routes with an injected clock', () => {
  const now = new Date('2030-01-02T03:04:05.678Z');
  const t = useTestServer({ now: () => now });

  it('uses it for updatedAt and the Date header', async () => {
    const res = await t().post('/todos', { id: 't1' });
    expect(res.body.updatedAt).toBe('2030-01-02T03:04:05.678Z');
    expect(res.headers.get('date')).toBe('Wed, 02 Jan 2030 03:04:05 GMT');
  });
});

function ifMatch(version: number) {
  return { headers: { 'if-match': `"${version}"` } };
}
