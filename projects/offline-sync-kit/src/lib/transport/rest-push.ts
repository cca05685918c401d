import { HttpClient } from '@angular/common/http';
import { PushOutcome } from '../model/push-outcome';
import { classifyFailure } from './classify-http-error';
import { invalidResponse } from './invalid-response';
import { parseJsonText } from './json-body';
import { appliedOutcome, failureOutcome, pushFailureContext } from './push-outcomes';
import { recordGone } from './record-gone';
import { pushRequest } from './push-request';
import { RecordReading } from './read-server-record';
import { resolveRestMapping } from './resolved-rest-mapping';
import { describeRequest, sendRequest } from './send-request';
import type { PushEntry, TransportContext } from './sync-transport';

/**
 * Pushes entries one request each, strictly in order. After a `retry` or `auth` outcome the rest
 * is not sent: a later change to the same record must not reach the server before an earlier one,
 * and whatever stopped this entry (offline, server down, expired token) would stop the next too.
 * The entries left out get `retry` outcomes carrying the same error instance (so the engine can
 * tell "not sent" from "failed" with `===` and not count an attempt), and the outbox keeps its
 * order. `conflict` and `rejected` concern one entry only and do not stop the others.
 *
 * @example
 * const outcomes = await pushOneByOne(http, context, [{ entity: todos, mutation }]);
 */
export async function pushOneByOne(
  http: HttpClient,
  context: TransportContext,
  entries: readonly PushEntry[]
): Promise<PushOutcome[]> {
  const outcomes: PushOutcome[] = [];
  let halt: Extract<PushOutcome, { status: 'retry' | 'auth' }> | undefined;
  for (const entry of entries) {
    if (halt) {
      outcomes.push(leftOut(entry, halt));
      continue;
    }
    // Awaited one by one on purpose (see above): FIFO per record is the outbox's promise.
    const outcome = await pushOne(http, context, entry);
    if (outcome.status === 'retry' || outcome.status === 'auth') halt = outcome;
    outcomes.push(outcome);
  }
  return outcomes;
}

/**
 * Pushes one entry as its own request (see `pushRequest` for its shape) and reads the answer:
 * - 2xx with JSON (or no body) → `applied`, with the server's record when it can be read (see
 *   `appliedOutcome`: the write happened either way);
 * - 2xx whose body is not JSON (an HTML page, a truncated body) → `retry` as `invalid-response`:
 *   such an answer may not come from the API at all (a captive portal, a login page, a proxy), so
 *   nobody knows whether the change was stored; it is sent again under the same
 *   `Idempotency-Key`, which applies it once either way;
 * - a delete answered 410, or 404 `not_found` → `applied`: the record is already gone, which is
 *   what it asked (see `recordGone`);
 * - anything else as `classifyFailure` sorts it.
 *
 * @example
 * const outcome = await pushOne(http, context, { entity: todos, mutation });
 * if (outcome.status === 'applied') console.log('now at version', outcome.record.version);
 */
export async function pushOne(
  http: HttpClient,
  context: TransportContext,
  entry: PushEntry
): Promise<PushOutcome> {
  const request = pushRequest(context, entry);
  const described = describeRequest(request);
  const reading: RecordReading = {
    modelType: entry.entity.modelType,
    request: described,
    recordId: entry.mutation.recordId,
    mapping: resolveRestMapping(entry.entity),
  };
  try {
    const response = await sendRequest(http, request, context);
    const etag = response.headers.get('ETag');
    const parsed = parseJsonText(response.body);
    if (!parsed.ok) return notTheApi(entry, reading, parsed.problem);
    return appliedOutcome(entry, parsed.value, { ...reading, etag });
  } catch (error) {
    const failure = classifyFailure(error, pushFailureContext(entry, described, context.timeoutMs));
    if (entry.mutation.op === 'delete' && recordGone(failure.status, failure.body)) {
      return appliedOutcome(entry, undefined, reading);
    }
    return failureOutcome(entry, failure, reading);
  }
}

/** The outcome of a 2xx whose body is not JSON: sent again, since it may not be the API's. */
function notTheApi(entry: PushEntry, reading: RecordReading, problem: string): PushOutcome {
  const error = invalidResponse(
    reading,
    `${problem}; whether the server stored the change cannot be told (a captive portal, a login ` +
      'page or a proxy may have answered), so it is sent again under the same Idempotency-Key, ' +
      'which cannot apply it twice'
  );
  return { mutationId: entry.mutation.mutationId, status: 'retry', error };
}

function leftOut(
  entry: PushEntry,
  halt: Extract<PushOutcome, { status: 'retry' | 'auth' }>
): PushOutcome {
  const after = halt.status === 'retry' ? halt.retryAfterMs : undefined;
  return {
    mutationId: entry.mutation.mutationId,
    status: 'retry',
    error: halt.error,
    ...(after === undefined ? {} : { retryAfterMs: after }),
  };
}
