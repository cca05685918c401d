import { ListEnvelope } from '../model/rest-mapping';
import { ServerChange } from '../model/server-change';
import { AnswerContext, describeValue, invalidResponse } from './invalid-response';
import { isJsonObject, parseJsonText } from './json-body';
import { readServerRecord } from './read-server-record';
import { ResolvedRestMapping } from './resolved-rest-mapping';

/**
 * A list answer taken apart, before its items are checked one by one. `cursor` and `hasMore` are
 * `undefined` when the answer does not say (a bare array never does).
 *
 * @example
 * const answer: ListAnswer = { items: [{ id: 't1' }], cursor: 'MTc', hasMore: false };
 */
export interface ListAnswer {
  readonly items: readonly unknown[];
  readonly cursor?: string | null;
  readonly hasMore?: boolean;
}

/**
 * Takes a list answer apart with the entity's `listEnvelope`: `'items'` (`{items, cursor,
 * hasMore}`, the kit's protocol), `'data'` (`{data, …}`), `'array'` (a bare array) or a function.
 * Throws `invalid-response` naming entity and request when the answer has another shape, so an
 * API that changed never looks like an empty list.
 *
 * @example
 * readListAnswer({ data: [{ id: 't1' }] }, 'data', about).items.length; // 1
 */
export function readListAnswer(
  body: unknown,
  envelope: ResolvedRestMapping['listEnvelope'],
  about: AnswerContext
): ListAnswer {
  const fail = (problem: string): never => {
    throw invalidResponse(about, problem);
  };
  if (envelope === 'array') {
    return Array.isArray(body)
      ? { items: body }
      : fail(`expected an array, got ${describeValue(body)}`);
  }
  if (typeof envelope === 'function') {
    let taken: ListEnvelope;
    try {
      taken = envelope(body);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return fail(`the listEnvelope function threw: ${reason}`);
    }
    return envelopeParts(taken, 'items', 'the listEnvelope function returned', fail);
  }
  return envelopeParts(body, envelope, 'the body is', fail);
}

function envelopeParts(
  value: unknown,
  key: string,
  what: string,
  fail: (problem: string) => never
): ListAnswer {
  const items = isJsonObject(value) ? value[key] : undefined;
  if (!isJsonObject(value) || !Array.isArray(items)) {
    return fail(`expected {"${key}": [...]}, but ${what} ${describeValue(value)}`);
  }
  const cursor = value['cursor'];
  const hasMore = value['hasMore'];
  if (cursor !== undefined && cursor !== null && typeof cursor !== 'string') {
    fail(`"cursor" must be a string or null, not ${describeValue(cursor)}`);
  }
  if (hasMore !== undefined && hasMore !== null && typeof hasMore !== 'boolean') {
    fail(`"hasMore" must be true or false, not ${describeValue(hasMore)}`);
  }
  return {
    items,
    ...(cursor === undefined ? {} : { cursor: cursor as string | null }),
    ...(typeof hasMore === 'boolean' ? { hasMore } : {}),
  };
}

/**
 * Reads a whole list answer: JSON, envelope, then every item as a record. The first item that
 * does not fit refuses the whole page with an `invalid-response` naming it: dropping it quietly
 * would lose a change for good, since the cursor moves past it.
 *
 * @example
 * const { answer, items } = readListBody(response.body, mapping, { modelType: 'todo', request });
 */
export function readListBody(
  text: string | null,
  mapping: ResolvedRestMapping,
  about: AnswerContext
): { answer: ListAnswer; items: ServerChange[] } {
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw invalidResponse(about, parsed.problem);
  const answer = readListAnswer(parsed.value, mapping.listEnvelope, about);
  const items = answer.items.map((item, index) => {
    // An item whose id can be read names its record in the error, should the rest not fit.
    const id = isJsonObject(item) ? item[mapping.idField] : undefined;
    const named = typeof id === 'string' && id !== '' ? { recordId: id } : {};
    return readServerRecord(item, { ...about, ...named, mapping, where: `item ${index + 1}` });
  });
  return { answer, items };
}
