import { HttpClient, HttpResponse } from '@angular/common/http';
import { ServerChange } from '../model/server-change';
import { ClassifiedFailure, classifyFailure, FailureContext } from './classify-http-error';
import { invalidResponse } from './invalid-response';
import { parseJsonText } from './json-body';
import { readListBody } from './list-envelope';
import { readServerRecord } from './read-server-record';
import { resolveRestMapping } from './resolved-rest-mapping';
import { collectionUrl, recordUrl } from './rest-urls';
import { describeRequest, sendRequest, TransportRequest } from './send-request';
import type { FetchQuery, TransportContext, TransportEntity } from './sync-transport';

/**
 * Reads a page of records without storing them (paging UIs): `GET {collection}` with the query's
 * `limit`, `offset` and `since` under the mapping's parameter names, only those given. Tombstones
 * in the answer are returned as such; the caller decides whether to show them. Throws as
 * `pullPage` does.
 *
 * Note that the kit's reference server pages by cursor only and answers `400` to an `offset`.
 *
 * @example
 * const rows = await fetchItems(http, context, todos, { limit: 20 });
 */
export async function fetchItems(
  http: HttpClient,
  context: TransportContext,
  entity: TransportEntity,
  query: FetchQuery
): Promise<ServerChange[]> {
  const mapping = resolveRestMapping(entity);
  const params: Record<string, string> = {};
  if (query.limit !== undefined) params[mapping.limitParam] = String(query.limit);
  if (query.offset !== undefined) params[mapping.offsetParam] = String(query.offset);
  if (query.since !== undefined) params[mapping.sinceParam] = query.since;
  const request: TransportRequest = { method: 'GET', url: collectionUrl(context, entity), params };
  const answer = await get(http, context, request, entity, `the list of ${entity.modelType}`);
  if ('failure' in answer) throw answer.failure.error;
  const about = { modelType: entity.modelType, request: describeRequest(request) };
  return readListBody(answer.response.body, mapping, about).items;
}

/**
 * Reads one record: `GET {collection}/{id}`. `null` when the server does not have it (404, or 410
 * Gone); a tombstone if the server answers with one. Throws as `pullPage` does, and
 * `invalid-response` when the answer is not that record.
 *
 * @example
 * const todo = await fetchOne(http, context, todos, 't1');
 * if (todo && !todo.deleted) console.log(todo.data);
 */
export async function fetchOne(
  http: HttpClient,
  context: TransportContext,
  entity: TransportEntity,
  id: string
): Promise<ServerChange | null> {
  const request: TransportRequest = { method: 'GET', url: recordUrl(context, entity, id) };
  const subject = `the read of ${entity.modelType} "${id}"`;
  const answer = await get(http, context, request, entity, subject, id);
  if ('failure' in answer) {
    const { status, error } = answer.failure;
    if (status === 404 || status === 410) return null;
    throw error;
  }
  const about = { modelType: entity.modelType, request: describeRequest(request), recordId: id };
  const parsed = parseJsonText(answer.response.body);
  if (!parsed.ok) throw invalidResponse(about, parsed.problem);
  const etag = answer.response.headers.get('ETag');
  return readServerRecord(parsed.value, { ...about, mapping: resolveRestMapping(entity), etag });
}

/** Sends a read and sorts a failure; the caller decides which failures are answers (a 404). */
async function get(
  http: HttpClient,
  context: TransportContext,
  request: TransportRequest,
  entity: TransportEntity,
  subject: string,
  recordId?: string
): Promise<{ response: HttpResponse<string> } | { failure: ClassifiedFailure }> {
  try {
    return { response: await sendRequest(http, request, context) };
  } catch (error) {
    const about: FailureContext = {
      subject,
      request: describeRequest(request),
      timeoutMs: context.timeoutMs,
      write: false,
      modelType: entity.modelType,
      ...(recordId === undefined ? {} : { recordId }),
    };
    return { failure: classifyFailure(error, about) };
  }
}
