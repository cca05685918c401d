import { Mutation, SerializedRecord } from '../model/mutation';
import { changedFields, mergePatchBetween } from './changed-fields';

/**
 * A local change about to enter the outbox, before coalescing.
 *
 * @example
 * const change: OutboxChange = {
 *   modelType: 'todo', recordId: 't1', op: 'update', after: { id: 't1', title: 'Milk', done: true }, before: { id: 't1', title: 'Milk', done: false },
 *   baseVersion: 3, mutationId: 'm-2', createdAt: 1732400000000, priority: 0,
 * };
 */
export interface OutboxChange {
  readonly modelType: string;
  readonly recordId: string;
  readonly op: Mutation['op'];
  /** The whole record after the change; `null` for a delete. */
  readonly after: SerializedRecord | null;
  /** The whole record before the change; `null` for a create. */
  readonly before: SerializedRecord | null;
  readonly baseVersion: number | null;
  readonly mutationId: string;
  readonly createdAt: number;
  readonly priority: number;
}

/**
 * What to do to the outbox for one change: add an entry, rewrite the record's queued entry in
 * place (it keeps its id and its place in the queue), delete that entry because the changes
 * cancel out, or nothing (an update that changes no field).
 *
 * @example
 * const step = coalesce(queuedEntry, change);
 * if (step.kind === 'drop') await outbox.delete(step.mutationId);
 */
export type CoalesceStep =
  | { readonly kind: 'insert'; readonly mutation: Mutation }
  | { readonly kind: 'replace'; readonly mutation: Mutation }
  | { readonly kind: 'drop'; readonly mutationId: string }
  | { readonly kind: 'none' };

/**
 * Folds a new local change into the record's queued (not yet sent) outbox entry:
 * create+update → create; update+update → one update of the fields that differ from the base;
 * create+delete → nothing; update+delete → delete. An update that returns every field to its
 * base value also leaves nothing to send. Entries already `sending` or `failed` are never
 * touched: the caller passes only a `queued` entry, else `undefined`.
 *
 * @example
 * coalesce(undefined, createChange);          // { kind: 'insert', mutation: create }
 * coalesce(queuedCreate, deleteChange);       // { kind: 'drop', mutationId: queuedCreate.mutationId }
 */
export function coalesce(queued: Mutation | undefined, change: OutboxChange): CoalesceStep {
  if (!queued || queued.op === 'delete') {
    const mutation = newEntry(change);
    const empty = mutation.op === 'update' && mutation.changedFields.length === 0;
    return empty ? { kind: 'none' } : { kind: 'insert', mutation };
  }
  const changedAt = change.createdAt;
  if (change.op === 'delete') {
    return queued.op === 'create'
      ? { kind: 'drop', mutationId: queued.mutationId }
      : {
          kind: 'replace',
          mutation: { ...queued, op: 'delete', changedFields: [], patch: {}, changedAt },
        };
  }
  const after = change.after ?? {};
  if (queued.op === 'create') {
    return {
      kind: 'replace',
      mutation: { ...queued, changedFields: Object.keys(after), patch: after, changedAt },
    };
  }
  const fields = changedFields(queued.base ?? {}, after);
  if (fields.length === 0) return { kind: 'drop', mutationId: queued.mutationId };
  return {
    kind: 'replace',
    mutation: {
      ...queued,
      changedFields: fields,
      patch: mergePatchBetween(queued.base ?? {}, after, fields),
      changedAt,
    },
  };
}

function newEntry(change: OutboxChange): Mutation {
  const after = change.after ?? {};
  const fields =
    change.op === 'create'
      ? Object.keys(after)
      : change.op === 'update'
        ? changedFields(change.before ?? {}, after)
        : [];
  return {
    mutationId: change.mutationId,
    modelType: change.modelType,
    recordId: change.recordId,
    op: change.op,
    changedFields: fields,
    patch: change.op === 'create' ? after : mergePatchBetween(change.before ?? {}, after, fields),
    base: change.before,
    baseVersion: change.baseVersion,
    priority: change.priority,
    attempts: 0,
    createdAt: change.createdAt,
    status: 'queued',
  };
}
