import { HttpTestingController } from '@angular/common/http/testing';
import { RestSyncTransport } from './rest-sync-transport';
import {
  CONTEXT,
  createTodo,
  deleteTodo,
  SERVER,
  serverTodo,
  setUpTransport,
  TODOS,
  updateTodo,
  errorOf,
} from './testing/transport-fixtures';

describe('RestSyncTransport push through /sync/batch', () => {
  const BATCH = { ...CONTEXT, useBatchEndpoint: true };
  const URL = `${SERVER}/sync/batch`;
  let transport: RestSyncTransport;
  let http: HttpTestingController;

  beforeEach(() => ({ transport, http } = setUpTransport()));
  afterEach(() => http.verify());

  const threeEntries = () => [createTodo('t1'), updateTodo('t2', { done: true }), deleteTodo('t3')];

  it('sends every entry in one POST, in order, as the protocol spells them', async () => {
    const legacy = { ...TODOS, endpoint: '/tasks/', rest: { updateMethod: 'PUT' as const } };
    const done = transport.push(BATCH, [
      createTodo('t1'),
      updateTodo('t2', { done: true, note: null }),
      updateTodo('t3', { title: 'Tea' }, null, legacy),
      deleteTodo('t4'),
    ]);
    const req = http.expectOne(URL);
    expect(req.request.method).toBe('POST');
    expect(req.request.headers.get('Content-Type')).toBe('application/json');
    expect(req.request.body).toEqual({
      mutations: [
        {
          mutationId: 'm-create-t1',
          op: 'create',
          endpoint: 'todos',
          id: 't1',
          data: { id: 't1', title: 'Milk', done: false },
        },
        {
          mutationId: 'm-update-t2',
          op: 'update',
          endpoint: 'todos',
          id: 't2',
          data: { done: true, note: null },
          baseVersion: 3,
        },
        {
          mutationId: 'm-update-t3',
          op: 'replace',
          endpoint: 'tasks',
          id: 't3',
          data: { id: 't3', title: 'Tea', done: false, note: 'x' },
        },
        { mutationId: 'm-delete-t4', op: 'delete', endpoint: 'todos', id: 't4', baseVersion: 4 },
      ],
    });
    req.flush({
      results: [
        {
          mutationId: 'm-create-t1',
          status: 'applied',
          httpStatus: 201,
          record: serverTodo('t1', 1),
        },
        {
          mutationId: 'm-update-t2',
          status: 'applied',
          httpStatus: 200,
          record: serverTodo('t2', 4),
        },
        {
          mutationId: 'm-update-t3',
          status: 'applied',
          httpStatus: 201,
          record: serverTodo('t3', 1),
        },
        {
          mutationId: 'm-delete-t4',
          status: 'applied',
          httpStatus: 204,
          record: { id: 't4', deleted: true, version: 5, updatedAt: 'x' },
        },
      ],
    });
    const outcomes = await done;
    expect(
      outcomes.map(
        (o) => o.status === 'applied' && [o.record?.id, o.record?.version, o.record?.deleted]
      )
    ).toEqual([
      ['t1', 1, false],
      ['t2', 4, false],
      ['t3', 1, false],
      ['t4', 5, true],
    ]);
  });

  it('maps conflicts and refusals per entry, sorting a refusal by its httpStatus', async () => {
    const entries = [...threeEntries(), createTodo('t4'), updateTodo('t5', { done: true })];
    const done = transport.push(BATCH, entries);
    http.expectOne(URL).flush({
      results: [
        {
          mutationId: 'm-create-t1',
          status: 'conflict',
          httpStatus: 409,
          current: serverTodo('t1', 3),
        },
        {
          mutationId: 'm-update-t2',
          status: 'rejected',
          httpStatus: 412,
          error: { code: 'precondition_failed', message: 'never existed' },
        },
        {
          mutationId: 'm-delete-t3',
          status: 'rejected',
          httpStatus: 422,
          error: { code: 'invalid_request', message: 'todos/t3 is locked' },
        },
        {
          mutationId: null,
          status: 'rejected',
          httpStatus: 503,
          error: { code: 'internal', message: 'busy' },
        },
        {
          mutationId: 'm-update-t5',
          status: 'rejected',
          httpStatus: 401,
          error: { code: 'unauthorized', message: 'who?' },
        },
      ],
    });
    const [conflict, precondition, refused, busy, auth] = await done;
    expect(conflict?.status === 'conflict' && conflict.current?.version).toBe(3);
    expect(precondition).toEqual({ mutationId: 'm-update-t2', status: 'conflict', current: null });
    expect(refused?.status).toBe('rejected');
    expect(errorOf(refused)?.message).toContain('The server refused the delete of todo "t3"');
    expect(errorOf(refused)?.message).toContain(
      'item 3 answered HTTP 422 invalid_request: todos/t3 is locked'
    );
    expect(busy?.status).toBe('retry');
    expect(auth?.status).toBe('auth');
  });

  describe('an answer nobody can trust makes every entry retry as invalid-response', () => {
    const cases: [string, unknown, string][] = [
      ['too few results', { results: [] }, '0 results came back for 3 mutations'],
      ['an HTML page', '<html>proxy error</html>', 'an HTML page, not JSON'],
      ['no results array', { ok: true }, 'expected {"results": [...]}'],
      [
        'a result for another mutation',
        {
          results: ['m-create-t1', 'zzz', 'm-delete-t3'].map((mutationId) => ({
            mutationId,
            status: 'applied',
            httpStatus: 200,
            record: {},
          })),
        },
        'result 2 is for mutation the string "zzz", not "m-update-t2"',
      ],
      [
        'an unknown status',
        { results: [1, 2, 3].map(() => ({ mutationId: null, status: 'ok', httpStatus: 200 })) },
        'result 1 has status the string "ok"',
      ],
    ];
    for (const [name, body, problem] of cases) {
      it(name, async () => {
        const done = transport.push(BATCH, threeEntries());
        http.expectOne(URL).flush(body as string);
        const outcomes = await done;
        expect(outcomes.map((o) => [o.mutationId, o.status, errorOf(o)?.kind])).toEqual([
          ['m-create-t1', 'retry', 'invalid-response'],
          ['m-update-t2', 'retry', 'invalid-response'],
          ['m-delete-t3', 'retry', 'invalid-response'],
        ]);
        expect(errorOf(outcomes[1])?.message).toContain(problem);
        expect(errorOf(outcomes[1])?.message).toContain('POST https://api.test/sync/batch');
        expect(errorOf(outcomes[1])?.recordId).toBe('t2');
      });
    }
  });

  describe('a failure of the whole request applies to every entry', () => {
    it('network: retry', async () => {
      const done = transport.push(BATCH, threeEntries());
      http.expectOne(URL).error(new ProgressEvent('error'));
      expect((await done).map((o) => [o.status, errorOf(o)?.kind])).toEqual([
        ['retry', 'network'],
        ['retry', 'network'],
        ['retry', 'network'],
      ]);
    });

    it('429 with Retry-After: retry after it', async () => {
      const done = transport.push(BATCH, threeEntries());
      http
        .expectOne(URL)
        .flush(null, { status: 429, statusText: 'x', headers: { 'Retry-After': '3' } });
      expect((await done).map((o) => o.status === 'retry' && o.retryAfterMs)).toEqual([
        3000, 3000, 3000,
      ]);
    });

    it('401: auth', async () => {
      const done = transport.push(BATCH, threeEntries());
      http
        .expectOne(URL)
        .flush(
          { error: { code: 'unauthorized', message: 'no token' } },
          { status: 401, statusText: 'x' }
        );
      const outcomes = await done;
      expect(outcomes.map((o) => o.status)).toEqual(['auth', 'auth', 'auth']);
      expect(errorOf(outcomes[2])?.recordId).toBe('t3');
    });

    it('timeout: retry', async () => {
      const done = transport.push({ ...BATCH, timeoutMs: 1 }, threeEntries());
      const req = http.expectOne(URL);
      expect((await done).map((o) => [o.status, errorOf(o)?.kind])).toEqual([
        ['retry', 'timeout'],
        ['retry', 'timeout'],
        ['retry', 'timeout'],
      ]);
      expect(req.cancelled).toBeTrue();
    });
  });

  it('sends nothing for no entries', async () => {
    expect(await transport.push(BATCH, [])).toEqual([]);
    http.expectNone(URL);
  });
});
