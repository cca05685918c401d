import { mutation, useTestServer } from './support/test-server';

describe('Idempotency-Key', () => {
  const t = useTestServer({ auth: { tokens: { 'token-a': 'alice', 'token-b': 'bob' } } });
  const alice = { token: 'token-a' };
  const withHeaders = (headers: Record<string, string>) => ({ ...alice, headers });
  const key = (value: string) => withHeaders({ 'idempotency-key': value });

  it('answers the same request sent 10 times identically and writes once', async () => {
    const answers = [];
    for (let i = 0; i < 10; i++) {
      answers.push(await t().post('/todos', { id: 't1', title: 'Milk' }, key('create-t1')));
    }
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers.map((a) => a.headers.get('etag'))).toEqual(Array(10).fill('"1"'));
    expect(answers[0]!.headers.get('idempotent-replayed')).toBeNull();
    expect(answers[9]!.headers.get('idempotent-replayed')).toBe('true');
    const feed = (await t().get('/todos', alice)).body;
    expect(feed.items.length).toBe(1);
    expect(feed.items[0].version).toBe(1);
  });

  it('applies an update once even when sent 10 times at once', async () => {
    await t().post('/todos', { id: 't1', n: 0 }, alice);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => t().patch('/todos/t1', { n: 1 }, key('bump')))
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.map((a) => a.body.version)).toEqual(Array(10).fill(2));
    expect((await t().get('/todos/t1', alice)).body.version).toBe(2);
  });

  it('still writes once when the server restarts between retries', async () => {
    await t().post('/todos', { id: 't1', n: 0 }, alice);
    const first = await t().patch(
      '/todos/t1',
      { n: 1 },
      withHeaders({ 'idempotency-key': 'patch-1', 'if-match': '"1"' })
    );
    await t().restart();
    const retry = await t().patch(
      '/todos/t1',
      { n: 1 },
      withHeaders({ 'idempotency-key': 'patch-1', 'if-match': '"1"' })
    );
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    await t().restart();
    const deleted = await t().delete('/todos/t1', key('delete-1'));
    await t().restart();
    expect((await t().delete('/todos/t1', key('delete-1'))).status).toBe(deleted.status);
    const feed = (await t().get('/todos', alice)).body;
    expect(feed.items).toEqual([
      { id: 't1', deleted: true, version: 3, updatedAt: jasmine.any(String) },
    ]);
  });

  it('answers 422 when a key comes back with a different request, and writes nothing', async () => {
    await t().post('/todos', { id: 't1', title: 'Milk' }, key('k'));
    const before = t().snapshot();
    for (const [method, path, body] of [
      ['POST', '/todos', { id: 't1', title: 'Bread' }],
      ['POST', '/notes', { id: 't1', title: 'Milk' }],
      ['PUT', '/todos/t1', { title: 'Milk' }],
      ['DELETE', '/todos/t1', undefined],
    ] as const) {
      const res = await t().request(method, path, { ...key('k'), body });
      expect(res.status).withContext(`${method} ${path}`).toBe(422);
      expect(res.body.error.code).toBe('idempotency_key_reused');
    }
    expect(t().snapshot()).toBe(before);
  });

  it('treats key order in the body and an echoed id alike', async () => {
    await t().post('/todos', { id: 't1', a: 1, b: { c: 2, d: 3 } }, key('k'));
    const res = await t().post('/todos', { b: { d: 3, c: 2 }, a: 1, id: 't1' }, key('k'));
    expect(res.status).toBe(201);
  });

  it('does not store answers that wrote nothing, so the key can be used once the cause is fixed', async () => {
    await t().post('/todos', { id: 't1' }, alice);
    await t().patch('/todos/t1', { n: 1 }, alice);
    const stale = withHeaders({ 'idempotency-key': 'k', 'if-match': '"1"' });
    expect((await t().patch('/todos/t1', { n: 2 }, stale)).status).toBe(409);
    const rebased = withHeaders({ 'idempotency-key': 'k', 'if-match': '"2"' });
    expect((await t().patch('/todos/t1', { n: 2 }, rebased)).status).toBe(200);
  });

  it('scopes keys per user', async () => {
    await t().post('/todos', { id: 't1', owner: 'alice' }, key('shared-key'));
    const bob = await t().post(
      '/todos',
      { id: 't1', owner: 'bob' },
      {
        token: 'token-b',
        headers: { 'idempotency-key': 'shared-key' },
      }
    );
    expect(bob.status).toBe(201);
    expect(bob.body.owner).toBe('bob');
  });

  it('shares keys between REST and batch: a REST write retried in a batch applies once', async () => {
    await t().post('/todos', { id: 't1', n: 0 }, alice);
    const rest = await t().patch(
      '/todos/t1',
      { n: 1 },
      withHeaders({ 'idempotency-key': 'm-7', 'if-match': '"1"' })
    );
    const batch = await t().post(
      '/sync/batch',
      {
        mutations: [
          {
            mutationId: 'm-7',
            op: 'update',
            endpoint: '/todos',
            id: 't1',
            data: { n: 1 },
            baseVersion: 1,
          },
          { mutationId: 'm-8', op: 'create', endpoint: 'todos', id: 't2', data: { n: 0 } },
        ],
      },
      alice
    );
    expect(batch.body.results[0]).toEqual({
      mutationId: 'm-7',
      status: 'applied',
      httpStatus: 200,
      record: rest.body,
    });
    const retriedByRest = await t().post('/todos', { id: 't2', n: 0 }, key('m-8'));
    expect(retriedByRest.status).toBe(201);
    expect(retriedByRest.body).toEqual(batch.body.results[1].record);
    expect((await t().get('/todos/t1', alice)).body.version).toBe(2);
  });

  it('answers a delete replayed in a batch with its tombstone', async () => {
    await t().post('/todos', { id: 't1' }, alice);
    await t().delete('/todos/t1', key('del'));
    const res = await t().post(
      '/sync/batch',
      { mutations: [mutation({ mutationId: 'del', op: 'delete', id: 't1' })] },
      alice
    );
    expect(res.body.results[0]).toEqual({
      mutationId: 'del',
      status: 'applied',
      httpStatus: 204,
      record: { id: 't1', deleted: true, version: 2, updatedAt: jasmine.any(String) },
    });
  });

  it('refuses a key that is empty, too long or not visible ASCII', async () => {
    for (const bad of ['', ' ', 'x'.repeat(256), 'ключ']) {
      const res = await t().post('/todos', { id: 't1' }, key(encodeHeader(bad)));
      expect(res.status).withContext(JSON.stringify(bad)).toBe(400);
    }
    expect(t().recordCount()).toBe(0);
  });
});

/** fetch refuses non-Latin-1 header values; send the UTF-8 bytes as Latin-1 text instead. */
function encodeHeader(value: string): string {
  return Buffer.from(value, 'utf8').toString('latin1');
}
