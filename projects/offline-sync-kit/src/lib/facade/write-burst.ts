import { Action } from '@ngrx/store';
import { SyncEntityDefinition } from '../state/define-sync-entity';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDefinition = SyncEntityDefinition<any>;

type Queued =
  | { readonly def: AnyDefinition; readonly record: unknown; readonly writeId: string }
  | { readonly action: Action };

/**
 * Puts the facade's writes into the store in the order they were made, gathering the saves of one
 * task into one store update. The first save of a task is dispatched at once as `added` (a lone
 * write reaches the store synchronously, as always); the writes that follow it in the same task
 * are dispatched a microtask later, consecutive saves of one type together as one `addedMany`.
 *
 * Why: every entity action copies the type's whole entity map, so 5,000 `added` actions in a row
 * cost 5,000 copies of a growing map (quadratic); one `addedMany` costs one.
 *
 * @example
 * const burst = new WriteBurst((action) => store.dispatch(action));
 * burst.save(TodoSync, todo, writeId);
 * burst.write(TodoSync.actions.updated({ id, changes, writeId })); // lands after the saves
 */
export class WriteBurst {
  private queue: Queued[] = [];
  private inTask = false;
  private flushing = false;

  constructor(private readonly dispatch: (action: Action) => void) {}

  /** Dispatches (or queues) a save of `record`, waited for under `writeId`. */
  save(def: AnyDefinition, record: unknown, writeId: string): void {
    if (this.inTask || this.flushing) {
      this.queue.push({ def, record, writeId });
      return;
    }
    this.inTask = true;
    queueMicrotask(() => {
      this.inTask = false;
      this.flush();
    });
    this.dispatch(def.actions.added({ record, writeId }));
  }

  /** Dispatches another write (an update, a delete) after the saves made before it. */
  write(action: Action): void {
    if (this.queue.length === 0 && !this.flushing) {
      this.dispatch(action);
      return;
    }
    this.queue.push({ action });
    this.flush();
  }

  /**
   * Dispatches what is queued, in order. Writes made while it dispatches (by code reacting to the
   * actions) join the queue and go out in this same flush, in their place.
   */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const next = this.queue;
        this.queue = [];
        for (const action of mergeSaves(next)) this.dispatch(action);
      }
    } finally {
      this.flushing = false;
    }
  }
}

/** The queued writes as actions: each run of consecutive saves of one type as one action. */
function mergeSaves(queued: readonly Queued[]): Action[] {
  const actions: Action[] = [];
  let run: { def: AnyDefinition; records: unknown[]; writeIds: string[] } | null = null;
  const endRun = () => {
    if (!run) return;
    const { def, records, writeIds } = run;
    actions.push(
      records.length === 1
        ? def.actions.added({ record: records[0], writeId: writeIds[0] })
        : def.actions.addedMany({ records, writeIds })
    );
    run = null;
  };
  for (const item of queued) {
    if ('action' in item) {
      endRun();
      actions.push(item.action);
    } else if (run && run.def === item.def) {
      run.records.push(item.record);
      run.writeIds.push(item.writeId);
    } else {
      endRun();
      run = { def: item.def, records: [item.record], writeIds: [item.writeId] };
    }
  }
  endRun();
  return actions;
}
