import { PushOutcome } from '../model/push-outcome';
import { classifyAnswer } from './classify-http-error';
import { describeValue } from './invalid-response';
import { isJsonObject } from './json-body';
import { recordGone } from './record-gone';
import {
  appliedOutcome,
  conflictOutcome,
  failureOutcome,
  pushFailureContext,
} from './push-outcomes';
import { RecordReading } from './read-server-record';
import { resolveRestMapping } from './resolved-rest-mapping';
import type { PushEntry } from './sync-transport';

/**
 * One result of `POST /sync/batch` whose shape has been checked; its record, `current` or error
 * are read later, per entry.
 *
 * @example
 * const result: BatchResult = { entry, status: 'applied', httpStatus: 201, raw: { mutationId: 'm1', status: 'applied', … } };
 */
export interface BatchResult {
  readonly entry: PushEntry;
  readonly status: 'applied' | 'conflict' | 'rejected';
  readonly httpStatus: number;
  readonly raw: Record<string, unknown>;
}

const STATUSES: readonly string[] = ['applied', 'conflict', 'rejected'];

/**
 * Checks the envelope of a batch answer: `{results: [...]}` with one result per mutation, in
 * order, each with a known `status`, a numeric `httpStatus` and the mutation's id (or `null`, which
 * the protocol allows for items it could not parse), paired with its entry. Answers the problem as a string when the
 * answer cannot be trusted: then nobody knows which mutations were applied.
 *
 * @example
 * const results = readBatchResults(body, entries);
 * if (typeof results === 'string') retryAll(results);
 */
export function readBatchResults(
  body: unknown,
  entries: readonly PushEntry[]
): readonly BatchResult[] | string {
  const results = isJsonObject(body) ? body['results'] : undefined;
  if (!Array.isArray(results)) return `expected {"results": [...]}, got ${describeValue(body)}`;
  if (results.length !== entries.length) {
    return `${results.length} results came back for ${entries.length} mutations`;
  }
  const checked: BatchResult[] = [];
  for (const [index, entry] of entries.entries()) {
    const raw: unknown = results[index];
    const mutationId = entry.mutation.mutationId;
    const where = `result ${index + 1}`;
    if (!isJsonObject(raw)) return `${where} is ${describeValue(raw)}, not an object`;
    const { status, httpStatus } = raw;
    if (typeof status !== 'string' || !STATUSES.includes(status)) {
      return `${where} has status ${describeValue(status)}, not applied, conflict or rejected`;
    }
    if (typeof httpStatus !== 'number' || !Number.isInteger(httpStatus)) {
      return `${where} has httpStatus ${describeValue(httpStatus)}, not a number`;
    }
    if (raw['mutationId'] !== null && raw['mutationId'] !== mutationId) {
      return `${where} is for mutation ${describeValue(raw['mutationId'])}, not "${mutationId}"`;
    }
    checked.push({ entry, status: status as BatchResult['status'], httpStatus, raw });
  }
  return checked;
}

/**
 * The outcome of one entry from its batch result. A `rejected` result is sorted by its
 * `httpStatus` like the single request would be, so both ways of pushing agree: a 412 is a
 * conflict, a 401 asks for credentials, a 503 retries, a delete answered 404 or 410 is applied
 * (the record is gone already), other statuses are refused for good.
 *
 * @example
 * const outcome = batchResultOutcome(results[0], 'POST …/sync/batch, item 1', 30_000);
 */
export function batchResultOutcome(
  result: BatchResult,
  request: string,
  timeoutMs: number
): PushOutcome {
  const { entry, raw } = result;
  const reading: RecordReading = {
    modelType: entry.entity.modelType,
    request,
    recordId: entry.mutation.recordId,
    mapping: resolveRestMapping(entry.entity),
  };
  switch (result.status) {
    case 'applied':
      return appliedOutcome(entry, raw['record'], { ...reading, where: 'record' });
    case 'conflict':
      return conflictOutcome(entry, raw['current'], { ...reading, where: 'current' });
    case 'rejected': {
      const gone = recordGone(result.httpStatus, raw);
      // A delete of a record the server no longer has did what it asked for.
      if (gone && entry.mutation.op === 'delete') return appliedOutcome(entry, undefined, reading);
      const about = pushFailureContext(entry, request, timeoutMs);
      const failure = classifyAnswer(result.httpStatus, raw, about);
      return failureOutcome(entry, failure, reading);
    }
  }
}
