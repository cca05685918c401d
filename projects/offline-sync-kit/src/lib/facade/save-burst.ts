import { Action } from '@ngrx/store';
import { SyncEntityDefinition } from '../state/define-sync-entity';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDefinition = SyncEntityDefinition<any>;

/**
 * Gathers the `saveModel` calls of one task into one store update. The first save of a task is
 * dispatched at once as `added` (a lone write reaches the store synchronously, as always); the
 * saves that follow it in the same task are dispatched together, as one `addedMany` per type, in
 * a microtask, or earlier when another write (`flush()`) must keep its place after them.
 *
 * Why: every entity action copies the type's whole entity map, so 5,000 `added` actions in a row
 * cost 5,000 copies of a growing map (quadratic); one `addedMany` costs one.
 *
 * @example
 * const burst = new SaveBurst((action) => store.dispatch(action));
 * burst.add(TodoSync, todo, writeId);
 * burst.flush(); // before dispatching an update, so it lands after the saves
 */
export class SaveBurst {
  private readonly queued = new Map<AnyDefinition, { records: unknown[]; writeIds: string[] }>();
  private inTask = false;

  constructor(private readonly dispatch: (action: Action) => void) {}

  /** Dispatches (or queues) a save of `record`, waited for under `writeId`. */
  add(def: AnyDefinition, record: unknown, writeId: string): void {
    if (!this.inTask) {
      this.inTask = true;
      queueMicrotask(() => {
        this.flush();
        this.inTask = false;
      });
      this.dispatch(def.actions.added({ record, writeId }));
      return;
    }
    const queue = this.queued.get(def) ?? { records: [], writeIds: [] };
    queue.records.push(record);
    queue.writeIds.push(writeId);
    this.queued.set(def, queue);
  }

  /** Dispatches what is queued now. */
  flush(): void {
    if (this.queued.size === 0) return;
    const batches = [...this.queued];
    this.queued.clear();
    for (const [def, { records, writeIds }] of batches) {
      this.dispatch(
        records.length === 1
          ? def.actions.added({ record: records[0], writeId: writeIds[0] })
          : def.actions.addedMany({ records, writeIds })
      );
    }
  }
}
