import { HttpErrorResponse } from '@angular/common/http';

/**
 * The result of reading a response body as JSON: the value (`undefined` for an empty body), or
 * why it is not JSON, in words a person can act on.
 *
 * @example
 * const parsed: ParsedJson = parseJsonText('{"id":"t1"}'); // { ok: true, value: { id: 't1' } }
 */
export type ParsedJson =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

/**
 * Parses a text body as JSON. An empty body is `undefined` (a 204, a bodiless 409); a body that
 * is not JSON says what it looks like, since the usual culprit is an HTML page from a proxy, a
 * login redirect or a dev server answering for a wrong URL.
 *
 * @example
 * parseJsonText('<!doctype html><html>…'); // { ok: false, problem: 'the body is an HTML page, not JSON' }
 */
export function parseJsonText(text: string | null | undefined): ParsedJson {
  if (text === null || text === undefined || text.trim() === '')
    return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const start = text.trimStart();
    if (start.startsWith('<')) return { ok: false, problem: 'the body is an HTML page, not JSON' };
    const excerpt = start.length > 60 ? `${start.slice(0, 60)}…` : start;
    return { ok: false, problem: `the body is not JSON: ${JSON.stringify(excerpt)}` };
  }
}

/**
 * The JSON body of an error answer, or `undefined` when it has none or it is not JSON. The body
 * arrives as text (see `sendRequest`), but an app interceptor may have replaced it with an object.
 *
 * @example
 * const current = (errorBody(httpError) as { current?: unknown } | undefined)?.current;
 */
export function errorBody(error: HttpErrorResponse): unknown {
  const body: unknown = error.error;
  if (typeof body === 'string') {
    const parsed = parseJsonText(body);
    return parsed.ok ? parsed.value : undefined;
  }
  return isJsonObject(body) || Array.isArray(body) ? body : undefined;
}

/**
 * The `{ error: { code, message } }` part of an error body, each part only when it is a string.
 *
 * @example
 * serverError({ error: { code: 'not_found', message: 'todos/t1 does not exist' } }); // { code: 'not_found', message: '…' }
 */
export function serverError(body: unknown): { readonly code?: string; readonly message?: string } {
  const error = isJsonObject(body) ? body['error'] : undefined;
  if (!isJsonObject(error)) return {};
  const code = error['code'];
  const message = error['message'];
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

/**
 * True for a JSON object (not an array, not `null`).
 *
 * @example
 * isJsonObject([]); // false
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
