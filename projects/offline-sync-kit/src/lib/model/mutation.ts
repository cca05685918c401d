import { SyncErrorInfo } from './sync-error';

/**
 * The kinds of change an outbox entry can carry.
 *
 * @example
 * const isDelete = (m: Mutation) => m.op === 'delete';
 */
export type MutationOp = 'create' | 'update' | 'delete';

/** A record as it is stored and sent: plain JSON-like data after the entity's `serialize`. */
export type SerializedRecord = Record<string, unknown>;

/**
 * Whether an outbox entry can still absorb later changes (`queued`) or is on its way to the
 * server (`sending`) or was refused for good (`failed`, the dead letter).
 *
 * @example
 * const canCoalesce = mutation.status === 'queued';
 */
export type MutationStatus = 'queued' | 'sending' | 'failed';

/**
 * One outbox entry: a change to one record that the server has not confirmed yet. It is written
 * in the same IndexedDB transaction as the record itself, so the two never disagree.
 *
 * @example
 * const entry: Mutation = {
 *   mutationId: '0190f5c2-7b1a-7c3e-9d2f-4a5b6c7d8e9f', modelType: 'todo', recordId: 't1',
 *   op: 'update', changedFields: ['done'], patch: { done: true }, base: { title: 'Milk', done: false },
 *   baseVersion: 3, priority: 0, attempts: 0, createdAt: 1732400000000, status: 'queued',
 * };
 */
export interface Mutation {
  /** Stable id, sent as `Idempotency-Key` so a retry never applies twice. */
  readonly mutationId: string;
  readonly modelType: string;
  readonly recordId: string;
  readonly op: MutationOp;
  /** Fields this change sets (for `create`, every field of the record). */
  readonly changedFields: readonly string[];
  /** New values of `changedFields`; empty for `delete`. */
  readonly patch: SerializedRecord;
  /** The record as it was before the first change in this entry, `null` for a create. */
  readonly base: SerializedRecord | null;
  /** The server version the change was made on, `null` if the server never saw the record. */
  readonly baseVersion: number | null;
  /** Higher drains first. */
  readonly priority: number;
  readonly attempts: number;
  /** When the first change in this entry was made (ms since epoch, on the server's clock). */
  readonly createdAt: number;
  /** When the last change folded into this entry was made; absent until a second one is. */
  readonly changedAt?: number;
  readonly status: MutationStatus;
  /** Why the last push attempt failed, if it did. */
  readonly lastError?: SyncErrorInfo | null;
}
