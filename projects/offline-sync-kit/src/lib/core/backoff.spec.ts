import { DEFAULT_RETRY_POLICY, retryDelay } from './backoff';
import { applyMergePatch, rebase } from './merge-patch';

describe('retryDelay (full jitter)', () => {
  const policy = { initialDelay: 1000, maxDelay: 10_000, multiplier: 2, maxAttempts: 5 };

  it('grows exponentially and is capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(attempt, policy, 0.999999))).toEqual([
      999, 1999, 3999, 7999, 9999, 9999,
    ]);
  });

  it('spreads retries uniformly below the ceiling', () => {
    expect(retryDelay(3, policy, 0)).toBe(0);
    expect(retryDelay(3, policy, 0.5)).toBe(2000);
  });

  it("honours the server's Retry-After as a floor", () => {
    expect(retryDelay(1, policy, 0.5, 30_000)).toBe(30_000);
    expect(retryDelay(4, policy, 1, 10)).toBe(8000);
  });

  it('has sensible defaults', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(1);
  });
});

describe('merge patches and rebase', () => {
  it('applies a merge patch', () => {
    expect(
      applyMergePatch({ a: 1, b: { c: 1 }, l: [1] }, { a: null, b: { d: 2 }, l: [2] })
    ).toEqual({
      b: { c: 1, d: 2 },
      l: [2],
    });
  });

  it('keeps pending local fields over a newer server record and takes the other server fields', () => {
    const server = { id: 't1', title: 'Renamed on server', done: false, version: 5 };
    const pending = [{ op: 'update' as const, patch: { done: true } }];
    expect(rebase(server, pending)).toEqual({
      id: 't1',
      title: 'Renamed on server',
      done: true,
      version: 5,
    });
  });

  it('lets a pending delete win', () => {
    expect(rebase({ id: 't1' }, [{ op: 'delete', patch: {} }])).toBeNull();
  });
});
