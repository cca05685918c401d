import { OfflineSyncError } from '../model/sync-error';

/**
 * What an answer was for, so a problem with it names the entity and the request.
 *
 * @example
 * const about: AnswerContext = { modelType: 'todo', request: 'GET https://api.example.com/todos?limit=100' };
 */
export interface AnswerContext {
  readonly modelType: string;
  /** Method and URL, as `describeRequest` writes them. */
  readonly request: string;
  /** The record the request was about, if one. */
  readonly recordId?: string;
}

/**
 * The `invalid-response` error for an answer that does not have the expected shape. It names the
 * entity, the request and the problem, and points at the two places that can be wrong: the server
 * or the entity's REST mapping.
 *
 * @example
 * throw invalidResponse(about, 'item 3: "version" must be a whole number, not the string "3"');
 */
export function invalidResponse(
  about: AnswerContext,
  problem: string,
  cause?: unknown
): OfflineSyncError {
  const record = about.recordId === undefined ? '' : ` "${about.recordId}"`;
  return new OfflineSyncError(
    'invalid-response',
    `The answer to ${about.request} (${about.modelType}${record}) is not what the kit expects: ` +
      `${problem}. Fix the server's answer, or the rest mapping of "${about.modelType}" ` +
      `(listEnvelope, versionField, versionSource, deletedField, …) if the API is shaped differently.`,
    {
      modelType: about.modelType,
      ...(about.recordId === undefined ? {} : { recordId: about.recordId }),
      ...(cause === undefined ? {} : { cause }),
    }
  );
}

/**
 * A short description of a JSON value for messages: its type, and the value when it is short.
 *
 * @example
 * describeValue('3'); // 'the string "3"'
 * describeValue(undefined); // 'nothing'
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') {
    const text = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(text)}`;
  }
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${String(value)}`;
}
