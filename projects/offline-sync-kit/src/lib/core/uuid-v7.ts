/**
 * Formats a UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids made
 * this way sort by creation time, which keeps IndexedDB inserts cheap and the outbox readable.
 *
 * Pure: the caller passes the time and 10 random bytes, so tests are deterministic.
 *
 * @example
 * formatUuidV7(0x0190f5c27b1a, new Uint8Array(10)); // '0190f5c2-7b1a-7000-8000-000000000000'
 */
export function formatUuidV7(unixMs: number, random: Uint8Array): string {
  if (random.length < 10) {
    throw new RangeError(`formatUuidV7 needs 10 random bytes, got ${random.length}`);
  }
  const bytes = new Uint8Array(16);
  let ms = Math.max(0, Math.floor(unixMs));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes.set(random.subarray(0, 10), 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70; // version 7
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
