import type { RawData } from 'ws';
import { isPlainObject } from '../mutations/validate';
import type { ClientAppMessage } from './messages';

/** A frame read as a message, or why it is not one. */
export type ParsedFrame = { message: ClientAppMessage; error?: undefined } | { error: string };

/**
 * Reads one incoming frame: it must be a text frame holding a JSON object with a non-empty
 * string `type`. Anything else is malformed, and the caller closes the connection (1007): a
 * client that sends such frames is broken, and guessing what it meant would hide the bug.
 * `ws` has already checked the UTF-8 and the size.
 *
 * @example
 * const parsed = parseFrame(Buffer.from('{"type":"ping"}'), false);
 * if (parsed.error === undefined) route(parsed.message);
 */
export function parseFrame(data: RawData, isBinary: boolean): ParsedFrame {
  if (isBinary) return { error: 'Binary frames are not accepted; send JSON text frames' };
  let value: unknown;
  try {
    value = JSON.parse(toText(data));
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'parse error';
    return { error: `The frame is not valid JSON: ${reason.slice(0, 200)}` };
  }
  if (!isPlainObject(value)) return { error: 'A message must be a JSON object' };
  const type = value['type'];
  if (typeof type !== 'string' || type === '') {
    return { error: 'A message needs a non-empty string type' };
  }
  return { message: value as ClientAppMessage };
}

function toText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
