import { HttpTestingController } from '@angular/common/http/testing';
import { OfflineSyncError } from '../model/sync-error';
import { RestSyncTransport } from './rest-sync-transport';
import { CONTEXT, SERVER, serverTodo, setUpTransport, TODOS } from './testing/transport-fixtures';

describe('RestSyncTransport reads', () => {
  let transport: RestSyncTransport;
  let http: HttpTestingController;

  beforeEach(() => ({ transport, http } = setUpTransport()));
  afterEach(() => http.verify());

  const failureOf = async (promise: Promise<unknown>): Promise<OfflineSyncError> => {
    try {
      await promise;
    } catch (error) {
      return error as OfflineSyncError;
    }
    throw new Error('expected the read to fail');
  };

  describe('fetchItems', () => {
    it('sends only the paging it was given, under the mapped names', async () => {
      const entity = {
        ...TODOS,
        rest: { listEnvelope: 'data' as const, offsetParam: 'skip', sinceParam: 'after' },
      };
      const done = transport.fetchItems(CONTEXT, entity, { limit: 20, offset: 40, since: 'x' });
      http
        .expectOne(`${SERVER}/todos?limit=20&skip=40&after=x`)
        .flush({ data: [serverTodo('t1', 1), { id: 't2', deleted: true }] });
      const items = await done;
      expect(items.map((item) => [item.id, item.deleted])).toEqual([
        ['t1', false],
        ['t2', true],
      ]);

      const plain = transport.fetchItems(CONTEXT, TODOS, {});
      http.expectOne(`${SERVER}/todos`).flush({ items: [], cursor: null, hasMore: false });
      expect(await plain).toEqual([]);
    });

    it('throws on an answer that does not fit', async () => {
      const done = transport.fetchItems(CONTEXT, TODOS, { limit: 1 });
      http.expectOne(`${SERVER}/todos?limit=1`).flush({ items: [{ version: 1 }] });
      expect((await failureOf(done)).kind).toBe('invalid-response');
    });
  });

  describe('fetchOne', () => {
    it('reads one record', async () => {
      const done = transport.fetchOne(CONTEXT, TODOS, 't 1');
      const req = http.expectOne(`${SERVER}/todos/t%201`);
      expect(req.request.method).toBe('GET');
      req.flush(serverTodo('t 1', 3));
      expect(await done).toEqual(
        jasmine.objectContaining({ id: 't 1', deleted: false, version: 3 })
      );
    });

    it('takes the version from the ETag when the mapping says so', async () => {
      const entity = { ...TODOS, rest: { versionSource: 'etag' as const } };
      const done = transport.fetchOne(CONTEXT, entity, 't1');
      http.expectOne(`${SERVER}/todos/t1`).flush({ id: 't1' }, { headers: { ETag: 'W/"12"' } });
      expect((await done)?.version).toBe(12);
    });

    it('answers null for 404 and 410', async () => {
      for (const status of [404, 410]) {
        const done = transport.fetchOne(CONTEXT, TODOS, 't1');
        http
          .expectOne(`${SERVER}/todos/t1`)
          .flush({ error: { code: 'not_found', message: 'gone' } }, { status, statusText: 'x' });
        expect(await done)
          .withContext(String(status))
          .toBeNull();
      }
    });

    it('throws other failures and answers that are not the record asked for', async () => {
      const down = transport.fetchOne(CONTEXT, TODOS, 't1');
      http.expectOne(`${SERVER}/todos/t1`).flush(null, { status: 500, statusText: 'x' });
      const error = await failureOf(down);
      expect([error.kind, error.recordId]).toEqual(['server', 't1']);
      expect(error.message).toContain(
        'The read of todo "t1" failed on the server (GET https://api.test/todos/t1 answered HTTP 500)'
      );

      const other = transport.fetchOne(CONTEXT, TODOS, 't1');
      http.expectOne(`${SERVER}/todos/t1`).flush(serverTodo('t2', 1));
      expect((await failureOf(other)).message).toContain(
        '"id" is "t2", but the request was about "t1"'
      );

      const html = transport.fetchOne(CONTEXT, TODOS, 't1');
      http.expectOne(`${SERVER}/todos/t1`).flush('<html></html>');
      expect((await failureOf(html)).kind).toBe('invalid-response');
    });
  });
});
