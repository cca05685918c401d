import { honoursRetryAfter, parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  it('reads seconds', () => {
    expect(parseRetryAfter('120', null)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', null)).toBe(0);
  });

  it("measures an HTTP date against the answer's own Date header, never the device clock", () => {
    const date = 'Tue, 24 Nov 2026 10:00:00 GMT';
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', date)).toBe(30_000);
    // Already past: retry at once rather than never.
    expect(parseRetryAfter('Tue, 24 Nov 2026 09:59:00 GMT', date)).toBe(0);
    // Without a Date header there is nothing to measure against.
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', null)).toBeUndefined();
  });

  it('ignores what it cannot read', () => {
    for (const value of [null, undefined, '', 'soon', '-5', '1.5']) {
      expect(parseRetryAfter(value, 'Tue, 24 Nov 2026 10:00:00 GMT'))
        .withContext(String(value))
        .toBeUndefined();
    }
  });

  it('is honoured on 429 and 503 only', () => {
    expect([408, 429, 500, 503].filter(honoursRetryAfter)).toEqual([429, 503]);
  });
});
