import { WriteBatchResult, WriteQueue } from './write-queue';

describe('WriteQueue (group commit)', () => {
  it('commits writes issued in the same task in one group', async () => {
    const groups: number[][] = [];
    const queue = new WriteQueue<number, number>(
      async (writes) => {
        groups.push([...writes]);
        return writes.map((w) => w * 10);
      },
      () => undefined
    );
    const results = await Promise.all([1, 2, 3].map((w) => queue.enqueue(w)));
    expect(results).toEqual([10, 20, 30]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it('counts the writes not yet settled, committed or failed', async () => {
    let release!: () => void;
    const queue = new WriteQueue<number, number>(
      async (writes) => {
        await new Promise<void>((resolve) => (release = resolve));
        if (writes.includes(3)) throw new Error('refused');
        return writes.map((w) => w);
      },
      () => undefined,
      () => false
    );
    const counts: number[] = [];
    queue.unsettled$.subscribe((count) => counts.push(count));
    const first = queue.enqueue(1);
    const second = queue.enqueue(2);
    expect(queue.unsettled$.value).toBe(2);
    await Promise.resolve();
    release();
    await Promise.all([first, second]);
    expect(queue.unsettled$.value).toBe(0);
    const failing = queue.enqueue(3).catch(() => 'failed');
    expect(queue.unsettled$.value).toBe(1);
    await new Promise((resolve) => setTimeout(resolve));
    release();
    expect(await failing).toBe('failed');
    expect(queue.unsettled$.value).toBe(0);
    expect(counts).toEqual([0, 1, 2, 1, 0, 1, 0]);
  });

  it('collects writes that arrive during a commit into the next group, in order', async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const firstCommitHeld = new Promise<void>((resolve) => (release = resolve));
    const queue = new WriteQueue<number, number>(
      async (writes) => {
        groups.push([...writes]);
        if (groups.length === 1) await firstCommitHeld;
        return [...writes];
      },
      () => undefined
    );
    const first = queue.enqueue(1);
    await Promise.resolve(); // let the first group start
    await Promise.resolve();
    const later = [2, 3, 4].map((w) => queue.enqueue(w));
    release();
    await Promise.all([first, ...later]);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('retries a failed group write by write, so one bad write does not sink the others', async () => {
    const settled: WriteBatchResult<number, number>[] = [];
    const queue = new WriteQueue<number, number>(
      async (writes) => {
        if (writes.includes(2)) throw new Error(`bad write 2`);
        return [...writes];
      },
      (result) => settled.push(result)
    );
    const outcomes = await Promise.allSettled([1, 2, 3].map((w) => queue.enqueue(w)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled.length).toBe(1);
    expect(settled[0]?.committed).toEqual([1, 3]);
    expect(settled[0]?.failed.map((f) => f.writes)).toEqual([[2]]);
  });

  it('finds one bad write in a large group by halves, not with a transaction per write', async () => {
    const groups: number[][] = [];
    const queue = new WriteQueue<number, number>(
      async (writes) => {
        groups.push([...writes]);
        if (writes.includes(700)) throw new Error('bad write 700');
        return [...writes];
      },
      () => undefined
    );
    const writes = Array.from({ length: 1000 }, (_, i) => i);
    const outcomes = await Promise.allSettled(writes.map((w) => queue.enqueue(w)));
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBe(1);
    expect(outcomes[700]?.status).toBe('rejected');
    // 1 whole group + 2 per halving (1000 → 500 → 250 → … → 1): 21 commits, not 1,001.
    expect(groups.length).toBe(21);
    // Every good write committed exactly once, in order.
    expect(groups.filter((g) => !g.includes(700)).flat()).toEqual(writes.filter((w) => w !== 700));
  });

  it('reports the writes of a half that failed as a whole together: one failure, not one per write', async () => {
    const settled: WriteBatchResult<number, number>[] = [];
    const full = new Error('quota');
    const queue = new WriteQueue<number, number>(
      async (writes) => {
        if (writes.length === 4) throw new Error('one bad write?');
        if (writes.includes(1)) throw full; // the database, not a write: no further halving
        return [...writes];
      },
      (result) => settled.push(result),
      (error) => error !== full
    );
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((w) => queue.enqueue(w)));
    expect(outcomes.map((o) => o.status)).toEqual([
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(settled[0]?.committed).toEqual([3, 4]);
    expect(settled[0]?.failed).toEqual([{ writes: [1, 2], error: full }]);
  });

  it('does not retry one by one when the failure concerns the whole database', async () => {
    let calls = 0;
    const queue = new WriteQueue<number, number>(
      async () => {
        calls++;
        throw new Error('quota');
      },
      () => undefined,
      () => false
    );
    const outcomes = await Promise.allSettled([1, 2, 3].map((w) => queue.enqueue(w)));
    expect(outcomes.every((o) => o.status === 'rejected')).toBeTrue();
    expect(calls).toBe(1);
  });

  it('keeps working after a reporter throws', async () => {
    let throwOnce = true;
    const queue = new WriteQueue<number, number>(
      async (writes) => [...writes],
      () => {
        if (throwOnce) {
          throwOnce = false;
          throw new Error('reporter bug');
        }
      }
    );
    spyOn(console, 'error');
    await expectAsync(queue.enqueue(1)).toBeResolvedTo(1);
    expect(console.error).toHaveBeenCalled();
    await expectAsync(queue.enqueue(2)).toBeResolvedTo(2);
  });
});
