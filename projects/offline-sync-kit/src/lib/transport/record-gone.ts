import { serverError } from './json-body';

/**
 * Whether the answer to a delete says the record is already gone, which is what the delete asked
 * for: `410`, or `404` with the protocol's `not_found` code. A 404 that says anything else (an
 * unknown collection, a proxy's or web server's page) is not: the record may well still be there,
 * so the delete must not count as done.
 *
 * @example
 * if (op === 'delete' && recordGone(failure.status, failure.body)) return appliedOutcome(entry, undefined, reading);
 */
export function recordGone(status: number | undefined, body: unknown): boolean {
  return status === 410 || (status === 404 && serverError(body).code === 'not_found');
}
