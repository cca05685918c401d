// The servers the library's integration specs talk to: the reference sync server on a temporary
// SQLite file and the fault proxy (scripts/fault-proxy.mjs) in front of it, plus two more servers
// on their own files: `securedUrl` needs bearer tokens (`alice-token` → alice, `bob-token` → bob,
// each user sees only their own records) and `renamedUrl` names its WebSocket change events
// `record.created`, `record.changed` and `record.removed` and answers every app message `m` with
// `{type: 'echo', message: m}`. All on 127.0.0.1 and free ports. The
// proxy's `POST /__faults/restart-server` closes the main server (its WebSockets see 1001) and
// starts it again on the same port and file.
//
// As a program (`node --import tsx scripts/test-servers.mjs`) it starts them, prints one JSON line
// `{"url","proxyUrl","controlUrl","securedUrl","renamedUrl","dir"}` on stdout, and runs until
// SIGINT/SIGTERM/SIGHUP or until its stdin closes (so it never outlives the process that started
// it), then stops them and removes the temporary directory. SYNC_SERVER_LOG=info|warn|error turns the server's log on
// (stderr; silent by default).
//
// `startTestServers()` runs that program as a child process; the Karma framework in
// scripts/karma-shared.cjs uses it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { createFaultProxy } from './fault-proxy.mjs';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..');
const STARTUP_TIMEOUT_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Starts the sync server and the fault proxy in a child process.
 *
 * @returns {Promise<{ url: string, proxyUrl: string, controlUrl: string, securedUrl: string,
 *   renamedUrl: string, stop(): Promise<void> }>}
 *   `url` is the server itself, `proxyUrl` the same server through the fault proxy, `controlUrl`
 *   the proxy's control API (`${proxyUrl}/__faults`), `securedUrl` and `renamedUrl` the servers
 *   described at the top of this file. `stop()` ends both and removes their files;
 *   it is idempotent and never rejects. Rejects when they do not start, with an Error whose
 *   `reason` says why (their own output is on stderr).
 */
export function startTestServers() {
  const child = spawn(process.execPath, ['--import', 'tsx', self], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let exited = false;
  const exit = new Promise((resolve) => {
    child.on('exit', () => {
      exited = true;
      resolve();
    });
  });
  // Should this process end without stop(), the child still goes: its stdin closes with us.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);

  let stopping;
  let dir;
  const stop = () => {
    stopping ??= (async () => {
      process.off('exit', killOnExit);
      if (!exited) {
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
        await exit;
        clearTimeout(timer);
      }
      // The child removes its directory; this is for a child that had to be killed.
      if (dir) rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  return new Promise((resolve, reject) => {
    let buffered = '';
    const fail = (message) => {
      clearTimeout(timer);
      const error = new Error(`The test sync server did not start: ${message}`);
      stop().then(() => reject(Object.assign(error, { reason: message })));
    };
    const timer = setTimeout(
      () => fail(`no answer in ${STARTUP_TIMEOUT_MS} ms`),
      STARTUP_TIMEOUT_MS
    );
    child.on('error', (error) => fail(error.message));
    child.on('exit', (code, signal) => fail(`it exited with ${code ?? signal} (see its output)`));
    const onData = (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      child.stdout.off('data', onData);
      // Anything after the first line is server log output.
      child.stdout.pipe(process.stderr);
      process.stderr.write(buffered.slice(newline + 1));
      let urls;
      try {
        urls = JSON.parse(buffered.slice(0, newline));
      } catch {
        fail(`unexpected output ${JSON.stringify(buffered.slice(0, newline))}`);
        return;
      }
      clearTimeout(timer);
      dir = urls.dir;
      const { url, proxyUrl, controlUrl, securedUrl, renamedUrl } = urls;
      resolve({ url, proxyUrl, controlUrl, securedUrl, renamedUrl, stop });
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
  });
}

/** The child process: start both, print where they are, stop both when told or orphaned. */
async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'osk-sync-server-'));
  let servers = [];
  let proxy;
  let stopping;
  const stop = (code) => {
    stopping ??= (async () => {
      try {
        await proxy?.close();
        await Promise.all(servers.map((server) => server?.close()));
      } catch (error) {
        console.error('[test-servers] stopping failed:', error);
        code ||= 1;
      }
      rmSync(dir, { recursive: true, force: true });
      process.exit(code);
    })();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(0));
  process.stdin.on('end', () => stop(0));
  process.stdin.on('error', () => stop(0));
  process.stdin.resume();

  try {
    const { createConsoleLogger, createSyncServer, silentLogger } =
      await import('../projects/sync-server/src/index.ts');
    const level = ['info', 'warn', 'error'].find((l) => l === process.env.SYNC_SERVER_LOG);
    const logger = level ? createConsoleLogger(level) : silentLogger;
    const start = async (name, options = {}) => {
      const server = createSyncServer({
        dbPath: join(dir, `${name}.sqlite`),
        port: 0,
        host: '127.0.0.1',
        logger,
        ...options,
      });
      servers.push(server);
      return { server, ...(await server.listen()) };
    };
    const main = await start('sync');
    const secured = await start('secured', {
      auth: { tokens: { 'alice-token': 'alice', 'bob-token': 'bob' } },
    });
    const renamed = await start('renamed', {
      webSocket: {
        eventNames: {
          created: 'record.created',
          updated: 'record.changed',
          deleted: 'record.removed',
        },
        onMessage: (message, { send }) => send({ type: 'echo', message }),
      },
    });
    let current = main.server;
    const restartServer = async () => {
      await current.close();
      servers = servers.filter((server) => server !== current);
      ({ server: current } = await start('sync', { port: main.port }));
    };
    proxy = createFaultProxy({
      target: main.url,
      host: '127.0.0.1',
      port: 0,
      actions: { 'restart-server': restartServer },
    });
    const { url: proxyUrl, controlUrl } = await proxy.listen();
    const urls = {
      url: main.url,
      proxyUrl,
      controlUrl,
      securedUrl: secured.url,
      renamedUrl: renamed.url,
      dir,
    };
    process.stdout.write(`${JSON.stringify(urls)}\n`);
  } catch (error) {
    console.error('[test-servers]', error);
    stop(1);
  }
}

if (process.argv[1] === self) await main();
