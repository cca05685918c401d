import { badRequest, SyncError } from '../errors';
import type { Mutation, MutationOp } from '../model';
import {
  checkCollection,
  checkId,
  checkIdempotencyKey,
  isPlainObject,
  nameList,
  parseBaseVersion,
  recordData,
} from './validate';

/** What every write is checked against, whichever way it arrives. */
export interface MutationRules {
  /** Allowed collections, or null for any valid name. */
  collections: ReadonlySet<string> | null;
  maxIdLength: number;
}

/**
 * One batch item after parsing: either a mutation to apply under its `mutationId`, or the
 * reason it is rejected. A bad item never fails the batch; it becomes a `rejected` result.
 */
export type BatchItem =
  | { mutationId: string; mutation: Mutation; error?: undefined }
  | { mutationId: string | null; mutation?: undefined; error: SyncError };

const OPS: ReadonlySet<string> = new Set<MutationOp>(['create', 'update', 'replace', 'delete']);
const ITEM_FIELDS = new Set(['mutationId', 'op', 'endpoint', 'id', 'data', 'baseVersion']);

/**
 * Parses the body of `POST /sync/batch`. The envelope itself must be right (`{mutations:
 * [...]}` and nothing else, at most `maxBatchSize` items), or the whole request answers 400;
 * each item is then parsed on its own.
 *
 * @example
 * parseBatch({ mutations: [{ mutationId: 'm1', op: 'delete', endpoint: 'todos', id: 't1' }] }, rules, 1000);
 */
export function parseBatch(body: unknown, rules: MutationRules, maxBatchSize: number): BatchItem[] {
  if (!isPlainObject(body)) throw badRequest('The batch must be a JSON object {mutations: [...]}');
  const extra = Object.keys(body).filter((key) => key !== 'mutations');
  if (extra.length > 0) throw badRequest(`Unknown batch field(s): ${nameList(extra)}`);
  const mutations = body['mutations'];
  if (!Array.isArray(mutations)) throw badRequest('batch.mutations must be an array');
  if (mutations.length > maxBatchSize) {
    throw badRequest(`A batch holds at most ${maxBatchSize} mutations, not ${mutations.length}`);
  }
  return mutations.map((item) => parseBatchItem(item, rules));
}

/**
 * Parses one batch item `{mutationId, op, endpoint, id, data?, baseVersion?}`; `endpoint`
 * may be written `todos` or `/todos`. A `baseVersion` on a create is ignored: there is no
 * version to compare a new record with.
 */
export function parseBatchItem(raw: unknown, rules: MutationRules): BatchItem {
  const mutationId =
    isPlainObject(raw) && typeof raw['mutationId'] === 'string' ? raw['mutationId'] : null;
  try {
    if (!isPlainObject(raw)) throw badRequest('Each mutation must be a JSON object');
    const unknown = Object.keys(raw).filter((key) => !ITEM_FIELDS.has(key));
    if (unknown.length > 0) throw badRequest(`Unknown mutation field(s): ${nameList(unknown)}`);
    const key = checkIdempotencyKey(raw['mutationId'], 'mutationId');
    const op = raw['op'];
    if (typeof op !== 'string' || !OPS.has(op)) {
      throw badRequest('op must be one of create, update, replace, delete');
    }
    if (typeof raw['endpoint'] !== 'string') throw badRequest('endpoint must be a string');
    const collection = checkCollection(raw['endpoint'], rules.collections);
    const id = checkId(raw['id'], rules.maxIdLength);
    const mutation: Mutation = { op: op as MutationOp, collection, id };
    if (op === 'delete') {
      if (raw['data'] !== undefined && raw['data'] !== null)
        throw badRequest('A delete takes no data');
    } else {
      mutation.data = recordData(raw['data'], id, 'data');
    }
    const baseVersion = parseBaseVersion(raw['baseVersion']);
    if (baseVersion !== undefined && op !== 'create') mutation.baseVersion = baseVersion;
    return { mutationId: key, mutation };
  } catch (err) {
    if (err instanceof SyncError) return { mutationId, error: err };
    throw err;
  }
}
