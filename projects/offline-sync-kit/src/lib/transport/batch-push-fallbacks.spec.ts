import { HttpTestingController } from '@angular/common/http/testing';
import { RestSyncTransport } from './rest-sync-transport';
import {
  CONTEXT,
  createTodo,
  deleteTodo,
  errorOf,
  nextRequestTurn,
  SERVER,
  serverTodo,
  setUpTransport,
  updateTodo,
} from './testing/transport-fixtures';

/**
 * A whole `POST /sync/batch` refused for what it is rather than for its changes: a server without
 * the batch endpoint (404, 405) gets the same changes one request each, and a batch too large
 * (413) goes again in halves. Before, every entry of such a batch became a dead letter.
 */
describe('RestSyncTransport push when the batch endpoint refuses the batch itself', () => {
  const BATCH = { ...CONTEXT, useBatchEndpoint: true };
  const URL = `${SERVER}/sync/batch`;
  let transport: RestSyncTransport;
  let http: HttpTestingController;

  beforeEach(() => ({ transport, http } = setUpTransport()));
  afterEach(() => http.verify());

  const applied = (mutationId: string, id: string, version: number) => ({
    mutationId,
    status: 'applied',
    httpStatus: 200,
    record: serverTodo(id, version),
  });

  for (const status of [404, 405]) {
    it(`${status}: sends the changes as single requests instead`, async () => {
      const done = transport.push(BATCH, [createTodo('t1'), updateTodo('t2', { done: true })]);
      http.expectOne(URL).flush('Not here', { status, statusText: 'x' });
      await nextRequestTurn();
      const create = http.expectOne(`${SERVER}/todos`);
      expect(create.request.headers.get('Idempotency-Key')).toBe('m-create-t1');
      create.flush(serverTodo('t1', 1), { status: 201, statusText: 'Created' });
      await nextRequestTurn();
      http.expectOne(`${SERVER}/todos/t2`).flush(serverTodo('t2', 4, { done: true }));
      const outcomes = await done;
      expect(outcomes.map((o) => o.status === 'applied' && o.record?.version)).toEqual([1, 4]);
    });
  }

  it('413: sends the batch again in halves', async () => {
    const done = transport.push(BATCH, [createTodo('t1'), createTodo('t2'), deleteTodo('t3')]);
    http.expectOne(URL).flush(null, { status: 413, statusText: 'Payload Too Large' });
    await nextRequestTurn();
    const first = http.expectOne(URL);
    expect(first.request.body.mutations.map((m: { id: string }) => m.id)).toEqual(['t1', 't2']);
    first.flush({ results: [applied('m-create-t1', 't1', 1), applied('m-create-t2', 't2', 1)] });
    await nextRequestTurn();
    const second = http.expectOne(URL);
    expect(second.request.body.mutations.map((m: { id: string }) => m.id)).toEqual(['t3']);
    second.flush({
      results: [{ mutationId: 'm-delete-t3', status: 'applied', httpStatus: 204, record: null }],
    });
    expect((await done).map((o) => o.status)).toEqual(['applied', 'applied', 'applied']);
  });

  it('413 for one change alone: that change is refused (too large for the server)', async () => {
    const done = transport.push(BATCH, [createTodo('t1'), createTodo('t2')]);
    http.expectOne(URL).flush(null, { status: 413, statusText: 'Payload Too Large' });
    await nextRequestTurn();
    http.expectOne(URL).flush(null, { status: 413, statusText: 'Payload Too Large' });
    await nextRequestTurn();
    http.expectOne(URL).flush({ results: [applied('m-create-t2', 't2', 1)] });
    const [big, small] = await done;
    expect([big?.status, errorOf(big)?.kind]).toEqual(['rejected', 'rejected']);
    expect(errorOf(big)?.message).toContain('HTTP 413');
    expect(small?.status).toBe('applied');
  });
});
