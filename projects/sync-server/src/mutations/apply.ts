import { conflict, notFound, SyncError } from '../errors';
import type { JsonObject, Mutation } from '../model';
import { RecordRepository, StoredRecord, toEntry } from '../store/repository';
import { applyMergePatch } from './merge-patch';

/** A write that went through: the HTTP status it answers with and the row as stored. */
export interface AppliedWrite {
  status: 200 | 201 | 204;
  record: StoredRecord;
  /** False when the outcome needed no write (deleting a tombstone). */
  changed: boolean;
  /** The row before the write, if there was one: change listeners compare old and new. */
  previous?: StoredRecord;
}

/**
 * Decides and performs one validated mutation against the current row; throws a SyncError
 * (409 with `current`, 404, 412) when it cannot apply. The rules, per op and current state:
 *
 * | op      | absent          | live                  | tombstone                  |
 * |---------|-----------------|-----------------------|----------------------------|
 * | create  | 201, version 1  | 409 (id taken)        | 201, re-created            |
 * | update  | 404             | 200, merge patch      | 409 (deleted meanwhile)    |
 * | replace | 201, version 1  | 200, new data         | 201, re-created            |
 * | delete  | 404             | 204, tombstone        | 204, nothing written       |
 *
 * Before that, a `baseVersion` that differs from the current version answers 409, and one
 * given for a record that never existed answers 412. Versions only grow, also across a
 * delete and re-create, so an old `If-Match` can never match again. Call inside a write
 * transaction: the read and the write must see the same state.
 *
 * @example
 * applyMutation(repo, '', { op: 'update', collection: 'todos', id: 't1', data: { done: true } }, now);
 */
export function applyMutation(
  repo: RecordRepository,
  scope: string,
  mutation: Mutation,
  now: string
): AppliedWrite {
  const { op, collection, id } = mutation;
  const where = `${collection}/${id}`;
  const current = repo.find(scope, collection, id);
  checkBaseVersion(mutation, current, where);

  const live = current && !current.deleted ? current : undefined;
  const version = (current?.version ?? 0) + 1;
  const write = (status: AppliedWrite['status'], data: JsonObject | null): AppliedWrite => ({
    status,
    record: repo.write(scope, collection, { id, version, deleted: !data, data, updatedAt: now }),
    changed: true,
    previous: current,
  });

  switch (op) {
    case 'create':
      if (live) throw conflict(`${where} already exists`, toEntry(live));
      return write(201, mutation.data ?? {});
    case 'update':
      if (!current) throw notFound(`${where} does not exist`);
      if (!live) throw conflict(`${where} was deleted`, toEntry(current));
      return write(200, applyMergePatch(live.data ?? {}, mutation.data ?? {}));
    case 'replace':
      return write(live ? 200 : 201, mutation.data ?? {});
    case 'delete':
      if (!current) throw notFound(`${where} does not exist`);
      // Deleting what is already gone is a success: the client wants it gone, and it is.
      return live ? write(204, null) : { status: 204, record: current, changed: false };
  }
}

function checkBaseVersion(mutation: Mutation, current: StoredRecord | undefined, where: string) {
  const base = mutation.baseVersion;
  if (base === undefined || mutation.op === 'create') return;
  if (!current) {
    throw new SyncError(
      412,
      'precondition_failed',
      `${where} does not exist (expected version ${base})`
    );
  }
  if (current.version !== base) {
    throw conflict(`${where} is at version ${current.version}, not ${base}`, toEntry(current));
  }
}
