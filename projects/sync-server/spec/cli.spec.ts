import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestServer } from './support/test-server';

describe('the CLI', () => {
  let dir: string;
  let child: ChildProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sync-server-cli-'));
  });
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts, serves, logs each request, shares its database and shuts down on SIGTERM', async () => {
    const dbPath = join(dir, 'data', 'sync.sqlite');
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'projects/sync-server/src/cli.ts', '--port', '0', '--db', dbPath],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) =>
      child!.on('exit', (code) => resolve(code))
    );

    const url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(output)?.[1]);
    expect(existsSync(dbPath)).toBeTrue();
    const res = await fetch(`${url}/todos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"id":"t1"}',
    });
    expect(res.status).toBe(201);
    await waitFor(() => output.includes('POST /todos 201'));

    // A second server in this process on the same file: writes from two processes must
    // still let exactly one of two same-version updates win.
    const local = await new TestServer({}, dbPath).start();
    try {
      for (let version = 1; version <= 10; version++) {
        const init = {
          method: 'PATCH',
          headers: { 'content-type': 'application/json', 'if-match': `"${version}"` },
        };
        const answers = await Promise.all([
          fetch(`${url}/todos/t1`, { ...init, body: '{"by":"cli"}' }),
          fetch(`${local.url}/todos/t1`, { ...init, body: '{"by":"local"}' }),
        ]);
        expect(answers.map((a) => a.status).sort())
          .withContext(`round ${version}`)
          .toEqual([200, 409]);
      }
    } finally {
      await local.stop();
    }

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM');
  }, 20000);

  it('exits with 2 and the usage on a bad flag', async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'projects/sync-server/src/cli.ts', '--nope'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      }
    );
    let errors = '';
    child.stderr!.on('data', (chunk) => (errors += chunk));
    const code = await new Promise((resolve) => child!.on('exit', resolve));
    expect(code).toBe(2);
    expect(errors).toContain('Usage: npm run server');
  }, 20000);
});

/** Polls `probe` until it returns something truthy (or 10 s pass). */
async function waitFor<T>(probe: () => T | undefined | false): Promise<T> {
  for (let waited = 0; waited < 10000; waited += 50) {
    const value = probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out');
}
