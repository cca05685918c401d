import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { RestMapping } from '../model/rest-mapping';
import { OfflineSyncError } from '../model/sync-error';
import { RestSyncTransport } from './rest-sync-transport';
import { TransportEntity } from './sync-transport';
import {
  CONTEXT,
  nextRequestTurn,
  SERVER,
  serverTodo,
  setUpTransport,
  TODOS,
} from './testing/transport-fixtures';

describe('RestSyncTransport pull', () => {
  let transport: RestSyncTransport;
  let http: HttpTestingController;

  beforeEach(() => ({ transport, http } = setUpTransport()));
  afterEach(() => http.verify());

  const withRest = (rest: RestMapping): TransportEntity => ({ ...TODOS, rest });
  const expectGet = (url: string): TestRequest => {
    const req = http.expectOne((r) => r.urlWithParams === url);
    expect(req.request.method).toBe('GET');
    return req;
  };
  const failureOf = async (promise: Promise<unknown>): Promise<OfflineSyncError> => {
    try {
      await promise;
    } catch (error) {
      return error as OfflineSyncError;
    }
    throw new Error('expected the pull to fail');
  };

  it('pulls the feed with the protocol defaults: {items, cursor, hasMore}, tombstones included', async () => {
    const first = transport.pull(CONTEXT, TODOS, null, 2);
    expectGet(`${SERVER}/todos?limit=2`).flush({
      items: [serverTodo('t2', 1), { id: 't1', deleted: true, version: 4, updatedAt: 'x' }],
      cursor: 'MTc',
      hasMore: true,
    });
    expect(await first).toEqual({
      items: [
        {
          id: 't2',
          deleted: false,
          version: 1,
          updatedAt: '2026-11-24T10:00:00.000Z',
          data: serverTodo('t2', 1),
        },
        { id: 't1', deleted: true, version: 4, updatedAt: 'x' },
      ],
      cursor: 'MTc',
      hasMore: true,
    });

    const next = transport.pull(CONTEXT, TODOS, 'MTc', 2);
    expectGet(`${SERVER}/todos?cursor=MTc&limit=2`).flush({
      items: [],
      cursor: 'MTc',
      hasMore: false,
    });
    expect(await next).toEqual({ items: [], cursor: 'MTc', hasMore: false });
  });

  it('reads a {data} envelope under custom parameter names', async () => {
    const entity = withRest({ listEnvelope: 'data', cursorParam: 'after', limitParam: 'max' });
    const done = transport.pull(CONTEXT, entity, 'c1', 50);
    expectGet(`${SERVER}/todos?after=c1&max=50`).flush({
      data: [serverTodo('t1', 2)],
      cursor: 'c2',
    });
    expect(await done).toEqual(jasmine.objectContaining({ cursor: 'c2', hasMore: false }));
  });

  it('pages a bare array by since: the next cursor is the latest update time seen', async () => {
    const entity = withRest({
      listEnvelope: 'array',
      paging: 'since',
      sinceParam: 'updatedSince',
      updatedAtField: 'modified',
    });
    const full = transport.pull(CONTEXT, entity, '2026-01-01T00:00:00Z', 2);
    expectGet(`${SERVER}/todos?updatedSince=2026-01-01T00:00:00Z&limit=2`).flush([
      { id: 't1', modified: '2026-01-03T00:00:00Z' },
      { id: 't2', modified: '2026-01-02T00:00:00Z' },
    ]);
    expect(await full).toEqual(
      jasmine.objectContaining({ cursor: '2026-01-03T00:00:00Z', hasMore: true })
    );

    const empty = transport.pull(CONTEXT, entity, '2026-01-03T00:00:00Z', 2);
    expectGet(`${SERVER}/todos?updatedSince=2026-01-03T00:00:00Z&limit=2`).flush([]);
    expect(await empty).toEqual({ items: [], cursor: '2026-01-03T00:00:00Z', hasMore: false });
  });

  it('refuses a since page with an item that has no update time', async () => {
    const done = transport.pull(
      CONTEXT,
      withRest({ listEnvelope: 'array', paging: 'since' }),
      null,
      5
    );
    expectGet(`${SERVER}/todos?limit=5`).flush([{ id: 't1', updatedAt: 'a' }, { id: 't2' }]);
    expect((await failureOf(done)).message).toContain(
      'item 2 has no "updatedAt", which since paging needs'
    );
  });

  it('pages by offset, and starts over (cursor null) after the last page', async () => {
    const entity = withRest({
      listEnvelope: 'array',
      paging: 'offset',
      offsetParam: 'skip',
      limitParam: 'take',
    });
    const first = transport.pull(CONTEXT, entity, null, 2);
    expectGet(`${SERVER}/todos?skip=0&take=2`).flush([{ id: 't1' }, { id: 't2' }]);
    expect(await first).toEqual(jasmine.objectContaining({ cursor: '2', hasMore: true }));

    const last = transport.pull(CONTEXT, entity, '2', 2);
    expectGet(`${SERVER}/todos?skip=2&take=2`).flush([{ id: 't3' }]);
    const page = await last;
    expect(page.items.map((item) => item.id)).toEqual(['t3']);
    expect([page.cursor, page.hasMore]).toEqual([null, false]);
  });

  it('takes a list apart with a custom envelope function', async () => {
    const entity = withRest({
      listEnvelope: (body) => {
        const b = body as { results: Record<string, unknown>[]; next: string | null };
        return { items: b.results, cursor: b.next, hasMore: b.next !== null };
      },
    });
    const done = transport.pull(CONTEXT, entity, null, 10);
    expectGet(`${SERVER}/todos?limit=10`).flush({
      results: [{ id: 't1', version: 1 }],
      next: 'p2',
    });
    expect(await done).toEqual(jasmine.objectContaining({ cursor: 'p2', hasMore: true }));
  });

  it('asks again from the start when the server does not know the cursor', async () => {
    const done = transport.pull(CONTEXT, TODOS, 'stale', 10);
    expectGet(`${SERVER}/todos?cursor=stale&limit=10`).flush(
      { error: { code: 'invalid_cursor', message: 'ahead of this server' } },
      { status: 400, statusText: 'Bad Request' }
    );
    await nextRequestTurn();
    expectGet(`${SERVER}/todos?limit=10`).flush({ items: [], cursor: 'c0', hasMore: false });
    expect((await done).cursor).toBe('c0');
  });

  describe('answers that do not fit refuse the whole page', () => {
    const invalid = async (body: unknown, entity = TODOS, about = '(todo)') => {
      const done = transport.pull(CONTEXT, entity, null, 10);
      expectGet(`${SERVER}/todos?limit=10`).flush(body as string);
      const error = await failureOf(done);
      expect(error.kind).toBe('invalid-response');
      expect(error.message).toContain(`The answer to GET https://api.test/todos?limit=10 ${about}`);
      return error.message;
    };

    it('an HTML page', async () => {
      expect(await invalid('<html><body>Sign in</body></html>')).toContain(
        'an HTML page, not JSON'
      );
    });

    it('an item without an id, or with a version of the wrong type', async () => {
      const items = [serverTodo('t1', 1), { title: 'no id' }];
      expect(await invalid({ items, cursor: 'c', hasMore: false })).toContain(
        'item 2: "id" must be'
      );
      // An item whose id can be read names its record.
      const typed = [{ id: 't1', version: '1' }];
      expect(
        await invalid({ items: typed, cursor: 'c', hasMore: false }, TODOS, '(todo "t1")')
      ).toContain('item 1: "version"');
    });

    it('more items than the limit asked for', async () => {
      const items = Array.from({ length: 11 }, (_, i) => serverTodo(`t${i}`, 1));
      expect(await invalid({ items, cursor: 'c', hasMore: false })).toContain(
        'the page holds 11 items, but at most 10 were asked for (limit=10)'
      );
    });

    it('another envelope than the mapping says', async () => {
      expect(await invalid([serverTodo('t1', 1)])).toContain(
        'expected {"items": [...]}, but the body is an array of 1'
      );
      expect(await invalid({ items: [], cursor: 5 })).toContain(
        '"cursor" must be a string or null'
      );
      expect(await invalid({ items: [] }, withRest({ listEnvelope: 'array' }))).toContain(
        'expected an array'
      );
      const throwing = withRest({
        listEnvelope: () => {
          throw new Error('no results');
        },
      });
      expect(await invalid({}, throwing)).toContain('the listEnvelope function threw: no results');
    });

    it('a page that says there is more but does not move its cursor', async () => {
      expect(await invalid({ items: [], hasMore: true })).toContain(
        'pulling again would return this page for ever'
      );
    });
  });

  describe('failures throw the matching kind', () => {
    const cases: [string, (req: TestRequest) => void, string][] = [
      ['no network', (req) => req.error(new ProgressEvent('error')), 'network'],
      ['a 503', (req) => req.flush(null, { status: 503, statusText: 'x' }), 'server'],
      ['a 429', (req) => req.flush(null, { status: 429, statusText: 'x' }), 'server'],
      ['a 401', (req) => req.flush(null, { status: 401, statusText: 'x' }), 'auth'],
      [
        'a 404',
        (req) =>
          req.flush(
            { error: { code: 'unknown_collection', message: 'nope' } },
            { status: 404, statusText: 'x' }
          ),
        'rejected',
      ],
    ];
    for (const [name, answer, kind] of cases) {
      it(name, async () => {
        const done = transport.pull(CONTEXT, TODOS, 'c1', 10);
        answer(expectGet(`${SERVER}/todos?cursor=c1&limit=10`));
        const error = await failureOf(done);
        expect(error.kind).toBe(kind);
        expect(error.modelType).toBe('todo');
        expect(error.message).toMatch(/the pull of todo/i);
      });
    }

    it('a timeout', async () => {
      const done = transport.pull({ ...CONTEXT, timeoutMs: 1 }, TODOS, null, 10);
      const req = expectGet(`${SERVER}/todos?limit=10`);
      expect((await failureOf(done)).kind).toBe('timeout');
      expect(req.cancelled).toBeTrue();
    });
  });
});
