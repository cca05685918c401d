import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Node's `gc()`, without `--expose-gc` on the command line (`npm run test:server` runs without
 * it): the flag set at run time exposes `gc` to contexts created afterwards, and a fresh
 * context hands it back.
 *
 * @example
 * const gc = exposeGc();
 * gc();
 */
export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * The heap in use after full collections, in bytes. Collects a few times with a turn of the
 * event loop in between: closed sockets release some objects only in callbacks that run after
 * the first collection (weak references, `close` handlers), which a single `gc()` would count.
 *
 * @example
 * const before = await heapAfterGc(gc);
 */
export async function heapAfterGc(gc: () => void): Promise<number> {
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  gc();
  return process.memoryUsage().heapUsed;
}

/** Bytes as megabytes with one decimal, for figures: 12.3. */
export function megabytes(bytes: number): number {
  return Math.round(bytes / 1e5) / 10;
}
