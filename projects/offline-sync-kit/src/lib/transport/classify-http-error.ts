import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { TimeoutError } from 'rxjs';
import { OfflineSyncError, SyncErrorKind } from '../model/sync-error';
import { errorBody, parseJsonText, serverError } from './json-body';
import { honoursRetryAfter, parseRetryAfter } from './retry-after';

/**
 * What a failed request was, for messages and for the advice they give.
 *
 * @example
 * const about: FailureContext = { subject: 'the update of todo "t1"', request: 'PATCH …/todos/t1', timeoutMs: 30_000, write: true, modelType: 'todo', recordId: 't1' };
 */
export interface FailureContext {
  /** `the update of todo "t1"`, `the pull of todo`, `a batch of 3 changes`. */
  readonly subject: string;
  /** Method and URL, as `describeRequest` writes them. */
  readonly request: string;
  readonly timeoutMs: number;
  /** A write keeps its outbox entry and can be in conflict; a read only fails. */
  readonly write: boolean;
  readonly modelType?: string;
  readonly recordId?: string;
}

/**
 * A failure sorted into what the caller does next (the `PushOutcome` status it becomes), with an
 * error whose message says what happened and what to do.
 *
 * @example
 * const failure: ClassifiedFailure = classifyFailure(httpError, about);
 * if (failure.outcome === 'retry') scheduleRetry(failure.retryAfterMs);
 */
export interface ClassifiedFailure {
  readonly outcome: 'retry' | 'auth' | 'conflict' | 'rejected';
  readonly error: OfflineSyncError;
  /** From `Retry-After` on a 429 or 503. */
  readonly retryAfterMs?: number;
  /** HTTP status; 0 when no answer came (offline, timeout, an interceptor threw). */
  readonly status: number;
  /** The JSON error body, if any: a 409 keeps the server's `current` record there. */
  readonly body: unknown;
  readonly headers?: HttpHeaders;
}

/**
 * The outcome and error kind of an HTTP status, per docs/protocol.md: 0 (no answer), 408, 429
 * and 5xx retry; 401/403 need new credentials; 409/412 are conflicts of a write; any other 4xx
 * is refused for good. Statuses HTTP clients do not usually surface (1xx, 3xx) retry as `server`.
 *
 * @example
 * statusOutcome(429, true); // { outcome: 'retry', kind: 'server' }
 */
export function statusOutcome(
  status: number,
  write: boolean
): { outcome: ClassifiedFailure['outcome']; kind: SyncErrorKind } {
  if (status === 0) return { outcome: 'retry', kind: 'network' };
  if (status === 401 || status === 403) return { outcome: 'auth', kind: 'auth' };
  if (status === 408) return { outcome: 'retry', kind: 'timeout' };
  if (status === 429 || status >= 500) return { outcome: 'retry', kind: 'server' };
  if (write && (status === 409 || status === 412)) return { outcome: 'conflict', kind: 'conflict' };
  if (status >= 400) return { outcome: 'rejected', kind: 'rejected' };
  return { outcome: 'retry', kind: 'server' };
}

/**
 * Sorts whatever a request rejected with: an `HttpErrorResponse` by its status (reading the error
 * body and `Retry-After`), RxJS's `TimeoutError` as a `timeout` retry, an `OfflineSyncError` from
 * an interceptor by its kind, and anything else as a `network` retry (the request did not complete).
 *
 * @example
 * try { await sendRequest(http, request, { timeoutMs: 30_000 }); } catch (e) { return classifyFailure(e, about); }
 */
export function classifyFailure(error: unknown, about: FailureContext): ClassifiedFailure {
  if (error instanceof HttpErrorResponse) {
    const status = error.status;
    const retryAfterMs = honoursRetryAfter(status)
      ? parseRetryAfter(error.headers.get('Retry-After'), error.headers.get('Date'))
      : undefined;
    // An error page (a proxy's 502, a login page) says so in the message: the server is not
    // where the kit thinks, or not the API.
    const text: unknown = error.error;
    const parsed = typeof text === 'string' ? parseJsonText(text) : null;
    const bodyProblem = parsed && !parsed.ok ? parsed.problem : undefined;
    const answer = classifyAnswer(status, errorBody(error), about, error, bodyProblem);
    return {
      ...answer,
      headers: error.headers,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (error instanceof TimeoutError) {
    const waited = `got no answer within ${about.timeoutMs} ms (${about.request})`;
    const message = `${sentence(about.subject)} ${waited}. ${again(about)}`;
    return {
      outcome: 'retry',
      error: kitError('timeout', message, about, error),
      status: 0,
      body: undefined,
    };
  }
  if (error instanceof OfflineSyncError) {
    const outcome = kindOutcome(error.kind, about.write);
    return { outcome, error, status: 0, body: undefined };
  }
  const reason = error instanceof Error ? error.message : String(error);
  const failed = `failed before an answer came (${about.request}): ${reason}`;
  const message = `${sentence(about.subject)} ${failed}. ${again(about)}`;
  return {
    outcome: 'retry',
    error: kitError('network', message, about, error),
    status: 0,
    body: undefined,
  };
}

/**
 * Sorts an answer known by its status and JSON body, whether it came as an HTTP error or as one
 * result of a batch (whose `httpStatus` is what the single request would have answered).
 * `bodyProblem`: why the body could not be read as JSON, for the message.
 *
 * @example
 * classifyAnswer(422, { error: { code: 'idempotency_key_reused', message: '…' } }, about).outcome; // 'rejected'
 */
export function classifyAnswer(
  status: number,
  body: unknown,
  about: FailureContext,
  cause?: unknown,
  bodyProblem?: string
): ClassifiedFailure {
  const { outcome, kind } = statusOutcome(status, about.write);
  const { code, message: serverMessage } = serverError(body);
  const said = [code, serverMessage].filter((part) => part !== undefined).join(': ');
  const unreadable = bodyProblem ? ` (${bodyProblem})` : '';
  const answered = `${about.request} answered HTTP ${status}${said ? ` ${said}` : ''}${unreadable}`;
  const text = answerMessage(kind, about, answered);
  return { outcome, error: kitError(kind, text, about, cause), status, body };
}

function answerMessage(kind: SyncErrorKind, about: FailureContext, answered: string): string {
  const subject = sentence(about.subject);
  switch (kind) {
    case 'network':
      return (
        `${subject} got no answer from the server (${about.request}): the device is offline, ` +
        `the server is down, or the browser blocked the request (CORS). ${again(about)}`
      );
    case 'timeout':
      return `${subject} timed out on the server (${answered}). ${again(about)}`;
    case 'auth': {
      const kept = about.write ? '; the change is kept and sent again' : '';
      return `${subject} was refused for lack of valid credentials (${answered}). Renew the sign-in or token${kept}.`;
    }
    case 'conflict':
      return `${subject} conflicts with a newer version on the server (${answered}).`;
    case 'rejected': {
      const advice = about.write
        ? 'Call discardFailed() to drop the refused change (the record returns to its last ' +
          'accepted state, later edits kept) and save a corrected version, or retryFailed() once ' +
          'the server accepts it (a rule or permission changed there).'
        : "Check the entity's endpoint and rest mapping.";
      return `The server refused ${about.subject} (${answered}). ${advice}`;
    }
    default:
      return `${subject} failed on the server (${answered}). ${again(about)}`;
  }
}

function kindOutcome(kind: SyncErrorKind, write: boolean): ClassifiedFailure['outcome'] {
  if (kind === 'auth') return 'auth';
  if (kind === 'network' || kind === 'timeout' || kind === 'server') return 'retry';
  return kind === 'conflict' && write ? 'conflict' : 'rejected';
}

function kitError(
  kind: SyncErrorKind,
  message: string,
  about: FailureContext,
  cause: unknown
): OfflineSyncError {
  return new OfflineSyncError(kind, message, {
    ...(about.modelType === undefined ? {} : { modelType: about.modelType }),
    ...(about.recordId === undefined ? {} : { recordId: about.recordId }),
    ...(cause === undefined ? {} : { cause }),
  });
}

function again(about: FailureContext): string {
  return about.write ? 'The change is kept and sent again later.' : 'Try again later.';
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
