import { provideHttpClient } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { Mutation, MutationOp, SerializedRecord } from '../model/mutation';
import { PushOutcome } from '../model/push-outcome';
import { ServerChange } from '../model/server-change';
import {
  clearFaults,
  faultLog,
  setFaults,
  syncServer,
  uniqueCollection,
} from '../../testing-support/sync-server-under-test';
import { RestSyncTransport } from './rest-sync-transport';
import type { PushEntry, TransportContext, TransportEntity } from './sync-transport';

/**
 * RestSyncTransport against the real reference server (started by the library's Karma run), with
 * the real `HttpClient`: what the unit specs check against `HttpTestingController`, checked
 * against the server the protocol describes, CORS included.
 */
describe('RestSyncTransport against the reference server', () => {
  let transport: RestSyncTransport;
  let todos: TransportEntity;
  let context: TransportContext;

  /** A mutation id no other spec of the run uses: the server keeps idempotency keys for the run. */
  const newMutationId = () => `m-${crypto.randomUUID()}`;

  function mutation(
    op: MutationOp,
    recordId: string,
    fields: Partial<Omit<Mutation, 'op' | 'recordId'>> = {}
  ): PushEntry {
    const patch = fields.patch ?? {};
    return {
      entity: todos,
      mutation: {
        mutationId: newMutationId(),
        modelType: todos.modelType,
        recordId,
        op,
        changedFields: Object.keys(patch),
        patch,
        base: null,
        baseVersion: null,
        priority: 0,
        attempts: 0,
        createdAt: Date.now(),
        status: 'sending',
        ...fields,
      },
    };
  }

  const create = (id: string, fields: SerializedRecord = {}) =>
    mutation('create', id, { patch: { id, title: 'Milk', done: false, ...fields } });
  const update = (
    id: string,
    patch: SerializedRecord,
    baseVersion: number | null,
    base: SerializedRecord | null = null
  ) => mutation('update', id, { patch, baseVersion, base });
  const remove = (id: string, baseVersion: number | null) =>
    mutation('delete', id, { baseVersion });

  /** Pushes entries and answers their outcomes. */
  const push = (entries: PushEntry[], overrides: Partial<TransportContext> = {}) =>
    transport.push({ ...context, ...overrides }, entries);

  /** Pushes one entry and answers its outcome. */
  async function pushOne(
    entry: PushEntry,
    overrides: Partial<TransportContext> = {}
  ): Promise<PushOutcome> {
    const [outcome] = await push([entry], overrides);
    return outcome!;
  }

  /** The record of an `applied` outcome; anything else fails the spec with the outcome's error. */
  function appliedRecord(outcome: PushOutcome | undefined): ServerChange {
    if (outcome?.status === 'applied' && outcome.record) return outcome.record;
    const reason = outcome && 'error' in outcome ? `: ${outcome.error?.message}` : '';
    throw new Error(`expected an applied outcome, got ${outcome?.status}${reason}`);
  }

  /** Reads one record straight from the server (not through the transport or the proxy). */
  async function onServer(id: string): Promise<SerializedRecord | null> {
    const answer = await fetch(`${syncServer().url}/${todos.endpoint}/${id}`, {
      cache: 'no-store',
    });
    if (answer.status === 404) return null;
    expect(answer.ok)
      .withContext(await answer.clone().text())
      .toBeTrue();
    return (await answer.json()) as SerializedRecord;
  }

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient()] });
    transport = TestBed.inject(RestSyncTransport);
    todos = { modelType: 'todo', endpoint: uniqueCollection('todos'), rest: {} };
    context = {
      serverUrl: syncServer().url,
      timeoutMs: 10_000,
      useBatchEndpoint: false,
      useDeltaSync: true,
    };
    await clearFaults();
  });

  afterEach(async () => {
    TestBed.resetTestingModule();
    await clearFaults();
  });

  describe('single requests', () => {
    it('creates at version 1, patches with If-Match to version 2, and reports a stale patch as a conflict', async () => {
      const created = appliedRecord(await pushOne(create('t1', { note: 'x' })));
      expect(created).toEqual({
        id: 't1',
        deleted: false,
        version: 1,
        updatedAt: jasmine.any(String),
        data: jasmine.objectContaining({ id: 't1', title: 'Milk', note: 'x', version: 1 }),
      });

      const patched = appliedRecord(await pushOne(update('t1', { done: true }, 1)));
      expect(patched.version).toBe(2);
      expect(patched.deleted === false && patched.data).toEqual(
        jasmine.objectContaining({ id: 't1', title: 'Milk', done: true, note: 'x', version: 2 })
      );

      const stale = await pushOne(update('t1', { title: 'Oat milk' }, 1));
      expect(stale).toEqual({
        mutationId: jasmine.any(String),
        status: 'conflict',
        current: jasmine.objectContaining({ id: 't1', deleted: false, version: 2 }),
      });
      expect(await onServer('t1')).toEqual(jasmine.objectContaining({ title: 'Milk', version: 2 }));
    });

    it('replaces the whole record with PUT when delta sync is off: a removed field is gone on the server', async () => {
      const created = appliedRecord(await pushOne(create('t1', { note: 'remove me' })));
      const base = created.deleted === false ? created.data : null;

      const replaced = appliedRecord(
        await pushOne(update('t1', { done: true, note: null }, 1, base), { useDeltaSync: false })
      );
      expect(replaced.version).toBe(2);
      const stored = await onServer('t1');
      expect(stored).toEqual(jasmine.objectContaining({ id: 't1', done: true, version: 2 }));
      expect(Object.keys(stored ?? {})).not.toContain('note');
    });

    it('deletes to a tombstone versioned by the ETag (CORS exposes it); deleting again is applied too', async () => {
      appliedRecord(await pushOne(create('t1')));
      appliedRecord(await pushOne(update('t1', { done: true }, 1)));

      // The server answers 204 without a body: the version can only come from the ETag header.
      const deleted = appliedRecord(await pushOne(remove('t1', 2)));
      expect(deleted).toEqual({ id: 't1', deleted: true, version: 3, updatedAt: null });
      expect(await onServer('t1')).toBeNull();

      const again = appliedRecord(await pushOne(remove('t1', null)));
      expect(again).toEqual(jasmine.objectContaining({ id: 't1', deleted: true, version: 3 }));
    });

    it('treats an update of an id that never existed as a conflict with a base version, else as rejected with the server message', async () => {
      const withBase = await pushOne(update('ghost', { done: true }, 4));
      expect(withBase).toEqual({
        mutationId: jasmine.any(String),
        status: 'conflict',
        current: null,
      });

      const withoutBase = await pushOne(update('ghost', { done: true }, null));
      expect(withoutBase.status).toBe('rejected');
      const error = withoutBase.status === 'rejected' ? withoutBase.error : undefined;
      expect(error?.kind).toBe('rejected');
      expect(error?.recordId).toBe('ghost');
      expect(error?.message).toContain('HTTP 404 not_found');
      expect(error?.message).toContain(`${todos.endpoint}/ghost does not exist`);
    });

    it('applies a create pushed twice under one mutation id once: same record, still version 1', async () => {
      const entry = create('t1');
      const first = appliedRecord(await pushOne(entry));
      const second = appliedRecord(await pushOne(entry));
      expect(second).toEqual(first);
      expect(second.version).toBe(1);
      expect(await onServer('t1')).toEqual(jasmine.objectContaining({ id: 't1', version: 1 }));
    });
  });

  describe('the batch endpoint', () => {
    it('answers a mixed batch in order, a later item seeing an earlier one', async () => {
      for (const id of ['b', 'c', 'd']) appliedRecord(await pushOne(create(id)));
      appliedRecord(await pushOne(update('c', { done: true }, 1))); // c is at version 2

      const entries = [
        create('a', { title: 'Eggs' }),
        update('a', { done: true }, 1), // sees the create just before it
        update('b', { title: 'Bread' }, 1),
        update('c', { title: 'Stale' }, 1),
        remove('d', 1),
      ];
      const outcomes = await push(entries, { useBatchEndpoint: true });

      expect(outcomes.map((o) => o.mutationId)).toEqual(entries.map((e) => e.mutation.mutationId));
      expect(outcomes.map((o) => o.status)).toEqual([
        'applied',
        'applied',
        'applied',
        'conflict',
        'applied',
      ]);
      expect(appliedRecord(outcomes[0])).toEqual(jasmine.objectContaining({ id: 'a', version: 1 }));
      const a = appliedRecord(outcomes[1]);
      expect(a.version).toBe(2);
      expect(a.deleted === false && a.data).toEqual(
        jasmine.objectContaining({ title: 'Eggs', done: true })
      );
      expect(appliedRecord(outcomes[2]).version).toBe(2);
      expect(outcomes[3]).toEqual(
        jasmine.objectContaining({
          status: 'conflict',
          current: jasmine.objectContaining({ id: 'c', version: 2 }),
        })
      );
      expect(appliedRecord(outcomes[4])).toEqual(
        jasmine.objectContaining({ id: 'd', deleted: true, version: 2 })
      );
      expect(await onServer('c')).toEqual(jasmine.objectContaining({ title: 'Milk', version: 2 }));
      expect(await onServer('d')).toBeNull();
    });

    it('applies a mutation sent as a single PATCH and then as a batch item once', async () => {
      appliedRecord(await pushOne(create('t1')));
      const entry = update('t1', { done: true }, 1);

      const single = appliedRecord(await pushOne(entry));
      const batched = appliedRecord(await pushOne(entry, { useBatchEndpoint: true }));

      expect(single.version).toBe(2);
      expect(batched).toEqual(single);
      expect(await onServer('t1')).toEqual(jasmine.objectContaining({ done: true, version: 2 }));
    });
  });

  describe('reads', () => {
    /** Five records, one updated and one deleted: the feed holds 5 entries, 1 a tombstone. */
    async function seed(): Promise<void> {
      for (const id of ['r1', 'r2', 'r3', 'r4', 'r5']) appliedRecord(await pushOne(create(id)));
      appliedRecord(await pushOne(update('r2', { done: true }, 1)));
      appliedRecord(await pushOne(remove('r4', 1)));
    }

    it('pulls the whole feed in pages of 2: every id once, tombstones included; then an empty page', async () => {
      await seed();
      const seen: ServerChange[] = [];
      let cursor: string | null = null;
      let pages = 0;
      for (;;) {
        const page = await transport.pull(context, todos, cursor, 2);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        cursor = page.cursor;
        pages++;
        if (!page.hasMore) break;
        expect(pages).withContext('the pull never ends').toBeLessThan(10);
      }

      expect(seen.map((item) => item.id).sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
      expect(seen.find((item) => item.id === 'r4')).toEqual(
        jasmine.objectContaining({ deleted: true, version: 2 })
      );
      expect(seen.find((item) => item.id === 'r2')).toEqual(
        jasmine.objectContaining({ deleted: false, version: 2 })
      );
      expect(cursor).not.toBeNull();

      const after = await transport.pull(context, todos, cursor, 2);
      expect(after).toEqual({ items: [], cursor, hasMore: false });
    });

    it('starts over from the beginning when the server does not know the cursor', async () => {
      await seed();
      const page = await transport.pull(context, todos, 'garbage', 100);
      expect(page.items.map((item) => item.id).sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
      expect(page.hasMore).toBeFalse();
      expect(page.cursor).not.toBe('garbage');
    });

    it('reads one record: the record when live, null when deleted or never created', async () => {
      await seed();
      const live = await transport.fetchOne(context, todos, 'r2');
      expect(live).toEqual({
        id: 'r2',
        deleted: false,
        version: 2,
        updatedAt: jasmine.any(String),
        data: jasmine.objectContaining({ id: 'r2', title: 'Milk', done: true, version: 2 }),
      });
      // The server answers 404 for a deleted record, which the transport documents as null.
      expect(await transport.fetchOne(context, todos, 'r4')).toBeNull();
      expect(await transport.fetchOne(context, todos, 'never')).toBeNull();
    });

    it('lists records with fetchItems and a limit', async () => {
      await seed();
      const firstTwo = await transport.fetchItems(context, todos, { limit: 2 });
      expect(firstTwo.map((item) => item.id)).toEqual(['r1', 'r3']); // r2 moved on its update
      const all = await transport.fetchItems(context, todos, { limit: 10 });
      expect(all.map((item) => item.id)).toEqual(['r1', 'r3', 'r5', 'r2', 'r4']);
      expect(all.filter((item) => item.deleted).map((item) => item.id)).toEqual(['r4']);
    });
  });

  describe('failures, through the fault proxy', () => {
    beforeEach(() => {
      context = { ...context, serverUrl: syncServer().proxyUrl };
    });

    it('answers retry when the response is lost after commit; the same mutation again applies once', async () => {
      appliedRecord(await pushOne(create('t1')));
      const entry = update('t1', { done: true }, 1);
      await setFaults([
        { match: { method: 'PATCH', pathPrefix: `/${todos.endpoint}/t1` }, dropResponse: true },
      ]);

      const lost = await pushOne(entry);
      expect(lost.status).toBe('retry');
      expect(lost.status === 'retry' && lost.error.kind).toBe('network');
      expect(await onServer('t1')).toEqual(jasmine.objectContaining({ done: true, version: 2 }));

      const retried = appliedRecord(await pushOne(entry));
      expect(retried.version).toBe(2);
      expect(await onServer('t1')).toEqual(jasmine.objectContaining({ done: true, version: 2 }));
      const patches = (await faultLog()).filter((request) => request.method === 'PATCH');
      expect(patches.map((request) => [request.fault, request.serverStatus])).toEqual([
        ['dropResponse', 200],
        [null, 200],
      ]);
    });

    it('answers retry of kind network when nothing listens at the server URL', async () => {
      const outcome = await pushOne(create('t1'), { serverUrl: 'http://127.0.0.1:9' });
      expect(outcome.status).toBe('retry');
      expect(outcome.status === 'retry' && outcome.error.kind).toBe('network');
    });

    it('answers retry with the Retry-After delay of a 503', async () => {
      await setFaults([
        {
          match: { method: 'POST', pathPrefix: `/${todos.endpoint}` },
          failWith: { status: 503, headers: { 'Retry-After': '2' } },
        },
      ]);
      const outcome = await pushOne(create('t1'));
      expect(outcome).toEqual(jasmine.objectContaining({ status: 'retry', retryAfterMs: 2000 }));
      expect(outcome.status === 'retry' && outcome.error.kind).toBe('server');
      expect(await onServer('t1')).toBeNull();
    });

    it('answers auth for a 401', async () => {
      await setFaults([
        { match: { method: 'POST', pathPrefix: `/${todos.endpoint}` }, failWith: { status: 401 } },
      ]);
      const outcome = await pushOne(create('t1'));
      expect(outcome.status).toBe('auth');
      expect(outcome.status === 'auth' && outcome.error.kind).toBe('auth');
      expect(await onServer('t1')).toBeNull();
    });
  });
});
