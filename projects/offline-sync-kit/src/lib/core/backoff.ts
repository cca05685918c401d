import { RetryPolicy } from '../model/sync-options';

/**
 * The default retry policy: 1 s, doubling up to 5 minutes, 10 attempts.
 *
 * @example
 * const policy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 };
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  initialDelay: 1000,
  maxDelay: 5 * 60_000,
  multiplier: 2,
  maxAttempts: 10,
};

/**
 * How long to wait before retry number `attempt` (1 for the first retry): exponential backoff
 * with full jitter (a uniformly random delay up to the capped exponential), so many devices that
 * failed together do not retry together. A server's `Retry-After` is a floor.
 *
 * @example
 * retryDelay(3, DEFAULT_RETRY_POLICY, 0.5); // 0.5 × 4000 = 2000 ms
 * retryDelay(1, DEFAULT_RETRY_POLICY, 0.1, 30_000); // 30000: the server asked for 30 s
 */
export function retryDelay(
  attempt: number,
  policy: RetryPolicy,
  random: number,
  retryAfterMs?: number
): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(policy.maxDelay, policy.initialDelay * policy.multiplier ** exponent);
  const jittered = Math.floor(Math.min(Math.max(random, 0), 1) * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}
