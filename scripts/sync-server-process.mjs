// @ts-check
// Starts the reference sync server (projects/sync-server/src/cli.ts) as a child process, for the
// scripts that need a real one: `npm start`, the end-to-end tests and the benchmarks.
//
//   const server = await startSyncServerProcess({ db: 'data/sync.sqlite', port: 0 });
//   console.log(server.url); // http://127.0.0.1:41234
//   await server.stop();
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STARTUP_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Spawns the sync server on `host:port` (port 0: a free one) with its SQLite file at `db` and
 * resolves once it listens. Its output goes to `output` (stderr by default) from then on.
 *
 * @param {{ db: string, port?: number | string, host?: string, logLevel?: string,
 *   output?: NodeJS.WritableStream, env?: NodeJS.ProcessEnv }} options
 * @returns {Promise<{ url: string, child: import('node:child_process').ChildProcess,
 *   exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>,
 *   stop: () => Promise<void> }>} `stop()` ends it (SIGTERM, SIGKILL after 10 s); idempotent.
 * @example
 *   const server = await startSyncServerProcess({ db: join(dir, 'sync.sqlite'), logLevel: 'warn' });
 */
export function startSyncServerProcess({
  db,
  port = 0,
  host = '127.0.0.1',
  logLevel = 'warn',
  output = process.stderr,
  env = process.env,
}) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'projects/sync-server/src/cli.ts',
      ...['--port', String(port), '--host', host, '--db', db, '--log-level', logLevel],
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env }
  );
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal }))
  );
  // Should this process end without stop() (an exit during startup, a crash), the server goes too.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  exited.then(() => process.off('exit', killOnExit));
  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  return new Promise((resolve, reject) => {
    const fail = (/** @type {string} */ message) => {
      clearTimeout(timer);
      stop().then(() => reject(new Error(`The sync server did not start: ${message}`)));
    };
    const timer = setTimeout(
      () => fail(`no answer within ${STARTUP_TIMEOUT_MS} ms`),
      STARTUP_TIMEOUT_MS
    );
    child.once('error', (error) => fail(error.message));
    exited.then(({ code, signal }) => fail(`it exited (${code ?? signal}) before listening`));
    const stdout = child.stdout;
    if (!stdout) throw new Error('the sync server has no stdout');
    stdout.setEncoding('utf8');
    let buffered = '';
    const onData = (/** @type {string} */ chunk) => {
      output.write(chunk);
      buffered += chunk;
      const match = /sync-server listening on (\S+)/.exec(buffered);
      if (!match?.[1]) return;
      clearTimeout(timer);
      stdout.off('data', onData);
      stdout.pipe(output);
      resolve({ url: match[1], child, exited, stop });
    };
    stdout.on('data', onData);
  });
}
