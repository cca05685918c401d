import {
  HttpClient,
  HttpErrorResponse,
  HttpHeaders,
  HttpParams,
  HttpResponse,
} from '@angular/common/http';
import { firstValueFrom, identity, timeout } from 'rxjs';
import { TransportContext } from './sync-transport';

/**
 * One HTTP request of the transport, described as data so it can be sent, logged and named in
 * error messages the same way.
 *
 * @example
 * const request: TransportRequest = { method: 'GET', url: 'https://api.example.com/todos', params: { limit: '100' } };
 */
export interface TransportRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly params?: Readonly<Record<string, string>>;
}

/**
 * Sends a request through `HttpClient` (so the app's interceptors apply) and resolves with the
 * whole response, body as text. Rejects with the `HttpErrorResponse` of a non-2xx answer, or with
 * RxJS's `TimeoutError` when no answer came within `timeoutMs` (the request is then cancelled).
 * Every answer's `Date` header, error answers included, goes to `serverDates`.
 *
 * @example
 * const response = await sendRequest(http, { method: 'GET', url }, { timeoutMs: 30_000 });
 * const text = response.body; // parse it yourself: an HTML error page must not throw in HttpClient
 */
export async function sendRequest(
  http: HttpClient,
  request: TransportRequest,
  { timeoutMs, serverDates }: Pick<TransportContext, 'timeoutMs' | 'serverDates'>
): Promise<HttpResponse<string>> {
  // Text, not JSON: a proxy's HTML page or a truncated body must become a clear `invalid-response`
  // naming the request, not a parse error that HttpClient reports as a failed 200.
  const answer = http.request(request.method, request.url, {
    body: request.body,
    headers: { Accept: 'application/json', ...request.headers },
    params: request.params ? new HttpParams({ fromObject: { ...request.params } }) : undefined,
    observe: 'response',
    responseType: 'text',
  });
  const limited =
    timeoutMs > 0 && Number.isFinite(timeoutMs)
      ? timeout<HttpResponse<string>>(timeoutMs)
      : identity;
  const sentAt = serverDates?.deviceNow() ?? 0;
  const report = (headers: HttpHeaders | undefined) => {
    const date = headers?.get('Date');
    if (date && serverDates) serverDates.observe(date, sentAt, serverDates.deviceNow());
  };
  try {
    const response = await firstValueFrom(answer.pipe(limited));
    report(response.headers);
    return response;
  } catch (error) {
    if (error instanceof HttpErrorResponse) report(error.headers);
    throw error;
  }
}

/**
 * The request as people read it in a message: method and full URL with its query.
 *
 * @example
 * describeRequest({ method: 'GET', url: 'https://api.example.com/todos', params: { limit: '2' } });
 * // 'GET https://api.example.com/todos?limit=2'
 */
export function describeRequest(request: TransportRequest): string {
  const query = request.params
    ? new HttpParams({ fromObject: { ...request.params } }).toString()
    : '';
  const separator = request.url.includes('?') ? '&' : '?';
  return `${request.method} ${request.url}${query ? separator + query : ''}`;
}
