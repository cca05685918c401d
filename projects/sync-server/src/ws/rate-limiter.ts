/** A monotonic clock in milliseconds, such as `performance.now`. */
export type MonotonicClock = () => number;

/**
 * A token bucket: holds up to `burst` tokens, refills `perSecond` tokens a second, and each
 * message takes one. It lets a client send a burst (a reconnect that resubscribes to everything)
 * while capping what it can send over time.
 *
 * The clock is monotonic on purpose: the wall clock can jump back (NTP, a test's fixed `now`)
 * and would then either freeze the bucket or refill it at once.
 *
 * @example
 * const bucket = new TokenBucket(50, 100, performance.now.bind(performance));
 * if (!bucket.take()) closeForFlooding();
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: MonotonicClock
  ) {
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes one token; false when the bucket is empty (the message is over the limit). */
  take(): boolean {
    const now = this.clock();
    // max(0, …): a clock that is not quite monotonic must not drain the bucket.
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
