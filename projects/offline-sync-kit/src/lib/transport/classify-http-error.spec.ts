import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { TimeoutError } from 'rxjs';
import { OfflineSyncError } from '../model/sync-error';
import { classifyFailure, FailureContext, statusOutcome } from './classify-http-error';

describe('classifyFailure', () => {
  const write: FailureContext = {
    subject: 'the update of todo "t1"',
    request: 'PATCH https://api.test/todos/t1',
    timeoutMs: 5_000,
    write: true,
    modelType: 'todo',
    recordId: 't1',
  };
  const answer = (status: number, body: unknown = null, headers: Record<string, string> = {}) =>
    new HttpErrorResponse({
      status,
      statusText: 'x',
      error: body === null ? null : JSON.stringify(body),
      headers: new HttpHeaders(headers),
    });

  it('sorts statuses the way docs/protocol.md says', () => {
    const table = [0, 302, 400, 401, 403, 404, 408, 409, 412, 422, 429, 500, 503].map((status) => [
      status,
      statusOutcome(status, true).outcome,
      statusOutcome(status, true).kind,
    ]);
    expect(table).toEqual([
      [0, 'retry', 'network'],
      [302, 'retry', 'server'],
      [400, 'rejected', 'rejected'],
      [401, 'auth', 'auth'],
      [403, 'auth', 'auth'],
      [404, 'rejected', 'rejected'],
      [408, 'retry', 'timeout'],
      [409, 'conflict', 'conflict'],
      [412, 'conflict', 'conflict'],
      [422, 'rejected', 'rejected'],
      [429, 'retry', 'server'],
      [500, 'retry', 'server'],
      [503, 'retry', 'server'],
    ]);
    // A read is never in conflict: a 409 to a GET is simply refused.
    expect(statusOutcome(409, false).outcome).toBe('rejected');
  });

  it("writes a refusal a person can act on: what, which record, the server's words, what to do", () => {
    const body = { error: { code: 'invalid_request', message: 'title must be a string' } };
    const failure = classifyFailure(answer(422, body), write);
    expect(failure.outcome).toBe('rejected');
    expect(failure.error.kind).toBe('rejected');
    expect(failure.error.message).toBe(
      'The server refused the update of todo "t1" (PATCH https://api.test/todos/t1 answered ' +
        'HTTP 422 invalid_request: title must be a string). Call discardFailed() to drop the ' +
        'refused change (the record returns to its last accepted state, later edits kept) and ' +
        'save a corrected version, or retryFailed() once the server accepts it (a rule or ' +
        'permission changed there).'
    );
    expect(failure.error.recordId).toBe('t1');
    expect(failure.error.modelType).toBe('todo');
    expect(failure.body).toEqual(body);
  });

  it('keeps the parsed body and headers of a conflict, for its current record', () => {
    const body = { error: { code: 'conflict', message: 'stale' }, current: { id: 't1' } };
    const failure = classifyFailure(answer(409, body, { ETag: '"5"' }), write);
    expect(failure.outcome).toBe('conflict');
    expect(failure.body).toEqual(body);
    expect(failure.headers?.get('ETag')).toBe('"5"');
  });

  it('honours Retry-After on 429 and 503, in seconds or as a date', () => {
    expect(classifyFailure(answer(429, null, { 'Retry-After': '7' }), write).retryAfterMs).toBe(
      7_000
    );
    const dated = answer(503, null, {
      'Retry-After': 'Tue, 24 Nov 2026 10:01:00 GMT',
      Date: 'Tue, 24 Nov 2026 10:00:00 GMT',
    });
    expect(classifyFailure(dated, write).retryAfterMs).toBe(60_000);
    const other = classifyFailure(answer(500, null, { 'Retry-After': '7' }), write);
    expect(other.retryAfterMs).toBeUndefined();
    expect(other.error.message).toContain('The change is kept and sent again later.');
  });

  it('reads an HTML error page as no body, and says what came instead', () => {
    const html = new HttpErrorResponse({ status: 502, error: '<html>Bad gateway</html>' });
    const failure = classifyFailure(html, write);
    expect(failure.body).toBeUndefined();
    expect(failure.error.kind).toBe('server');
    expect(failure.error.message).toContain(
      'answered HTTP 502 (the body is an HTML page, not JSON)). The change is kept'
    );
  });

  it('turns failures without an answer into retries', () => {
    const timedOut = classifyFailure(new TimeoutError(), write);
    expect([timedOut.outcome, timedOut.error.kind, timedOut.status]).toEqual([
      'retry',
      'timeout',
      0,
    ]);
    expect(timedOut.error.message).toContain('no answer within 5000 ms');

    const offline = classifyFailure(
      new HttpErrorResponse({ status: 0, error: new ProgressEvent('error') }),
      write
    );
    expect([offline.outcome, offline.error.kind]).toEqual(['retry', 'network']);

    const thrown = classifyFailure(new Error('token refresh failed'), write);
    expect([thrown.outcome, thrown.error.kind]).toEqual(['retry', 'network']);
    expect(thrown.error.message).toContain('token refresh failed');
  });

  it('keeps an OfflineSyncError from an interceptor as it is', () => {
    const own = new OfflineSyncError('auth', 'Signed out');
    const failure = classifyFailure(own, write);
    expect(failure.outcome).toBe('auth');
    expect(failure.error).toBe(own);
  });

  it('gives reads advice about the mapping instead of the outbox', () => {
    const read = { ...write, subject: 'the pull of todo', write: false };
    const failure = classifyFailure(answer(404), read);
    expect(failure.error.message).toContain("Check the entity's endpoint and rest mapping.");
    expect(classifyFailure(answer(500), read).error.message).toContain('Try again later.');
  });
});
