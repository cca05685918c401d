import { matchesParams, parseChannelParams } from '../src/ws/channel-filter';
import { mutation, TestServer, useTestServer } from './support/test-server';
import { connect, type TestSocket } from './support/ws-client';

const NOW = new Date('2025-03-01T12:00:00.000Z');

describe('WebSocket change events', () => {
  const t = useTestServer({ now: () => NOW, collections: ['todos', 'notes'] });
  let socket: TestSocket;

  beforeEach(async () => {
    socket = await connect(t());
    await socket.subscribe('todos');
  });
  afterEach(async () => {
    await socket.close();
  });

  const change = (fields: Record<string, unknown>) => ({
    type: 'change',
    channel: 'todos',
    modelType: 'todos',
    updatedAt: NOW.toISOString(),
    ...fields,
  });

  it('pushes REST creates, updates, replaces and deletes with the record', async () => {
    expect((await t().post('/todos', { id: 't1', title: 'Milk' })).status).toBe(201);
    expect(await socket.next()).toEqual(
      change({
        event: 'created',
        id: 't1',
        version: 1,
        seq: 1,
        data: { id: 't1', title: 'Milk', version: 1, updatedAt: NOW.toISOString() },
      })
    );
    await t().patch('/todos/t1', { done: true });
    expect(await socket.next()).toEqual(
      change({
        event: 'updated',
        id: 't1',
        version: 2,
        seq: 2,
        data: { id: 't1', title: 'Milk', done: true, version: 2, updatedAt: NOW.toISOString() },
      })
    );
    await t().put('/todos/t1', { title: 'Oat milk' });
    expect((await socket.next()).event).toBe('updated');
    await t().delete('/todos/t1');
    // A delete carries no data key at all.
    expect(await socket.next()).toEqual(change({ event: 'deleted', id: 't1', version: 4, seq: 4 }));
    await t().put('/todos/t1', { title: 'Back' });
    const recreated = await socket.next();
    expect([recreated.event, recreated.version, recreated.data.title]).toEqual([
      'created',
      5,
      'Back',
    ]);
  });

  it('pushes nothing for writes that change nothing', async () => {
    await t().post('/todos', { id: 't1' }, { headers: { 'idempotency-key': 'k1' } });
    await socket.next();
    await t().post('/todos', { id: 't1' }, { headers: { 'idempotency-key': 'k1' } }); // replay
    await t().post('/todos', { id: 't1' }); // 409
    await t().delete('/todos/t1');
    await socket.next();
    await t().delete('/todos/t1'); // already gone
    await t().post('/todos', { id: 'marker' });
    expect((await socket.next()).id).toBe('marker');
  });

  it('pushes batch writes in order, and nothing of collections not subscribed to', async () => {
    const res = await t().post('/sync/batch', {
      mutations: [
        mutation({ op: 'create', id: 'a', data: { n: 1 } }),
        mutation({ op: 'create', endpoint: 'notes', id: 'n1', data: {} }),
        mutation({ op: 'update', id: 'a', data: { n: 2 } }),
        mutation({ op: 'delete', id: 'missing' }),
        mutation({ op: 'delete', id: 'a' }),
      ],
    });
    expect(res.status).toBe(200);
    const events = [await socket.next(), await socket.next(), await socket.next()];
    expect(events.map((e) => [e.event, e.id, e.data?.n])).toEqual([
      ['created', 'a', 1],
      ['updated', 'a', 2],
      ['deleted', 'a', undefined],
    ]);
    await t().post('/notes', { id: 'n2' });
    await t().post('/todos', { id: 'marker' });
    expect((await socket.next()).id).toBe('marker');
  });

  it('uses custom event names', async () => {
    // A second server, configured with other names, on its own database.
    const other = await new TestServer({
      webSocket: { eventNames: { created: 'insert', deleted: 'remove' } },
    }).start();
    try {
      const client = await connect(other);
      await client.subscribe('todos');
      await other.post('/todos', { id: 't1' });
      await other.patch('/todos/t1', { x: 1 });
      await other.delete('/todos/t1');
      const names = [await client.next(), await client.next(), await client.next()];
      expect(names.map((m) => m.event)).toEqual(['insert', 'updated', 'remove']);
      await client.close();
    } finally {
      await other.stop();
    }
  });

  it('stops after unsubscribe, and answers unsubscribe of a channel it never had', async () => {
    await socket.subscribe('notes');
    expect(await socket.request({ type: 'unsubscribe', channel: 'todos' }, 'unsubscribed')).toEqual(
      { type: 'unsubscribed', channel: 'todos' }
    );
    expect(await socket.request({ type: 'unsubscribe', channel: 'nope' }, 'unsubscribed')).toEqual({
      type: 'unsubscribed',
      channel: 'nope',
    });
    await t().post('/todos', { id: 't1' });
    await t().post('/notes', { id: 'marker' });
    expect(await socket.next()).toEqual(jasmine.objectContaining({ channel: 'notes' }));
    expect(t().server.webSocketStats()).toEqual({ connections: 1, subscriptions: 1 });
  });

  it('delivers one write to several subscribers of the same channel', async () => {
    const second = await connect(t());
    await second.subscribe('todos');
    await t().post('/todos', { id: 't1' });
    expect((await socket.next()).id).toBe('t1');
    expect((await second.next()).id).toBe('t1');
    await second.close();
  });
});

describe('WebSocket filtered channels', () => {
  const t = useTestServer();

  it('delivers matching records, records leaving the filter, and deletes of matching ones', async () => {
    const socket = await connect(t());
    const answer = await socket.subscribe('todos', { done: false, list: 'home' });
    expect(answer).toEqual({
      type: 'subscribed',
      channel: 'todos',
      params: { done: false, list: 'home' },
    });
    await t().post('/todos', { id: 'a', done: false, list: 'home' }); // matches
    await t().post('/todos', { id: 'b', done: true, list: 'home' }); // does not
    await t().post('/todos', { id: 'c', done: false, list: 'work' }); // does not
    expect((await socket.next()).id).toBe('a');

    await t().patch('/todos/a', { done: true }); // leaves the filter
    expect(await socket.next()).toEqual(
      jasmine.objectContaining({
        event: 'updated',
        id: 'a',
        data: jasmine.objectContaining({ done: true }),
      })
    );
    await t().patch('/todos/a', { title: 'still out' }); // out before and after
    await t().patch('/todos/b', { done: false }); // enters the filter
    expect(await socket.next()).toEqual(jasmine.objectContaining({ event: 'updated', id: 'b' }));
    await t().delete('/todos/b'); // matched before the delete
    expect(await socket.next()).toEqual(jasmine.objectContaining({ event: 'deleted', id: 'b' }));
    await t().delete('/todos/c'); // never matched
    await t().post('/todos', { id: 'marker', done: false, list: 'home' });
    expect((await socket.next()).id).toBe('marker');
    await socket.close();
  });

  it('replaces the filter when the channel is subscribed again', async () => {
    const socket = await connect(t());
    await socket.subscribe('todos', { done: true });
    await socket.subscribe('todos');
    expect(t().server.webSocketStats().subscriptions).toBe(1);
    await t().post('/todos', { id: 'a', done: false });
    expect((await socket.next()).id).toBe('a');
    await socket.close();
  });
});

describe('channel filter rules', () => {
  const record = { id: 't1', done: false, n: 3, tag: null, version: 1, updatedAt: 'x' };

  it('matches on equal values, a missing field counting as null', () => {
    expect(matchesParams(record, { done: false, n: 3 })).toBeTrue();
    expect(matchesParams(record, { missing: null, tag: null })).toBeTrue();
    expect(matchesParams(record, { n: '3' })).toBeFalse();
    expect(matchesParams(record, { constructor: null })).toBeTrue();
    expect(matchesParams({ id: 't1', deleted: true, version: 2, updatedAt: 'x' }, {})).toBeFalse();
    expect(matchesParams(undefined, {})).toBeFalse();
  });

  it('accepts up to ten scalar fields and refuses everything else', () => {
    expect(parseChannelParams(undefined)).toEqual({ params: {} });
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, i]));
    expect(parseChannelParams(ten)).toEqual({ params: ten });
    const proto = parseChannelParams(JSON.parse('{"__proto__":1}')) as { params: object };
    expect(Object.getPrototypeOf(proto.params)).toBe(Object.prototype);
    expect(Object.keys(proto.params)).toEqual(['__proto__']);
    for (const bad of [
      [],
      'done',
      { ...ten, f10: 1 },
      { tags: ['a'] },
      { nested: { a: 1 } },
      { n: Infinity },
      { '': 1 },
      { long: 'x'.repeat(1025) },
    ]) {
      expect(parseChannelParams(bad).error).withContext(JSON.stringify(bad)).toBeDefined();
    }
  });
});
