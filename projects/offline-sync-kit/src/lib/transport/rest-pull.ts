import { HttpClient } from '@angular/common/http';
import { PullPage } from '../model/server-change';
import { classifyFailure } from './classify-http-error';
import { invalidResponse } from './invalid-response';
import { serverError } from './json-body';
import { readListBody } from './list-envelope';
import { nextPage, pageParams } from './page-cursor';
import { resolveRestMapping } from './resolved-rest-mapping';
import { collectionUrl } from './rest-urls';
import { describeRequest, sendRequest, TransportRequest } from './send-request';
import type { TransportContext, TransportEntity } from './sync-transport';

/**
 * Pulls one page of changes after `cursor` (`null` = from the start) with
 * `GET {collection}?cursor=&limit=` or the entity's paging (see `pageParams` and `nextPage`).
 * Every item is checked; tombstones are the items whose `deletedField` is true.
 *
 * A server that no longer knows the cursor (`400 invalid_cursor`: its database was replaced, or
 * old tombstones were purged) is asked again from the start, as docs/protocol.md tells clients
 * to do; the page returned then begins at the start of the feed.
 *
 * Throws an `OfflineSyncError`: `network`, `timeout`, `server` (5xx, 429), `auth` (401/403),
 * `rejected` (other 4xx) or `invalid-response` (a body that does not fit, a cursor page with more
 * items than `limit`, or a page that says `hasMore` without moving its cursor, which would make
 * the caller pull the same page for ever).
 *
 * @example
 * let page = await pullPage(http, context, todos, storedCursor, 100);
 * while (page.hasMore) page = await pullPage(http, context, todos, page.cursor, 100);
 */
export async function pullPage(
  http: HttpClient,
  context: TransportContext,
  entity: TransportEntity,
  cursor: string | null,
  limit: number
): Promise<PullPage> {
  const mapping = resolveRestMapping(entity);
  const request: TransportRequest = {
    method: 'GET',
    url: collectionUrl(context, entity),
    params: pageParams(mapping, cursor, limit),
  };
  const described = describeRequest(request);
  const modelType = entity.modelType;
  let text: string | null;
  try {
    text = (await sendRequest(http, request, context)).body;
  } catch (error) {
    const subject = `the pull of ${modelType}`;
    const about = {
      subject,
      request: described,
      timeoutMs: context.timeoutMs,
      write: false,
      modelType,
    };
    const failure = classifyFailure(error, about);
    const unknownCursor =
      failure.status === 400 && serverError(failure.body).code === 'invalid_cursor';
    if (unknownCursor && cursor !== null) return pullPage(http, context, entity, null, limit);
    throw failure.error;
  }
  const about = { modelType, request: described };
  const { answer, items } = readListBody(text, mapping, about);
  // The protocol's limit is a maximum: a server that ignores it can send a page too large to
  // hold and store in one go (and a mapping whose limitParam the API does not know shows here).
  if (mapping.paging === 'cursor' && items.length > limit) {
    throw invalidResponse(
      about,
      `the page holds ${items.length} items, but at most ${limit} were asked for ` +
        `(${mapping.limitParam}=${limit}); make the server honour the limit, or set ` +
        `rest.limitParam to the name it uses`
    );
  }
  const next = nextPage(mapping, cursor, limit, answer, items);
  if (typeof next === 'string') throw invalidResponse(about, next);
  if (next.hasMore && next.cursor === cursor) {
    throw invalidResponse(
      about,
      `the page says there is more, but the cursor stayed ${JSON.stringify(cursor)}: ` +
        'pulling again would return this page for ever'
    );
  }
  return { items, cursor: next.cursor, hasMore: next.hasMore };
}
