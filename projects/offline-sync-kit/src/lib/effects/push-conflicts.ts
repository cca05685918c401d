import { recordKey } from '../core/record-key';
import { PushOutcome } from '../model/push-outcome';
import { OfflineSyncError, toSyncErrorInfo } from '../model/sync-error';
import { ConflictEvent } from '../storage/open-or-settle-conflict';
import { ServerChange } from '../model/server-change';
import { PushEntry, TransportEntity } from '../transport/sync-transport';

/** A record meeting this many conflicts in one push means the server keeps refusing its outcome. */
const MAX_CONFLICTS_PER_RECORD = 3;

/**
 * Completes conflict answers that came without the server's current record (a bare 412, a 409
 * without a body) with a read of the record, so a conflict is never settled against a guess. A
 * record the server does not have reads as a tombstone; a failed read makes the entry retry.
 * `read` fetches one record (the engine's runs under the type's read lock, like pulls).
 *
 * @example
 * const read = (entity, id) => transport.fetchOne(context, entity, id);
 * const outcomes = await withCurrentRecords(read, entries, await transport.push(context, entries));
 */
export function withCurrentRecords(
  read: (entity: TransportEntity, id: string) => Promise<ServerChange | null>,
  entries: readonly PushEntry[],
  outcomes: readonly PushOutcome[]
): Promise<PushOutcome[]> {
  return Promise.all(
    outcomes.map(async (outcome, i): Promise<PushOutcome> => {
      const entry = entries[i];
      if (outcome.status !== 'conflict' || outcome.current !== null || !entry) return outcome;
      const id = entry.mutation.recordId;
      try {
        const current = await read(entry.entity, id);
        return {
          ...outcome,
          current: current ?? { id, deleted: true, version: null, updatedAt: null },
        };
      } catch (error) {
        const what = `Reading ${entry.entity.modelType} "${id}" after a conflict failed`;
        const info = toSyncErrorInfo(error, 'network', what);
        const cause =
          error instanceof OfflineSyncError ? error : new OfflineSyncError(info.kind, info.message);
        return { mutationId: outcome.mutationId, status: 'retry', error: cause };
      }
    })
  );
}

/**
 * Counts the conflicts each record meets during one push, to stop a push in which the server
 * keeps refusing the settled version of a record (instead of asking again and again at once).
 *
 * @example
 * const repeats = new ConflictRepeats();
 * const stop = repeats.count(result.conflicts); // an OfflineSyncError to retry later with, or null
 */
export class ConflictRepeats {
  private readonly met = new Map<string, number>();

  /** Adds a round's conflicts; the error to stop with when a record has met too many. */
  count(conflicts: readonly ConflictEvent[]): OfflineSyncError | null {
    for (const { conflict } of conflicts) {
      const key = recordKey(conflict.modelType, conflict.id);
      const count = (this.met.get(key) ?? 0) + 1;
      this.met.set(key, count);
      if (count >= MAX_CONFLICTS_PER_RECORD) {
        return new OfflineSyncError(
          'conflict',
          `${conflict.modelType} "${conflict.id}" met ${count} conflicts in one push: the server ` +
            `keeps refusing the settled version. Pushing pauses and retries with backoff; check ` +
            `that the server's 409 answers carry its current record with its version.`,
          { modelType: conflict.modelType, recordId: conflict.id }
        );
      }
    }
    return null;
  }
}
