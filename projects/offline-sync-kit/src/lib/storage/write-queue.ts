import { BehaviorSubject } from 'rxjs';

/**
 * The settled result of one group of writes committed (or failed) together.
 *
 * @example
 * queue.settled((batch) => console.log(`${batch.committed.length} writes durable`));
 */
export interface WriteBatchResult<W, O> {
  readonly committed: readonly O[];
  readonly failed: readonly { readonly writes: readonly W[]; readonly error: unknown }[];
}

/**
 * Group commit: every write enqueued while a transaction is running joins the next one, so a burst
 * of writes costs a few transactions instead of one each (per-transaction overhead dominates
 * IndexedDB writes). At most one transaction runs at a time, which also keeps writes in order.
 *
 * When a group fails and `retryAlone(error)` says the failure may be one write's fault, its halves
 * are committed again (and theirs, down to single writes where needed), so one bad record never
 * sinks the others.
 *
 * @example
 * const queue = new WriteQueue((writes) => commitInOneTransaction(writes), (batch) => report(batch));
 * const outcome = await queue.enqueue(write);
 */
export class WriteQueue<W, O> {
  /** Writes enqueued and not yet settled (committed or failed): what a closed tab would lose. */
  readonly unsettled$ = new BehaviorSubject(0);
  private waiting: { write: W; resolve: (outcome: O) => void; reject: (error: unknown) => void }[] =
    [];
  private draining = false;

  constructor(
    private readonly commit: (writes: readonly W[]) => Promise<readonly O[]>,
    private readonly onSettled: (result: WriteBatchResult<W, O>) => void,
    private readonly retryAlone: (error: unknown) => boolean = () => true,
    // One transaction per burst as large as apps make them (a sync of a few thousand records
    // from a file, say): 5,000 writes commit in one go in well under a second here, and as five
    // groups of 1,000 they took ~10% longer (npm run bench, scenario 1). A cap still bounds how
    // long a write transaction keeps other tabs waiting.
    private readonly maxGroupSize = 5000
  ) {}

  /** Queues a write; resolves once the transaction holding it has committed. */
  enqueue(write: W): Promise<O> {
    this.unsettled$.next(this.unsettled$.value + 1);
    const settle = () => this.unsettled$.next(this.unsettled$.value - 1);
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({
        write,
        resolve: (outcome) => (settle(), resolve(outcome)),
        reject: (error) => (settle(), reject(error)),
      });
      if (!this.draining) {
        this.draining = true;
        // A microtask lets writes issued in the same task share the first transaction.
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.maxGroupSize);
        const result = await this.commitGroup(group.map((entry) => entry.write));
        // Report first, so whoever awaits a write already sees the state it left.
        try {
          this.onSettled(result);
        } catch (error) {
          // A broken reporter must not leave writers waiting forever; their outcome still stands.
          console.error('offline-sync-kit: reporting committed writes failed', error);
        }
        group.forEach((entry, index) => {
          const outcome = result.outcomeAt[index];
          if (outcome?.ok) entry.resolve(outcome.value);
          else entry.reject(outcome?.error ?? new Error('write queue lost track of a write'));
        });
      }
    } finally {
      this.draining = false;
    }
  }

  private async commitGroup(
    writes: W[]
  ): Promise<WriteBatchResult<W, O> & { outcomeAt: Settled<O>[] }> {
    const outcomeAt = await this.commitOrSplit(writes);
    const committed = outcomeAt.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
    // Writes that failed together (one error) are reported together: one read-back, one action.
    const failed: { writes: W[]; error: unknown }[] = [];
    outcomeAt.forEach((outcome, i) => {
      if (outcome.ok) return;
      const last = failed[failed.length - 1];
      if (last && last.error === outcome.error) last.writes.push(writes[i] as W);
      else failed.push({ writes: [writes[i] as W], error: outcome.error });
    });
    return { committed, failed, outcomeAt };
  }

  /**
   * Commits the writes together; when that fails in a way that may be one write's fault, commits
   * each half the same way, down to single writes where needed: one bad write in a large group
   * costs about two transactions per halving instead of one per write, and the writes keep their
   * order.
   */
  private async commitOrSplit(writes: readonly W[]): Promise<Settled<O>[]> {
    try {
      const committed = await this.commit(writes);
      return committed.map((value): Settled<O> => ({ ok: true, value }));
    } catch (error) {
      if (writes.length === 1 || !this.retryAlone(error)) {
        return writes.map((): Settled<O> => ({ ok: false, error }));
      }
    }
    const middle = Math.ceil(writes.length / 2);
    const first = await this.commitOrSplit(writes.slice(0, middle));
    return [...first, ...(await this.commitOrSplit(writes.slice(middle)))];
  }
}

type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };
