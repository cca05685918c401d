import { Action } from '@ngrx/store';
import { ProjectSync, TodoSync } from '../../testing-support/test-entities';
import { WriteBurst } from './write-burst';

describe('WriteBurst', () => {
  let dispatched: Action[];
  let burst: WriteBurst;

  beforeEach(() => {
    dispatched = [];
    burst = new WriteBurst((action) => dispatched.push(action));
  });

  const todo = (id: string) => ({ id, title: id, done: false });
  const project = (id: string) => ({ id, name: id });
  const microtask = () => new Promise<void>((resolve) => queueMicrotask(resolve));
  const nextTask = () => new Promise((resolve) => setTimeout(resolve));

  it('dispatches the first save of a task at once and the rest together, in order', async () => {
    burst.save(TodoSync, todo('a'), 'w1');
    expect(dispatched).toEqual([TodoSync.actions.added({ record: todo('a'), writeId: 'w1' })]);
    burst.save(TodoSync, todo('b'), 'w2');
    burst.save(TodoSync, todo('c'), 'w3');
    expect(dispatched.length).toBe(1);
    await microtask();
    expect(dispatched[1]).toEqual(
      TodoSync.actions.addedMany({ records: [todo('b'), todo('c')], writeIds: ['w2', 'w3'] })
    );
    await nextTask();
    burst.save(TodoSync, todo('d'), 'w4');
    expect(dispatched[2]).toEqual(TodoSync.actions.added({ record: todo('d'), writeId: 'w4' }));
  });

  it('keeps the order of writes across types and after updates', async () => {
    const update = TodoSync.actions.updated({ id: 'b', changes: { done: true }, writeId: 'w4' });
    burst.save(ProjectSync, project('p1'), 'w1');
    burst.save(TodoSync, todo('b'), 'w2');
    burst.save(ProjectSync, project('p2'), 'w3');
    burst.write(update); // dispatched at once, after the saves before it
    expect(dispatched).toEqual([
      ProjectSync.actions.added({ record: project('p1'), writeId: 'w1' }),
      TodoSync.actions.added({ record: todo('b'), writeId: 'w2' }),
      ProjectSync.actions.added({ record: project('p2'), writeId: 'w3' }),
      update,
    ]);
    await microtask();
    expect(dispatched.length).toBe(4);
  });

  it('dispatches, in their place, writes made while it dispatches', async () => {
    const reactive = new WriteBurst((action) => {
      dispatched.push(action);
      // Code reacting to the burst saves again (an effect, a store subscriber).
      if (action.type === TodoSync.actions.addedMany.type) reactive.save(TodoSync, todo('z'), 'w9');
    });
    reactive.save(TodoSync, todo('a'), 'w1');
    reactive.save(TodoSync, todo('b'), 'w2');
    reactive.save(TodoSync, todo('c'), 'w3');
    await microtask();
    expect(dispatched.map((action) => action.type)).toEqual([
      TodoSync.actions.added.type,
      TodoSync.actions.addedMany.type,
      TodoSync.actions.added.type,
    ]);
    expect(dispatched[2]).toEqual(TodoSync.actions.added({ record: todo('z'), writeId: 'w9' }));
  });
});
