// @ts-check
// `npm start`: installs what is missing, builds the library and the demo (production, with its
// service worker), then runs the reference sync server and the demo server (scripts/demo-server.mjs)
// in front of it: the demo at http://127.0.0.1:4200, its `/api/*` (REST and WebSocket) proxied to
// the sync server at http://127.0.0.1:8787. Ctrl-C stops both.
//
//   SYNC_SERVER_PORT=9000 DEMO_PORT=4300 npm start
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { startDemoServer } from './demo-server.mjs';
import { ensureDependencies, ng, root } from './setup.mjs';
import { startSyncServerProcess } from './sync-server-process.mjs';

const SERVER_PORT = process.env.SYNC_SERVER_PORT ?? '8787';
const DEMO_PORT = process.env.DEMO_PORT ?? '4200';
const HOST = '127.0.0.1';
/** After Ctrl-C the terminal has sent the sync server its SIGINT too: give it this long alone. */
const OWN_SIGINT_GRACE_MS = 2_000;

ensureDependencies();
console.log('[start] building the library…');
ng(['build', 'offline-sync-kit']);
console.log('[start] building the demo (production)…');
ng(['build', 'demo', '--configuration', 'production']);

mkdirSync(join(root, 'data'), { recursive: true });
/** @type {Awaited<ReturnType<typeof startSyncServerProcess>> | null} */
let syncServer = null;
/** @type {{ url: string, close: () => Promise<void> } | null} */
let demo = null;
let stopping = false;

/** Stops the demo server and the sync server (at most once), then exits with `code`. */
async function stop(code, { syncServerHasSignal = false } = {}) {
  const child = syncServer?.child;
  if (stopping) {
    // A second Ctrl-C while stopping: the user wants out now.
    child?.kill('SIGKILL');
    process.exit(code || 130);
  }
  stopping = true;
  await demo?.close();
  if (syncServer && child && child.exitCode === null && child.signalCode === null) {
    // A second signal makes the sync server exit without finishing its requests: send one only
    // when it did not get the terminal's Ctrl-C itself.
    const exited = await Promise.race([
      syncServer.exited.then(() => true),
      delay(syncServerHasSignal ? OWN_SIGINT_GRACE_MS : 0).then(() => false),
    ]);
    if (!exited) await syncServer.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => stop(0, { syncServerHasSignal: true }));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0, { syncServerHasSignal: true }));

try {
  syncServer = await startSyncServerProcess({
    db: 'data/sync.sqlite',
    port: SERVER_PORT,
    host: HOST,
    logLevel: 'info',
    output: process.stdout,
  });
} catch (error) {
  console.error(`[start] ${error.message}`);
  await stop(1);
}
// The sync server ending on its own (a crash, a port in use) ends the demo: a half-running demo
// misleads.
syncServer?.exited.then(({ code, signal }) => {
  if (stopping) return;
  console.error(`[start] the sync server exited (${code ?? signal}); stopping the demo`);
  stop(code || 1);
});
const syncServerUrl = syncServer?.url;

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

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
