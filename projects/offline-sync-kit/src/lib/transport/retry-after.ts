/**
 * Reads a `Retry-After` header as a delay in ms. It is either a number of seconds or an HTTP date;
 * a date is measured against the answer's own `Date` header, both from the server clock, so the
 * device clock (often wrong) never enters. Without a usable `Date` header a date gives
 * `undefined`, as does anything unreadable: the caller then falls back to its own backoff.
 *
 * @example
 * parseRetryAfter('120', null); // 120000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', 'Wed, 21 Oct 2026 07:28:00 GMT'); // 30000
 */
export function parseRetryAfter(
  value: string | null | undefined,
  responseDate: string | null | undefined
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month; browsers' Date.parse also takes '-5' or '1.5' as dates.
  if (!/[a-z]/i.test(text)) return undefined;
  const until = Date.parse(text);
  const now = responseDate ? Date.parse(responseDate) : NaN;
  if (Number.isNaN(until) || Number.isNaN(now)) return undefined;
  // A date in the past means "now": retry without waiting rather than not at all.
  return Math.max(0, until - now);
}

/**
 * Whether an HTTP status carries a `Retry-After` worth honouring: 429 (rate limited) and 503
 * (unavailable), the two statuses RFC 9110 and RFC 6585 pair it with for retries.
 *
 * @example
 * honoursRetryAfter(503); // true
 */
export function honoursRetryAfter(status: number): boolean {
  return status === 429 || status === 503;
}
