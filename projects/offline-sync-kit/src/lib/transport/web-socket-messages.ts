import { WebSocketChannelParams } from '../model/web-socket-options';
import { describeValue } from './invalid-response';
import { isJsonObject, parseJsonText } from './json-body';

/**
 * One WebSocket message: a JSON object with a string `type` (docs/protocol.md, WebSocket). The
 * kit's own types are `auth`, `subscribe`, `unsubscribe`, `ping`, `batch` (sent) and `auth_ok`,
 * `auth_error`, `subscribed`, `subscribe_error`, `unsubscribed`, `pong`, `change`, `batch_result`,
 * `error` (received); any other type is an app message.
 *
 * @example
 * const hello: WebSocketMessage = { type: 'chat', text: 'hi' };
 */
export interface WebSocketMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

/**
 * A change event: a record of `modelType` (the server's collection) was written. `event` is the
 * server's name for what happened (see `SyncEventMapper`); `data` is the whole record, absent for
 * a deletion.
 *
 * @example
 * const change: ChangeMessage = { type: 'change', event: 'updated', channel: 'todos', modelType: 'todos', id: 't1', version: 4, data: { id: 't1', title: 'Milk', version: 4 } };
 */
export interface ChangeMessage extends WebSocketMessage {
  readonly type: 'change';
  readonly event: string;
  readonly channel: string;
  readonly modelType: string;
  readonly id: string;
  readonly version: number | null;
  readonly data?: Record<string, unknown>;
}

/**
 * Reads one text frame: the message, or what is wrong with it in words a person can act on.
 *
 * @example
 * readWebSocketMessage('{"type":"pong"}'); // { type: 'pong' }
 * readWebSocketMessage('<html>'); // 'the frame is not JSON: …'
 */
export function readWebSocketMessage(frame: unknown): WebSocketMessage | string {
  if (typeof frame !== 'string') return 'the frame is binary, not a JSON text frame';
  const parsed = parseJsonText(frame);
  if (!parsed.ok) return parsed.problem.replace('the body', 'the frame');
  const value = parsed.value;
  if (!isJsonObject(value)) return `the frame is ${describeValue(value)}, not a JSON object`;
  if (typeof value['type'] !== 'string' || value['type'] === '') {
    return `the message has type ${describeValue(value['type'])}, not a non-empty string`;
  }
  return value as WebSocketMessage;
}

/**
 * Checks a `change` message's fields; answers the problem as a string when one is wrong.
 *
 * @example
 * const change = readChangeMessage(message);
 * if (typeof change === 'string') report(change);
 */
export function readChangeMessage(message: WebSocketMessage): ChangeMessage | string {
  const { event, channel, modelType, id, version, data } = message;
  const strings = { event, channel, modelType, id };
  for (const [field, value] of Object.entries(strings)) {
    if (typeof value !== 'string' || value === '') {
      return `"${field}" must be a non-empty string, not ${describeValue(value)}`;
    }
  }
  const whole = Number.isSafeInteger(version) && (version as number) >= 0;
  if (version !== null && version !== undefined && !whole) {
    return `"version" must be a whole number, not ${describeValue(version)}`;
  }
  if (data !== undefined && !isJsonObject(data)) {
    return `"data" must be the record object, not ${describeValue(data)}`;
  }
  return { ...message, version: (version as number | undefined) ?? null } as ChangeMessage;
}

/**
 * The error object of an `auth_error`, `subscribe_error`, `error` or failed `batch_result`
 * message, as `code: message` text.
 *
 * @example
 * serverErrorText({ type: 'auth_error', error: { code: 'unauthorized', message: 'bad token' } }); // 'unauthorized: bad token'
 */
export function serverErrorText(message: WebSocketMessage): string {
  const error = message['error'];
  if (!isJsonObject(error)) return `${message.type} without details`;
  const code = typeof error['code'] === 'string' ? `${error['code']}: ` : '';
  const text = typeof error['message'] === 'string' ? error['message'] : 'no message';
  return `${code}${text}`;
}

/**
 * The `subscribe` message of a channel.
 *
 * @example
 * subscribeMessage('todos', { ownerId: 'u1' }); // { type: 'subscribe', channel: 'todos', params: { ownerId: 'u1' } }
 */
export function subscribeMessage(
  channel: string,
  params: WebSocketChannelParams | undefined
): WebSocketMessage {
  return { type: 'subscribe', channel, ...(params ? { params } : {}) };
}
