import { WebSyncLock } from './sync-lock';

describe('WebSyncLock', () => {
  it('runs work under one name one at a time, in order, and passes results and errors through', async () => {
    const lock = new WebSyncLock();
    const name = `spec-lock-${Math.random()}`;
    const events: string[] = [];
    let release!: () => void;
    let started!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    const first = lock.runExclusive(name, async () => {
      events.push('first start');
      started();
      await held;
      events.push('first end');
      return 1;
    });
    const second = lock.runExclusive(name, async () => {
      events.push('second start');
      throw new Error('second failed');
    });
    await firstStarted;
    await new Promise((resolve) => setTimeout(resolve)); // give the second every chance to start
    expect(events).toEqual(['first start']); // it waits for the lock
    release();
    expect(await first).toBe(1);
    await expectAsync(second).toBeRejectedWithError('second failed');
    expect(events).toEqual(['first start', 'first end', 'second start']);
  });
});
