import { TestServer, useTestServer } from './support/test-server';

describe('concurrent writers', () => {
  const t = useTestServer();

  beforeEach(async () => {
    await t().post('/todos', { id: 't1', title: 'Milk', n: 0 });
  });

  it('lets exactly one of two clients with the same base version win; the other gets 409', async () => {
    const [a, b] = await Promise.all([
      t().patch('/todos/t1', { title: 'by A' }, { headers: { 'if-match': '"1"' } }),
      t().patch('/todos/t1', { title: 'by B' }, { headers: { 'if-match': '"1"' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
    expect(loser.body.current).toEqual(winner.body);
    expect((await t().get('/todos/t1')).body).toEqual(winner.body);
  });

  it('keeps it to one winner among 20 clients, across PATCH, PUT and DELETE', async () => {
    const ops = Array.from({ length: 20 }, (_, i) => {
      const init = { headers: { 'if-match': '"1"' } };
      if (i % 3 === 0) return t().patch('/todos/t1', { n: i }, init);
      if (i % 3 === 1) return t().put('/todos/t1', { n: i }, init);
      return t().delete('/todos/t1', init);
    });
    const statuses = (await Promise.all(ops)).map((res) => res.status);
    expect(statuses.filter((s) => s !== 409).length).toBe(1);
    const feed = (await t().get('/todos')).body;
    expect(feed.items[0].version).toBe(2);
  });

  it('keeps it to one winner when two servers share the database file', async () => {
    const second = await new TestServer({}, t().dbPath).start();
    try {
      const [a, b] = await Promise.all([
        t().patch('/todos/t1', { title: 'via 1' }, { headers: { 'if-match': '"1"' } }),
        second.patch('/todos/t1', { title: 'via 2' }, { headers: { 'if-match': '"1"' } }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
    } finally {
      await second.stop();
    }
  });
});
