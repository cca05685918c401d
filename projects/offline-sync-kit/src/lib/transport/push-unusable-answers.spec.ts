import { HttpTestingController } from '@angular/common/http/testing';
import { PushOutcome } from '../model/push-outcome';
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
 * Push answers the kit cannot use (docs/protocol.md, "Answers the kit cannot read"): a 2xx that is
 * not JSON may not come from the API at all, so the change is sent again; a 2xx with JSON is the
 * API saying it stored the change, so the kit confirms it by reading the record back; neither
 * becomes a dead letter. A delete answered 410, or 404 `not_found`, is done.
 */
describe('push answers the kit cannot use', () => {
  let transport: RestSyncTransport;
  let http: HttpTestingController;

  beforeEach(() => ({ transport, http } = setUpTransport()));
  afterEach(() => http.verify());

  /** Pushes one update of t1 (base version 3) and answers it with `body`. */
  async function updateAnswered(body: unknown, status = 200): Promise<PushOutcome> {
    const done = transport.push(CONTEXT, [updateTodo('t1', { done: true })]);
    http.expectOne(`${SERVER}/todos/t1`).flush(body as string, { status, statusText: 'x' });
    return (await done)[0]!;
  }

  describe('a 2xx that is not JSON: sent again under the same key', () => {
    for (const [name, body] of [
      ['an HTML page', '<!doctype html><p>Sign in</p>'],
      ['truncated JSON', '{"id":"t1","ti'],
    ]) {
      it(`${name}, and the entries after it wait`, async () => {
        const done = transport.push(CONTEXT, [updateTodo('t1', { done: true }), createTodo('t2')]);
        http.expectOne(`${SERVER}/todos/t1`).flush(body!);
        const [first, second] = await done;
        expect([first?.status, second?.status]).toEqual(['retry', 'retry']);
        expect(errorOf(first)?.kind).toBe('invalid-response');
        expect(errorOf(second)).toBe(errorOf(first)); // left out, not counted as an attempt
        expect(errorOf(first)?.message).toContain('PATCH https://api.test/todos/t1 (todo "t1")');
        expect(errorOf(first)?.message).toContain('sent again under the same Idempotency-Key');
      });
    }

    it('a delete too, which used to count as applied', async () => {
      const done = transport.push(CONTEXT, [deleteTodo('t1')]);
      http.expectOne(`${SERVER}/todos/t1`).flush('<html>portal</html>');
      const [outcome] = await done;
      expect([outcome?.status, errorOf(outcome)?.kind]).toEqual(['retry', 'invalid-response']);
    });
  });

  describe('a 2xx with JSON that is not the record: applied, to be confirmed by reading it back', () => {
    const cases: [string, unknown, string][] = [
      ['no id', { title: 'Milk', version: 4 }, '"id" must be a non-empty string'],
      ['another record', serverTodo('t2', 4), '"id" is "t2", but the request was about "t1"'],
      ['a version as a string', serverTodo('t1', '4' as never), 'not the string "4"'],
      ['a negative version', serverTodo('t1', -4), 'not the number -4'],
      ['an empty body', '', 'expected a record object, got nothing'],
      ['the base version again', serverTodo('t1', 3), 'comes back at version 3, but the change'],
      ['an older version', serverTodo('t1', 2), 'was made on version 3'],
    ];
    for (const [name, body, problem] of cases) {
      it(name, async () => {
        const outcome = await updateAnswered(body);
        expect(outcome).toEqual(
          jasmine.objectContaining({ mutationId: 'm-update-t1', status: 'applied', record: null })
        );
        const error = errorOf(outcome)!;
        expect([error.kind, error.modelType, error.recordId]).toEqual([
          'invalid-response',
          'todo',
          't1',
        ]);
        expect(error.message).toContain(problem);
        expect(error.message).toContain('so the record is read back to confirm it');
      });
    }

    it('a create answered without its id', async () => {
      const done = transport.push(CONTEXT, [createTodo('t5')]);
      http.expectOne(`${SERVER}/todos`).flush({ data: serverTodo('t5', 1) });
      const [outcome] = await done;
      expect(outcome?.status === 'applied' && outcome.record).toBeNull();
      expect(errorOf(outcome)?.recordId).toBe('t5');
    });
  });

  it('a conflict whose current record does not fit: current null (read later), said why', async () => {
    const outcome = await updateAnswered({ current: serverTodo('t9', 2) }, 409);
    expect(outcome).toEqual(
      jasmine.objectContaining({ mutationId: 'm-update-t1', status: 'conflict', current: null })
    );
    expect(errorOf(outcome)?.message).toContain(
      'current: "id" is "t9", but the request was about "t1"; the record is read from the server'
    );
  });

  it('a delete answered 410, or 404 not_found, is done: the record is gone already', async () => {
    const ids = ['t1', 't2', 't3', 't4', 't5'];
    const done = transport.push(
      CONTEXT,
      ids.map((id) => deleteTodo(id))
    );
    const answers: [object | string | null, number][] = [
      [{ error: { code: 'not_found', message: 'no such todo' } }, 404],
      [null, 410],
      // Not the record's absence: a collection the server does not know, a web server's page.
      [{ error: { code: 'unknown_collection', message: 'no such collection' } }, 404],
      ['<html>Not Found</html>', 404],
      [null, 422],
    ];
    for (const [i, [body, status]] of answers.entries()) {
      if (i > 0) await nextRequestTurn();
      http.expectOne(`${SERVER}/todos/${ids[i]}`).flush(body, { status, statusText: 'x' });
    }
    const outcomes = await done;
    expect(outcomes.slice(0, 2)).toEqual(
      ['t1', 't2'].map((id) => ({
        mutationId: `m-delete-${id}`,
        status: 'applied',
        record: { id, deleted: true, version: null, updatedAt: null },
      }))
    );
    expect(outcomes.slice(2).map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });

  describe('in a batch', () => {
    const BATCH = { ...CONTEXT, useBatchEndpoint: true };
    const applied = (mutationId: string, record: unknown) => ({
      mutationId,
      status: 'applied',
      httpStatus: 200,
      record,
    });

    it('an applied result without a usable record is applied, to be read back', async () => {
      const done = transport.push(BATCH, [createTodo('t1'), createTodo('t2')]);
      http.expectOne(`${SERVER}/sync/batch`).flush({
        results: [
          applied('m-create-t1', { version: 'one' }),
          applied('m-create-t2', serverTodo('t2', 1)),
        ],
      });
      const [bad, good] = await done;
      expect(bad?.status === 'applied' && bad.record).toBeNull();
      expect(errorOf(bad)?.message).toContain('record: "id" must be a non-empty string');
      expect(good?.status === 'applied' && good.record?.version).toBe(1);
    });

    it('a conflict without a usable current record, and a delete of a record already gone', async () => {
      const done = transport.push(BATCH, [updateTodo('t1', { done: true }), deleteTodo('t2')]);
      http.expectOne(`${SERVER}/sync/batch`).flush({
        results: [
          { mutationId: 'm-update-t1', status: 'conflict', httpStatus: 409, current: [] },
          {
            mutationId: 'm-delete-t2',
            status: 'rejected',
            httpStatus: 404,
            error: { code: 'not_found', message: 'no such todo' },
          },
        ],
      });
      const [conflict, gone] = await done;
      expect(conflict?.status === 'conflict' && conflict.current).toBeNull();
      expect(errorOf(conflict)?.message).toContain('current: expected a record object');
      expect(gone?.status === 'applied' && gone.record?.deleted).toBeTrue();
    });
  });
});
