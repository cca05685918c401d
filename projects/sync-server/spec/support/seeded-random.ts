// The generator is shared with the library's convergence harness; the seed from the environment
// is Node's part.
export { SeededRandom } from '../../../offline-sync-kit/src/testing-support/seeded-random';

/**
 * The seed named by the environment variable `name`, or a fresh one: each run then explores
 * new inputs, and the spec prints the seed it used so a failure can be replayed.
 *
 * @example
 * seedFromEnv('HOSTILE_SEED'); // 123 with HOSTILE_SEED=123, else a random 32-bit seed
 */
export function seedFromEnv(name: string): number {
  const text = process.env[name];
  if (text === undefined || text === '') return Math.floor(Math.random() * 2 ** 32);
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new Error(`${name} must be an integer from 0 to 2^32 - 1, not ${text}`);
  }
  return seed;
}
