import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSyncServer, silentLogger, type ChangeEvent, type SyncServerHandle } from '../src';

describe('createSyncServer', () => {
  let dir: string;
  let server: SyncServerHandle | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sync-server-spec-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const create = (options = {}) =>
    (server = createSyncServer({
      dbPath: join(dir, 'nested', 'db.sqlite'),
      logger: silentLogger,
      ...options,
    }));

  it('creates the database directory, listens on a free loopback port and reports its url', async () => {
    const handle = create();
    expect(() => handle.url).toThrowError(/listen/);
    const { port, url } = await handle.listen();
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(handle.url).toBe(url);
    expect(handle.port).toBe(port);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('refuses a second listen, and listen after close; close is idempotent', async () => {
    const handle = create();
    await handle.listen();
    await expectAsync(handle.listen()).toBeRejectedWithError(/already listening/);
    await Promise.all([handle.close(), handle.close()]);
    await expectAsync(handle.listen()).toBeRejectedWithError(/closed/);
  });

  it('closes cleanly without ever listening', async () => {
    await create().close();
  });

  it('rejects listen when the port is taken, and can still close', async () => {
    const first = createSyncServer({ dbPath: join(dir, 'a.sqlite'), logger: silentLogger });
    const { port } = await first.listen();
    try {
      const second = create({ port });
      await expectAsync(second.listen()).toBeRejected();
    } finally {
      await first.close();
    }
  });

  it('refuses options that cannot work', () => {
    const dbPath = join(dir, 'x.sqlite');
    expect(() => createSyncServer({ dbPath, port: 70000 })).toThrowError(/port/);
    expect(() => createSyncServer({ dbPath, collections: ['sync'] })).toThrowError(/sync/);
    expect(() => createSyncServer({ dbPath, maxBodyBytes: 0 })).toThrowError(/maxBodyBytes/);
    expect(() => createSyncServer({ dbPath, auth: {} })).toThrowError(/auth/);
  });

  it('serves requests in-process through fetch()', async () => {
    const handle = create();
    const res = await handle.fetch(
      new Request('http://in-process/todos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"id":"t1"}',
      })
    );
    expect(res.status).toBe(201);
  });

  it('calls onChange listeners after each commit, and stops after unsubscribe', async () => {
    const handle = create();
    const events: ChangeEvent[] = [];
    const off = handle.onChange((e) => events.push(e));
    handle.onChange(() => {
      throw new Error('a broken listener must not fail the write');
    });
    const post = (id: string) =>
      handle.fetch(
        new Request('http://x/todos', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id, title: id }),
        })
      );
    expect((await post('a')).status).toBe(201);
    off();
    await post('b');
    expect(events as unknown[]).toEqual([
      {
        collection: 'todos',
        userId: null,
        op: 'create',
        seq: 1,
        entry: { id: 'a', title: 'a', version: 1, updatedAt: jasmine.any(String) },
      },
    ]);
  });

  it('logs one info line per request', async () => {
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: () => {}, error: () => {} };
    const { url } = await create({ logger }).listen();
    await fetch(`${url}/todos?limit=5`);
    expect(lines).toEqual([jasmine.stringMatching(/^GET \/todos\?limit=5 200 \d+\.\dms$/)]);
  });

  it('keeps the data across a restart', async () => {
    const dbPath = join(dir, 'keep.sqlite');
    const first = createSyncServer({ dbPath, logger: silentLogger });
    await first.fetch(
      new Request('http://x/todos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"id":"t1","title":"kept"}',
      })
    );
    await first.close();
    const second = (server = createSyncServer({ dbPath, logger: silentLogger }));
    const res = await second.fetch(new Request('http://x/todos/t1'));
    expect(((await res.json()) as { title: string }).title).toBe('kept');
  });
});
