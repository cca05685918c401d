import { HttpTestingController } from '@angular/common/http/testing';
import { RestSyncTransport } from './rest-sync-transport';
import {
  CONTEXT,
  createTodo,
  deleteTodo,
  nextRequestTurn,
  SERVER,
  serverTodo,
  setUpTransport,
  TODOS,
  updateTodo,
  errorOf,
} from './testing/transport-fixtures';

describe('RestSyncTransport push, one request per entry', () => {
  let transport: RestSyncTransport;
  let http: HttpTestingController;

  beforeEach(() => ({ transport, http } = setUpTransport()));
  afterEach(() => http.verify());

  describe('request shapes', () => {
    it('creates with POST to the collection, the full record and an idempotency key', async () => {
      const done = transport.push(CONTEXT, [createTodo('t1')]);
      const req = http.expectOne(`${SERVER}/todos`);
      expect(req.request.method).toBe('POST');
      expect(req.request.body).toEqual({ id: 't1', title: 'Milk', done: false });
      expect(req.request.headers.get('Idempotency-Key')).toBe('m-create-t1');
      expect(req.request.headers.get('Content-Type')).toBe('application/json');
      expect(req.request.headers.has('If-Match')).toBeFalse();
      req.flush(serverTodo('t1', 1), { status: 201, statusText: 'Created' });
      expect(await done).toEqual([
        {
          mutationId: 'm-create-t1',
          status: 'applied',
          record: {
            id: 't1',
            deleted: false,
            version: 1,
            updatedAt: '2026-11-24T10:00:00.000Z',
            data: serverTodo('t1', 1),
          },
        },
      ]);
    });

    it('updates with PATCH, the merge patch and If-Match of the base version', async () => {
      const done = transport.push(CONTEXT, [updateTodo('t1', { done: true, note: null })]);
      const req = http.expectOne(`${SERVER}/todos/t1`);
      expect(req.request.method).toBe('PATCH');
      expect(req.request.body).toEqual({ done: true, note: null });
      expect(req.request.headers.get('If-Match')).toBe('"3"');
      expect(req.request.headers.get('Idempotency-Key')).toBe('m-update-t1');
      req.flush(serverTodo('t1', 4, { done: true }));
      const [outcome] = await done;
      expect(outcome?.status === 'applied' && outcome.record?.version).toBe(4);
    });

    it('replaces with PUT and the whole record when delta sync is off, removed fields left out', async () => {
      const done = transport.push({ ...CONTEXT, useDeltaSync: false }, [
        updateTodo('t1', { done: true, note: null }),
      ]);
      const req = http.expectOne(`${SERVER}/todos/t1`);
      expect(req.request.method).toBe('PUT');
      expect(req.request.body).toEqual({ id: 't1', title: 'Milk', done: true });
      expect(req.request.headers.get('If-Match')).toBe('"3"');
      req.flush(serverTodo('t1', 4, { done: true }));
      expect((await done)[0]?.status).toBe('applied');
    });

    it('replaces with PUT when the mapping asks for it, and reads the version from the ETag', async () => {
      const legacy = {
        ...TODOS,
        rest: { updateMethod: 'PUT' as const, versionSource: 'etag' as const },
      };
      const done = transport.push(CONTEXT, [updateTodo('t1', { title: 'Oat milk' }, 3, legacy)]);
      const req = http.expectOne(`${SERVER}/todos/t1`);
      expect(req.request.method).toBe('PUT');
      expect(req.request.body).toEqual({ id: 't1', title: 'Oat milk', done: false, note: 'x' });
      req.flush({ id: 't1', title: 'Oat milk' }, { headers: { ETag: '"8"' } });
      const [outcome] = await done;
      expect(outcome?.status === 'applied' && outcome.record?.version).toBe(8);
    });

    it('sends no If-Match when the server never confirmed a version', async () => {
      const done = transport.push(CONTEXT, [updateTodo('t1', { done: true }, null)]);
      const req = http.expectOne(`${SERVER}/todos/t1`);
      expect(req.request.headers.has('If-Match')).toBeFalse();
      req.flush(serverTodo('t1', 1));
      await done;
    });

    it('deletes with DELETE and If-Match; a 204 becomes a tombstone with the ETag version', async () => {
      const done = transport.push(CONTEXT, [deleteTodo('a/b')]);
      const req = http.expectOne(`${SERVER}/todos/a%2Fb`);
      expect(req.request.method).toBe('DELETE');
      expect(req.request.body).toBeNull();
      expect(req.request.headers.get('If-Match')).toBe('"4"');
      expect(req.request.headers.has('Content-Type')).toBeFalse();
      req.flush(null, { status: 204, statusText: 'No Content', headers: { ETag: '"5"' } });
      expect(await done).toEqual([
        {
          mutationId: 'm-delete-a/b',
          status: 'applied',
          record: { id: 'a/b', deleted: true, version: 5, updatedAt: null },
        },
      ]);
    });

    it('keeps the tombstone a server answers a delete with, and needs no ETag', async () => {
      const done = transport.push(CONTEXT, [deleteTodo('t1'), deleteTodo('t2')]);
      http
        .expectOne(`${SERVER}/todos/t1`)
        .flush({ id: 't1', deleted: true, version: 5, updatedAt: 'later' });
      await nextRequestTurn();
      http.expectOne(`${SERVER}/todos/t2`).flush(null, { status: 204, statusText: 'No Content' });
      const records = (await done).map((o) => o.status === 'applied' && o.record);
      expect(records).toEqual([
        { id: 't1', deleted: true, version: 5, updatedAt: 'later' },
        { id: 't2', deleted: true, version: null, updatedAt: null },
      ]);
    });
  });

  describe('answers', () => {
    it('turns 409 into a conflict with the current record, or its tombstone', async () => {
      const done = transport.push(CONTEXT, [updateTodo('t1', { done: true }), deleteTodo('t2')]);
      http
        .expectOne(`${SERVER}/todos/t1`)
        .flush(
          { error: { code: 'conflict', message: 'stale' }, current: serverTodo('t1', 6) },
          { status: 409, statusText: 'Conflict' }
        );
      await nextRequestTurn();
      http.expectOne(`${SERVER}/todos/t2`).flush(
        {
          error: { code: 'conflict', message: 'deleted' },
          current: { id: 't2', deleted: true, version: 9 },
        },
        { status: 409, statusText: 'Conflict' }
      );
      const [first, second] = await done;
      expect(first?.status === 'conflict' && first.current?.version).toBe(6);
      expect(second).toEqual({
        mutationId: 'm-delete-t2',
        status: 'conflict',
        current: { id: 't2', deleted: true, version: 9, updatedAt: null },
      });
    });

    it('turns 412 without a current record into a conflict with current null', async () => {
      const done = transport.push(CONTEXT, [updateTodo('t1', { done: true })]);
      http
        .expectOne(`${SERVER}/todos/t1`)
        .flush(
          { error: { code: 'precondition_failed', message: 'never existed' } },
          { status: 412, statusText: 'x' }
        );
      expect(await done).toEqual([
        { mutationId: 'm-update-t1', status: 'conflict', current: null },
      ]);
    });

    it('parks other 4xx as rejected with the server message, and keeps sending the rest', async () => {
      const done = transport.push(CONTEXT, [updateTodo('t1', { title: 7 }), createTodo('t2')]);
      http
        .expectOne(`${SERVER}/todos/t1`)
        .flush(
          { error: { code: 'invalid_request', message: 'title must be a string' } },
          { status: 422, statusText: 'Unprocessable' }
        );
      await nextRequestTurn();
      http
        .expectOne(`${SERVER}/todos`)
        .flush(serverTodo('t2', 1), { status: 201, statusText: 'Created' });
      const [rejected, applied] = await done;
      const error = errorOf(rejected);
      expect(rejected?.status).toBe('rejected');
      expect(error?.kind).toBe('rejected');
      for (const part of [
        'update of todo "t1"',
        'PATCH',
        'HTTP 422',
        'title must be a string',
        'retryFailed()',
        'discardFailed()',
      ]) {
        expect(error?.message).toContain(part);
      }
      expect(applied?.status).toBe('applied');
    });

    for (const [status, outcome, kind] of [
      [401, 'auth', 'auth'],
      [403, 'auth', 'auth'],
      [408, 'retry', 'timeout'],
      [500, 'retry', 'server'],
      [503, 'retry', 'server'],
    ] as const) {
      it(`answers ${status} with ${outcome} (${kind}) and sends nothing after it`, async () => {
        const done = transport.push(CONTEXT, [updateTodo('t1', { done: true }), createTodo('t2')]);
        http.expectOne(`${SERVER}/todos/t1`).flush('oops', { status, statusText: 'x' });
        const [first, second] = await done;
        expect(first?.status).toBe(outcome);
        expect(errorOf(first)?.kind).toBe(kind);
        // Left out, in order, with the very same error: the engine can tell it was not sent.
        expect(second).toEqual({
          mutationId: 'm-create-t2',
          status: 'retry',
          error: errorOf(first)!,
        });
        http.expectNone(`${SERVER}/todos`);
      });
    }

    it('retries after a network failure, and the left-out entries keep Retry-After', async () => {
      const offline = transport.push(CONTEXT, [createTodo('t1')]);
      http.expectOne(`${SERVER}/todos`).error(new ProgressEvent('error'));
      const [outcome] = await offline;
      expect(outcome?.status).toBe('retry');
      expect(errorOf(outcome)?.kind).toBe('network');

      const limited = transport.push(CONTEXT, [createTodo('t1'), createTodo('t2')]);
      http
        .expectOne(`${SERVER}/todos`)
        .flush(null, { status: 429, statusText: 'Too Many', headers: { 'Retry-After': '30' } });
      const outcomes = await limited;
      expect(outcomes.map((o) => o.status === 'retry' && o.retryAfterMs)).toEqual([30_000, 30_000]);
    });

    it('honours an HTTP-date Retry-After on 503 against the Date header', async () => {
      const done = transport.push(CONTEXT, [createTodo('t1')]);
      http.expectOne(`${SERVER}/todos`).flush(null, {
        status: 503,
        statusText: 'Unavailable',
        headers: {
          'Retry-After': 'Tue, 24 Nov 2026 10:00:05 GMT',
          Date: 'Tue, 24 Nov 2026 10:00:00 GMT',
        },
      });
      const [outcome] = await done;
      expect(outcome?.status === 'retry' && outcome.retryAfterMs).toBe(5_000);
    });

    it('gives up waiting after timeoutMs, cancels the request and retries later', async () => {
      const done = transport.push({ ...CONTEXT, timeoutMs: 1 }, [
        createTodo('t1'),
        createTodo('t2'),
      ]);
      const req = http.expectOne(`${SERVER}/todos`);
      const [first, second] = await done;
      expect(first?.status).toBe('retry');
      expect(errorOf(first)?.kind).toBe('timeout');
      expect(errorOf(first)?.message).toContain(
        'no answer within 1 ms (POST https://api.test/todos)'
      );
      expect(second?.status).toBe('retry');
      expect(req.cancelled).toBeTrue();
    });

    it('sends entries strictly one after another', async () => {
      const done = transport.push(CONTEXT, [
        createTodo('t1'),
        updateTodo('t1', { done: true }, null),
      ]);
      const create = http.expectOne(`${SERVER}/todos`);
      http.expectNone(`${SERVER}/todos/t1`);
      create.flush(serverTodo('t1', 1), { status: 201, statusText: 'Created' });
      await nextRequestTurn();
      http.expectOne(`${SERVER}/todos/t1`).flush(serverTodo('t1', 2, { done: true }));
      expect((await done).map((o) => o.status)).toEqual(['applied', 'applied']);
    });
  });
});
