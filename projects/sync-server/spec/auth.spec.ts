import type { ChangeEvent } from '../src';
import { mutation, useTestServer } from './support/test-server';

const tokens = { 'token-a': 'alice', 'token-b': 'bob' };
const alice = { token: 'token-a' };
const bob = { token: 'token-b' };

describe('bearer-token auth', () => {
  const t = useTestServer({ auth: { tokens } });

  it('answers 401 with WWW-Authenticate without a valid token, and writes nothing', async () => {
    const cases = [
      {},
      { token: 'wrong' },
      { headers: { authorization: 'token-a' } },
      { headers: { authorization: 'Basic dG9rZW4tYTo=' } },
      { headers: { authorization: 'Bearer ' } },
    ];
    for (const init of cases) {
      const res = await t().post('/todos', { id: 't1' }, init);
      expect(res.status).withContext(JSON.stringify(init)).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await t().get('/todos')).status).toBe(401);
    expect((await t().post('/sync/batch', { mutations: [] })).status).toBe(401);
    expect(t().recordCount()).toBe(0);
  });

  it('leaves GET /health open for connectivity probes', async () => {
    expect((await t().get('/health')).status).toBe(200);
  });

  it('accepts the scheme in any case', async () => {
    const res = await t().get('/todos', { headers: { authorization: 'bearer token-a' } });
    expect(res.status).toBe(200);
  });

  describe('user scoping', () => {
    beforeEach(async () => {
      expect((await t().post('/todos', { id: 'b1', secret: 'bob' }, bob)).status).toBe(201);
    });

    it("keeps a user from listing another user's records", async () => {
      expect((await t().get('/todos', alice)).body.items).toEqual([]);
      expect((await t().get('/todos', bob)).body.items.length).toBe(1);
    });

    it("keeps a user from reading another user's record", async () => {
      expect((await t().get('/todos/b1', alice)).status).toBe(404);
    });

    it("keeps a user from updating or replacing another user's record", async () => {
      expect((await t().patch('/todos/b1', { secret: 'alice' }, alice)).status).toBe(404);
      expect(
        (
          await t().patch(
            '/todos/b1',
            { secret: 'alice' },
            { ...alice, headers: { 'if-match': '"1"' } }
          )
        ).status
      ).toBe(412);
      const put = await t().put('/todos/b1', { secret: 'alice' }, alice);
      expect(put.status).toBe(201); // alice's own, new b1
      expect((await t().get('/todos/b1', bob)).body.secret).toBe('bob');
    });

    it("keeps a user from deleting another user's record", async () => {
      expect((await t().delete('/todos/b1', alice)).status).toBe(404);
      expect((await t().get('/todos/b1', bob)).status).toBe(200);
    });

    it("keeps batches inside the user's own records", async () => {
      const res = await t().post(
        '/sync/batch',
        {
          mutations: [
            mutation({ op: 'update', id: 'b1', data: { secret: 'alice' } }),
            mutation({ op: 'delete', id: 'b1' }),
            mutation({ op: 'create', id: 'b1', data: { mine: true } }),
          ],
        },
        alice
      );
      expect(res.body.results.map((r: any) => r.httpStatus)).toEqual([404, 404, 201]);
      expect((await t().get('/todos/b1', bob)).body).toEqual(
        jasmine.objectContaining({ secret: 'bob', version: 1 })
      );
    });

    it('names the owner in change events', async () => {
      const events: ChangeEvent[] = [];
      t().server.onChange((e) => events.push(e));
      await t().post('/todos', { id: 'a1' }, alice);
      expect(events.map((e) => e.userId)).toEqual(['alice']);
    });
  });
});

describe('auth with a verify function', () => {
  const t = useTestServer({
    auth: { verify: async (token) => (token.startsWith('user:') ? token.slice(5) : null) },
  });

  it('resolves tokens through it', async () => {
    expect((await t().post('/todos', { id: 't1' }, { token: 'user:carol' })).status).toBe(201);
    expect((await t().get('/todos/t1', { token: 'user:carol' })).status).toBe(200);
    expect((await t().get('/todos/t1', { token: 'user:dave' })).status).toBe(404);
    expect((await t().get('/todos', { token: 'nobody' })).status).toBe(401);
  });
});

describe('auth with shared records', () => {
  const t = useTestServer({ auth: { tokens, scopeRecords: false } });

  it('lets every user see the same records', async () => {
    await t().post('/todos', { id: 't1' }, alice);
    expect((await t().get('/todos/t1', bob)).status).toBe(200);
    expect((await t().patch('/todos/t1', { by: 'bob' }, bob)).status).toBe(200);
  });
});
