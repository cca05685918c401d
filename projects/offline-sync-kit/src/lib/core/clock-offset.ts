/**
 * Estimates how far the server's clock is ahead of this device's (negative: behind) from the
 * `Date` headers of its answers. A `Date` header has whole seconds, so each answer says the
 * server's time was within that second when it answered: the sample takes the middle of the
 * second and the middle of the round trip, and the estimate is the median of the last few
 * samples, so one slow answer does not move it. Good to about half a second plus half a round
 * trip: enough to order edits made seconds apart on devices whose clocks are hours apart.
 *
 * @example
 * const offset = new ClockOffsetEstimate();
 * offset.observe('Tue, 24 Nov 2026 10:00:00 GMT', sentAt, receivedAt);
 * const serverNow = Date.now() + offset.value;
 */
export class ClockOffsetEstimate {
  private readonly samples: number[] = [];
  /** The estimate before any sample (the one kept from an earlier session, see `restore`). */
  private initial = 0;

  constructor(
    private readonly maxSamples = 7,
    /** Answers slower than this say too little about when the server stamped them. */
    private readonly maxRoundTripMs = 5_000
  ) {}

  /** The server's clock minus this device's, in ms. */
  get value(): number {
    if (this.samples.length === 0) return this.initial;
    const sorted = [...this.samples].sort((a, b) => a - b);
    const upper = sorted[sorted.length >> 1] ?? 0;
    const lower = sorted[(sorted.length - 1) >> 1] ?? 0;
    return Math.round((lower + upper) / 2);
  }

  /** Starts from a known estimate when no answer was seen yet in this session. */
  restore(offset: number): void {
    if (Number.isFinite(offset)) this.initial = offset;
  }

  /**
   * Takes one answer's `Date` header, with the device times the request left and the answer
   * arrived. Returns whether it was used (unreadable dates and slow answers are not).
   */
  observe(dateHeader: string, sentAt: number, receivedAt: number): boolean {
    const serverSecond = Date.parse(dateHeader);
    const roundTrip = receivedAt - sentAt;
    if (!Number.isFinite(serverSecond) || roundTrip < 0 || roundTrip > this.maxRoundTripMs) {
      return false;
    }
    this.samples.push(serverSecond + 500 - (sentAt + roundTrip / 2));
    if (this.samples.length > this.maxSamples) this.samples.shift();
    return true;
  }
}
