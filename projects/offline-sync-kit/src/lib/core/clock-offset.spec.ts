import { ClockOffsetEstimate } from './clock-offset';

describe('ClockOffsetEstimate', () => {
  const serverNoon = Date.parse('2026-11-24T12:00:00.000Z');
  const header = (ms: number) => new Date(ms).toUTCString();

  it('finds a device two hours ahead to within a second, from whole-second Date headers', () => {
    const estimate = new ClockOffsetEstimate();
    const skew = 2 * 3600_000;
    for (let i = 0; i < 5; i++) {
      const serverAt = serverNoon + i * 1_337; // the server answers at this true time
      const sentAt = serverAt + skew - 40; // device clock, 40 ms before the server stamped it
      expect(estimate.observe(header(serverAt), sentAt, sentAt + 80)).toBeTrue();
    }
    expect(Math.abs(estimate.value + skew)).toBeLessThan(1_000);
  });

  it('keeps the median, so one odd answer does not move the estimate', () => {
    const estimate = new ClockOffsetEstimate();
    for (const at of [0, 10_000, 20_000])
      estimate.observe(header(serverNoon + at), serverNoon + at, serverNoon + at);
    const steady = estimate.value;
    estimate.observe(header(serverNoon + 30_000 + 4_000), serverNoon + 30_000, serverNoon + 30_000);
    expect(estimate.value).toBe(steady);
  });

  it('ignores unreadable dates and slow answers, and starts from a restored estimate', () => {
    const estimate = new ClockOffsetEstimate();
    estimate.restore(-7_200_000);
    expect(estimate.observe('not a date', 0, 10)).toBeFalse();
    expect(estimate.observe(header(serverNoon), serverNoon, serverNoon + 60_000)).toBeFalse();
    expect(estimate.value).toBe(-7_200_000);
  });
});
