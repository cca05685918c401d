import { formatUuidV7 } from './uuid-v7';

describe('formatUuidV7', () => {
  it('puts the timestamp first and sets version 7 and the RFC 9562 variant', () => {
    const id = formatUuidV7(0x0190f5c27b1a, new Uint8Array(10).fill(0xff));
    expect(id).toBe('0190f5c2-7b1a-7fff-bfff-ffffffffffff');
  });

  it('sorts by time as text', () => {
    const random = new Uint8Array(10).fill(0x42);
    const ids = [3, 1_700_000_000_000, 1_700_000_000_001].map((ms) => formatUuidV7(ms, random));
    expect([...ids].sort()).toEqual(ids);
  });

  it('refuses too few random bytes', () => {
    expect(() => formatUuidV7(1, new Uint8Array(4))).toThrowError(RangeError, /10 random bytes/);
  });
});
