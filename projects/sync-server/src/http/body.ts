import { badRequest, SyncError } from '../errors';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads a request body as JSON, refusing before parsing anything that is not: a missing or
 * non-JSON `Content-Type` (415), more than `maxBytes` (413, checked on `Content-Length` and
 * again while streaming, since a chunked body has no length), bytes that are not UTF-8 or
 * text that is not JSON (400 `invalid_json`). Accepts `application/json` and any
 * `application/*+json`, such as `application/merge-patch+json`.
 *
 * @example
 * const body = await readJsonBody(c.req.raw, 1024 * 1024);
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!JSON_TYPE.test(type)) {
    throw new SyncError(
      415,
      'unsupported_media_type',
      `The body must be JSON with Content-Type: application/json${type ? `, not ${type.slice(0, 60)}` : ''}`
    );
  }
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);

  const bytes = await readAtMost(request, maxBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('The body is not valid UTF-8', 'invalid_json');
  }
  if (text.trim() === '') throw badRequest('The body is empty; it must be JSON', 'invalid_json');
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'parse error';
    throw badRequest(`The body is not valid JSON: ${reason.slice(0, 200)}`, 'invalid_json');
  }
}

/**
 * Collects the body stream, giving up as soon as it passes `maxBytes`. A stream that breaks
 * off (the client hung up mid-body, a malformed chunk) is the client's fault, not a server
 * bug: it answers 400 instead of surfacing as a 500 in the log.
 */
async function readAtMost(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read().catch(() => {
      throw badRequest('The request body broke off before its end');
    });
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(maxBytes: number): SyncError {
  return new SyncError(413, 'payload_too_large', `The body is larger than ${maxBytes} bytes`);
}
