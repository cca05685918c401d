// `npm start`: installs what is missing, builds the library, then runs the reference sync server
// and the demo side by side. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureDependencies, root, run } from './setup.mjs';

const SERVER_PORT = process.env.SYNC_SERVER_PORT ?? '8787';
const DEMO_PORT = process.env.DEMO_PORT ?? '4200';

ensureDependencies();
const bin = (name) => join(root, 'node_modules', '.bin', name);
const env = { ...process.env, NG_CLI_ANALYTICS: 'false' };

console.log('[start] building the library…');
run(bin('ng'), ['build', 'offline-sync-kit'], { env });

const children = [
  spawn(
    bin('tsx'),
    ['projects/sync-server/src/cli.ts', '--port', SERVER_PORT, '--db', 'data/sync.sqlite'],
    {
      cwd: root,
      stdio: 'inherit',
      env,
    }
  ),
  spawn(bin('ng'), ['serve', 'demo', '--port', DEMO_PORT, '--host', '127.0.0.1'], {
    cwd: root,
    stdio: 'inherit',
    env,
  }),
];
console.log(
  `[start] sync server on http://127.0.0.1:${SERVER_PORT}, demo on http://127.0.0.1:${DEMO_PORT} (Ctrl-C stops both)`
);

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
for (const child of children) {
  // One side ending (a crash, a port in use) ends the other: a half-running demo misleads.
  child.on('exit', (code) => stop(code ?? 1)); // killed by a signal we did not send: a failure
  child.on('error', (error) => {
    console.error(`[start] could not run ${child.spawnfile}: ${error.message}`);
    stop(1);
  });
}
