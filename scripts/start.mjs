// @ts-check
// `npm start`: installs what is missing, builds the library and the demo (production, with its
// service worker), then runs the reference sync server and the demo server (scripts/demo-server.mjs)
// in front of it: the demo at http://127.0.0.1:4200, its `/api/*` (REST and WebSocket) proxied to
// the sync server at http://127.0.0.1:8787. Ctrl-C stops both.
//
//   SYNC_SERVER_PORT=9000 DEMO_PORT=4300 npm start
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { startDemoServer } from './demo-server.mjs';
import { ensureDependencies, root, run } from './setup.mjs';

const SERVER_PORT = process.env.SYNC_SERVER_PORT ?? '8787';
const DEMO_PORT = process.env.DEMO_PORT ?? '4200';
const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 60_000;
/** After Ctrl-C the terminal has sent the sync server its SIGINT too: give it this long alone. */
const OWN_SIGINT_GRACE_MS = 2_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;

ensureDependencies();
const ng = join(root, 'node_modules', '.bin', 'ng');
const env = { ...process.env, NG_CLI_ANALYTICS: 'false' };

console.log('[start] building the library…');
run(ng, ['build', 'offline-sync-kit'], { env });
console.log('[start] building the demo (production)…');
run(ng, ['build', 'demo', '--configuration', 'production'], { env });

mkdirSync(join(root, 'data'), { recursive: true });
const syncServer = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    'projects/sync-server/src/cli.ts',
    '--port',
    SERVER_PORT,
    '--host',
    HOST,
    '--db',
    'data/sync.sqlite',
  ],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env }
);
const syncServerExit = new Promise((resolve) => {
  syncServer.on('exit', (code, signal) => resolve({ code, signal }));
});

/** @type {{ url: string, close: () => Promise<void> } | null} */
let demo = null;
let stopping = false;

/** Stops the demo server and the sync server (at most once), then exits with `code`. */
async function stop(code, { syncServerHasSignal = false } = {}) {
  if (stopping) {
    // A second Ctrl-C while stopping: the user wants out now.
    syncServer.kill('SIGKILL');
    process.exit(code || 130);
  }
  stopping = true;
  await demo?.close();
  if (syncServer.exitCode === null && syncServer.signalCode === null) {
    // A second signal makes the sync server exit without finishing its requests: send one only
    // when it did not get the terminal's Ctrl-C itself.
    const exited = await Promise.race([
      syncServerExit.then(() => true),
      delay(syncServerHasSignal ? OWN_SIGINT_GRACE_MS : 0).then(() => false),
    ]);
    if (!exited) syncServer.kill('SIGTERM');
    const timer = setTimeout(() => syncServer.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
    await syncServerExit;
    clearTimeout(timer);
  }
  process.exit(code);
}
process.on('SIGINT', () => stop(0, { syncServerHasSignal: true }));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0, { syncServerHasSignal: true }));

syncServer.on('error', (error) => {
  console.error(`[start] could not run the sync server: ${error.message}`);
  stop(1);
});
// The sync server ending on its own (a crash, a port in use) ends the demo: a half-running demo
// misleads.
syncServerExit.then(({ code, signal }) => {
  if (stopping) return;
  console.error(`[start] the sync server exited (${code ?? signal}); stopping the demo`);
  stop(code || 1);
});

const syncServerUrl = await waitForListening(syncServer);
try {
  demo = await startDemoServer({
    root: join(root, 'dist', 'demo', 'browser'),
    port: Number(DEMO_PORT),
    host: HOST,
    syncServerUrl,
  });
} catch (error) {
  const reason =
    error.code === 'EADDRINUSE' ? `port ${DEMO_PORT} is in use (set DEMO_PORT)` : error.message;
  console.error(`[start] the demo server did not start: ${reason}`);
  await stop(1);
}
console.log(`\n[start] sync server on ${syncServerUrl}, proxied at ${demo?.url}/api`);
console.log(`Demo: ${demo?.url}`);
console.log('(Ctrl-C stops both)\n');

/**
 * Passes the sync server's output through and resolves with its URL once it prints
 * `sync-server listening on <url>`.
 */
function waitForListening(child) {
  return new Promise((resolve) => {
    let buffered = '';
    let found = false;
    const timer = setTimeout(() => {
      console.error(`[start] the sync server did not start within ${STARTUP_TIMEOUT_MS} ms`);
      stop(1);
    }, STARTUP_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      if (found) return;
      buffered += chunk;
      const match = /sync-server listening on (\S+)/.exec(buffered);
      if (!match?.[1]) return;
      found = true;
      clearTimeout(timer);
      resolve(match[1]);
    });
  });
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
