import { Injectable } from '@angular/core';
import { WriteOutcome } from '../storage/local-write';

interface Waiter {
  readonly resolve: (outcome: WriteOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Lets a caller that dispatched a local write wait until it is durable. The caller registers
 * the write's id before dispatching; the persistence effect settles it after it has reported the
 * outcome to the store, so on resolve (or reject, after the rollback) the store is up to date.
 *
 * @example
 * const done = receipts.expect(writeId);
 * store.dispatch(TodoSync.actions.added({ record, writeId }));
 * await done;
 */
@Injectable()
export class WriteReceipts {
  private readonly waiters = new Map<string, Waiter>();

  /** A promise for the write with this id; register it before dispatching the write. */
  expect(writeId: string): Promise<WriteOutcome> {
    return new Promise<WriteOutcome>((resolve, reject) =>
      this.waiters.set(writeId, { resolve, reject })
    );
  }

  /** Resolves the waiter of a committed write, if anyone waits for it. */
  resolve(outcome: WriteOutcome): void {
    this.take(outcome.writeId)?.resolve(outcome);
  }

  /** Rejects the waiter of a failed write, if anyone waits for it. */
  reject(writeId: string, error: unknown): void {
    this.take(writeId)?.reject(error);
  }

  private take(writeId: string): Waiter | undefined {
    const waiter = this.waiters.get(writeId);
    this.waiters.delete(writeId);
    return waiter;
  }
}
