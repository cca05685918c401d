// Installs what a fresh machine lacks before `npm start` or `npm test`: the npm dependencies and,
// for the tests, a Chrome/Chromium. Only Node built-ins here: this runs before `npm ci`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const CHROME_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Runs a command in the workspace, inheriting the terminal; throws if it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

/**
 * Runs the workspace's Angular CLI (`ng build demo`, …) without its analytics prompt; throws if it
 * fails.
 *
 * @example
 *   ng(['build', 'offline-sync-kit']);
 */
export function ng(args) {
  run(join(root, 'node_modules', '.bin', 'ng'), args, {
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
  });
}

/** `npm ci` when node_modules is missing or older than package-lock.json. */
export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('[setup] installing dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Returns a Chrome/Chromium binary, installing Debian's chromium as root if none is found. */
export function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && commandExists('apt-get')) {
    console.log('[setup] no Chrome/Chromium found; installing Debian chromium (apt-get)…');
    run('apt-get', ['update'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = findChromium();
    if (installed) return installed;
  }
  console.error(
    '[setup] The tests need Chrome or Chromium and none was found.\n' +
      '  Install one (Debian/Ubuntu: `sudo apt-get install chromium`; macOS: install Google Chrome),\n' +
      '  or point CHROME_BIN at its binary, then run `npm test` again.'
  );
  process.exit(1);
}

function findChromium() {
  const candidates = [process.env.CHROME_BIN, ...CHROME_PATHS].filter(Boolean);
  return candidates.find((path) => existsSync(path));
}

function commandExists(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
