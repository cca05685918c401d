import { MAX_TIMER_MS } from './ws-options';

/**
 * The timer functions a {@link TokenExpiry} uses; the default is Node's, unref'd so a watch
 * never keeps the process alive. A spec passes its own to run the clock itself.
 *
 * @example
 * const timers: ExpiryTimers = { set: (run, ms) => queue.push({ run, ms }), clear: () => {} };
 */
export interface ExpiryTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const NODE_TIMERS: ExpiryTimers = {
  set: (callback, ms) => setTimeout(callback, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Watches the expiry of the token a WebSocket authenticated with: calls `onExpired` once the
 * server clock (`now`, the same clock REST checks tokens against) reaches it. One timer per
 * connection; a new `watch` (a re-auth) replaces it, `stop` (a close) clears it.
 *
 * When the timer fires it asks the clock again instead of trusting the delay: a wall clock can
 * be set back, a test's clock can stand still, and a delay over 2^31-1 ms (24.8 days, a
 * long-lived token) would otherwise fire at once. It then waits for what is left.
 *
 * @example
 * const expiry = new TokenExpiry(() => new Date());
 * expiry.watch(actor.expiresAt, (at) => session.fail('auth_error', 'token_expired', …));
 * expiry.stop(); // on close
 */
export class TokenExpiry {
  private handle: unknown;
  private watching = false;

  constructor(
    private readonly now: () => Date,
    private readonly timers: ExpiryTimers = NODE_TIMERS
  ) {}

  /** Calls `onExpired(expiresAt)` when `expiresAt` (epoch ms) passes; null watches nothing. */
  watch(expiresAt: number | null, onExpired: (expiresAt: number) => void): void {
    this.stop();
    if (expiresAt === null) return;
    this.watching = true;
    const check = () => {
      const left = expiresAt - this.now().getTime();
      if (left > 0) return this.schedule(check, left);
      this.watching = false;
      onExpired(expiresAt);
    };
    // Through the timer even when already due: the caller finishes (answers auth_ok) first.
    this.schedule(check, expiresAt - this.now().getTime());
  }

  /** Clears the timer; safe to call when nothing is watched. */
  stop(): void {
    if (this.watching) this.timers.clear(this.handle);
    this.watching = false;
    this.handle = undefined;
  }

  private schedule(check: () => void, ms: number): void {
    this.handle = this.timers.set(check, Math.min(Math.max(0, ms), MAX_TIMER_MS));
  }
}
