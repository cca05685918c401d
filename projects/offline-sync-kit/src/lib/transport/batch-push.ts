import { HttpClient } from '@angular/common/http';
import { PushOutcome } from '../model/push-outcome';
import { OfflineSyncError } from '../model/sync-error';
import { ClassifiedFailure, classifyFailure, FailureContext } from './classify-http-error';
import { invalidResponse } from './invalid-response';
import { ParsedJson, parseJsonText } from './json-body';
import { wireData, wireOp } from './push-request';
import { batchResultOutcome, readBatchResults } from './read-batch-results';
import { pushOneByOne } from './rest-push';
import { batchUrl, endpointName } from './rest-urls';
import { describeRequest, sendRequest, TransportRequest } from './send-request';
import type { PushEntry, TransportContext } from './sync-transport';

/**
 * One item of `POST /sync/batch`, as docs/protocol.md describes it.
 *
 * @example
 * const item: BatchMutation = { mutationId: 'm1', op: 'update', endpoint: 'todos', id: 't1', data: { done: true }, baseVersion: 3 };
 */
export interface BatchMutation {
  readonly mutationId: string;
  readonly op: 'create' | 'update' | 'replace' | 'delete';
  readonly endpoint: string;
  readonly id: string;
  readonly data?: Record<string, unknown>;
  readonly baseVersion?: number;
}

/**
 * The batch item of one entry: same op and data as its single request would send; `baseVersion`
 * (the batch's `If-Match`) only on writes to an existing record.
 *
 * @example
 * batchMutation(context, { entity: todos, mutation: deleteT1 }); // { mutationId, op: 'delete', endpoint: 'todos', id: 't1', baseVersion: 4 }
 */
export function batchMutation(context: TransportContext, entry: PushEntry): BatchMutation {
  const { mutation, entity } = entry;
  const op = wireOp(entry, context);
  const data = wireData(entry, op);
  return {
    mutationId: mutation.mutationId,
    op,
    endpoint: endpointName(entity.endpoint),
    id: mutation.recordId,
    ...(data === undefined ? {} : { data }),
    ...(op === 'create' || mutation.baseVersion === null
      ? {}
      : { baseVersion: mutation.baseVersion }),
  };
}

/**
 * Pushes all entries in one `POST {serverUrl}/sync/batch` and maps each result to its entry by
 * position. The server applies the items in order, each on its own, so one refused item does not
 * stop the others (unlike `pushOneByOne`, everything was sent).
 *
 * When the answer cannot be read (not JSON, wrong length or shape) nobody knows what was applied:
 * every entry becomes `retry` with kind `invalid-response`, which is safe because each item carries
 * its idempotency key. A server without the batch endpoint (404, 405) gets the same changes as
 * single requests (`pushOneByOne`); one that finds the batch too large (413) gets it in halves.
 * Any other failure of the whole request is sorted once and given to every entry (a whole-batch
 * 4xx is `rejected` for all: the batch itself was refused, not any one record).
 *
 * @example
 * const outcomes = await pushBatch(http, { ...context, useBatchEndpoint: true }, entries);
 */
export async function pushBatch(
  http: HttpClient,
  context: TransportContext,
  entries: readonly PushEntry[]
): Promise<PushOutcome[]> {
  if (entries.length === 0) return [];
  const request: TransportRequest = {
    method: 'POST',
    url: batchUrl(context),
    headers: { 'Content-Type': 'application/json' },
    body: { mutations: entries.map((entry) => batchMutation(context, entry)) },
  };
  const described = describeRequest(request);
  let text: string | null;
  try {
    text = (await sendRequest(http, request, context)).body;
  } catch (error) {
    const failure = classifyFailure(error, wholeBatch(entries, described, context.timeoutMs));
    // No batch endpoint on this server: the same changes, one request each.
    if (failure.status === 404 || failure.status === 405) {
      return pushOneByOne(http, context, entries);
    }
    // Too large for the server as a whole: in halves, down to single changes (whose own 413
    // is a refusal of that change).
    if (failure.status === 413 && entries.length > 1) {
      const half = Math.ceil(entries.length / 2);
      const first = await pushBatch(http, context, entries.slice(0, half));
      return [...first, ...(await pushBatch(http, context, entries.slice(half)))];
    }
    return wholeBatchOutcomes(failure, entries);
  }
  return batchAnswerOutcomes(parseJsonText(text), entries, described, context.timeoutMs);
}

/**
 * The outcomes of a batch answer (`{results: [...]}`, over HTTP or the WebSocket), by position.
 * An answer that cannot be read makes every entry `retry` with kind `invalid-response`: nobody
 * knows what was applied, and the idempotency keys make sending again safe.
 *
 * @example
 * const outcomes = batchAnswerOutcomes({ ok: true, value: body }, entries, 'POST …/sync/batch', 30_000);
 */
export function batchAnswerOutcomes(
  answer: ParsedJson,
  entries: readonly PushEntry[],
  described: string,
  timeoutMs: number
): PushOutcome[] {
  const results = answer.ok ? readBatchResults(answer.value, entries) : answer.problem;
  if (typeof results === 'string') {
    const problem = `${results}; the batch is sent again, its idempotency keys keep that safe`;
    return entries.map((entry) => ({
      mutationId: entry.mutation.mutationId,
      status: 'retry',
      error: invalidResponse({ ...recordOf(entry), request: described }, problem),
    }));
  }
  return results.map((result, index) =>
    batchResultOutcome(result, `${described}, item ${index + 1}`, timeoutMs)
  );
}

/**
 * What a failure of a whole batch (no answer, or an error answer for the batch itself, over HTTP
 * or the WebSocket) is about, for `classifyFailure` / `classifyAnswer`.
 *
 * @example
 * classifyAnswer(answer.status, answer, wholeBatch(entries, 'the WebSocket batch 3', 30_000));
 */
export function wholeBatch(
  entries: readonly PushEntry[],
  request: string,
  timeoutMs: number
): FailureContext {
  const subject = `a batch of ${entries.length} change${entries.length === 1 ? '' : 's'}`;
  return { subject, request, timeoutMs, write: true };
}

/**
 * Every entry's outcome when the batch as a whole failed: retried, waiting for credentials, or
 * refused, as the failure was classified (a 409/412 for a whole batch is a refusal, not one
 * record's conflict). Each entry's error names its record.
 *
 * @example
 * return wholeBatchOutcomes(classifyAnswer(500, answer, wholeBatch(entries, request, 0)), entries);
 */
export function wholeBatchOutcomes(
  failure: ClassifiedFailure,
  entries: readonly PushEntry[]
): PushOutcome[] {
  const kind = failure.outcome === 'conflict' ? 'rejected' : failure.error.kind;
  return entries.map((entry) => {
    const mutationId = entry.mutation.mutationId;
    // Each entry gets its own error naming its record, so a failed entry shows where it belongs.
    const details = { ...recordOf(entry), cause: failure.error };
    const error = new OfflineSyncError(kind, failure.error.message, details);
    switch (failure.outcome) {
      case 'retry': {
        const after = failure.retryAfterMs;
        return {
          mutationId,
          status: 'retry',
          error,
          ...(after === undefined ? {} : { retryAfterMs: after }),
        };
      }
      case 'auth':
        return { mutationId, status: 'auth', error };
      default:
        return { mutationId, status: 'rejected', error };
    }
  });
}

/**
 * The entity type and record id of an entry, for the details of its error.
 *
 * @example
 * new OfflineSyncError('network', message, { ...recordOf(entry), cause });
 */
export function recordOf(entry: PushEntry): { modelType: string; recordId: string } {
  return { modelType: entry.entity.modelType, recordId: entry.mutation.recordId };
}
