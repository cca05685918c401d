import { Action } from '@ngrx/store';
import { TodoSync } from '../../testing-support/test-entities';
import { SaveBurst } from './save-burst';

describe('SaveBurst', () => {
  let dispatched: Action[];
  let burst: SaveBurst;

  beforeEach(() => {
    dispatched = [];
    burst = new SaveBurst((action) => dispatched.push(action));
  });

  const todo = (id: string) => ({ id, title: id, done: false });
  const settle = () => new Promise<void>((resolve) => queueMicrotask(resolve));

  it('dispatches the first save of a task at once and the rest together, in order', async () => {
    burst.add(TodoSync, todo('a'), 'w1');
    expect(dispatched).toEqual([TodoSync.actions.added({ record: todo('a'), writeId: 'w1' })]);
    burst.add(TodoSync, todo('b'), 'w2');
    burst.add(TodoSync, todo('c'), 'w3');
    expect(dispatched.length).toBe(1);
    await settle();
    expect(dispatched[1]).toEqual(
      TodoSync.actions.addedMany({ records: [todo('b'), todo('c')], writeIds: ['w2', 'w3'] })
    );
  });

  it('flushes what is queued before another write, and starts afresh in the next task', async () => {
    burst.add(TodoSync, todo('a'), 'w1');
    burst.add(TodoSync, todo('b'), 'w2');
    burst.flush();
    expect(dispatched[1]).toEqual(TodoSync.actions.added({ record: todo('b'), writeId: 'w2' }));
    await settle();
    expect(dispatched.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve));
    burst.add(TodoSync, todo('c'), 'w3');
    expect(dispatched[2]).toEqual(TodoSync.actions.added({ record: todo('c'), writeId: 'w3' }));
  });
});
