import { benchTodos } from '../bench-todo';
import { rawPush } from '../raw-server';
import { API_URL } from './push-pull';

/** The server's largest batch. */
const SEED_BATCH = 1000;

/**
 * Fills a server collection with records `0…n-1` (untimed), for the pull scenarios.
 *
 * @example
 * await seedServer({ endpoint: 'todos', n: 100_000, prefix: 'seed' });
 */
export async function seedServer({
  endpoint,
  n,
  prefix,
}: {
  endpoint: string;
  n: number;
  prefix: string;
}): Promise<void> {
  await rawPush(API_URL, endpoint, benchTodos(n, prefix), SEED_BATCH);
}
