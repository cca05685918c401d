import { SerializedRecord } from '../model/mutation';
import { ifMatch } from './etag';
import { resolveRestMapping } from './resolved-rest-mapping';
import { collectionUrl, recordUrl } from './rest-urls';
import { TransportRequest } from './send-request';
import type { PushEntry, TransportContext } from './sync-transport';
import { applyMergePatch } from '../core/merge-patch';

/**
 * The four writes of the protocol: an outbox `update` goes out as `update` (PATCH, the changed
 * fields) or as `replace` (PUT, the whole record).
 *
 * @example
 * const op: WireOp = wireOp(entry, context); // 'replace' when PUT is configured
 */
export type WireOp = 'create' | 'update' | 'replace' | 'delete';

/**
 * Which write an entry becomes: an update is a PATCH only when delta sync is on and the entity's
 * mapping does not ask for PUT.
 *
 * @example
 * wireOp({ entity: todos, mutation: update }, { ...context, useDeltaSync: false }); // 'replace'
 */
export function wireOp(entry: PushEntry, context: TransportContext): WireOp {
  const op = entry.mutation.op;
  if (op !== 'update') return op;
  const method = resolveRestMapping(entry.entity).updateMethod;
  return context.useDeltaSync && method !== 'PUT' ? 'update' : 'replace';
}

/**
 * The body a write sends: the full record for a create (with its id, which the server needs to
 * file it), the merge patch for an update, the whole new record for a replace, nothing for a delete.
 *
 * @example
 * wireData(entry, 'replace'); // { id: 't1', title: 'Milk', done: true }
 */
export function wireData(entry: PushEntry, op: WireOp): SerializedRecord | undefined {
  const { mutation, entity } = entry;
  switch (op) {
    case 'create': {
      const idField = resolveRestMapping(entity).idField;
      return idField in mutation.patch
        ? mutation.patch
        : { [idField]: mutation.recordId, ...mutation.patch };
    }
    case 'update':
      return mutation.patch;
    case 'replace':
      return replaceBody(mutation.base, mutation.patch);
    case 'delete':
      return undefined;
  }
}

/**
 * The whole record after an update: the merge patch applied to the base (`null` removes a field,
 * nested objects merge), which is the record as it is on this device.
 *
 * @example
 * replaceBody({ id: 't1', title: 'Milk', note: 'x' }, { title: 'Oat milk', note: null }); // { id: 't1', title: 'Oat milk' }
 */
export function replaceBody(
  base: SerializedRecord | null,
  patch: SerializedRecord
): SerializedRecord {
  return applyMergePatch(base ?? {}, patch);
}

/**
 * The single HTTP request of one entry: POST to the collection, PATCH/PUT/DELETE to the record,
 * with `Idempotency-Key` (the mutation id, so a retry after a lost answer applies once) and
 * `If-Match` with the base version when there is one (so a stale write is a conflict, not an
 * overwrite).
 *
 * @example
 * pushRequest(context, { entity: todos, mutation: update });
 * // { method: 'PATCH', url: '…/todos/t1', body: { done: true }, headers: { 'Idempotency-Key': 'm1', 'If-Match': '"3"', … } }
 */
export function pushRequest(context: TransportContext, entry: PushEntry): TransportRequest {
  const { mutation, entity } = entry;
  const op = wireOp(entry, context);
  const body = wireData(entry, op);
  const headers: Record<string, string> = { 'Idempotency-Key': mutation.mutationId };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (op !== 'create' && mutation.baseVersion !== null) {
    headers['If-Match'] = ifMatch(mutation.baseVersion);
  }
  const methods = { create: 'POST', update: 'PATCH', replace: 'PUT', delete: 'DELETE' } as const;
  return {
    method: methods[op],
    url:
      op === 'create'
        ? collectionUrl(context, entity)
        : recordUrl(context, entity, mutation.recordId),
    headers,
    ...(body === undefined ? {} : { body }),
  };
}
