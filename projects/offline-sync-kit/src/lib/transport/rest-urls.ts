import type { TransportContext, TransportEntity } from './sync-transport';

/**
 * The server URL without trailing slashes, so `https://api.example.com/` and
 * `https://api.example.com` build the same URLs.
 *
 * @example
 * trimBaseUrl('https://api.example.com/v1//'); // 'https://api.example.com/v1'
 */
export function trimBaseUrl(serverUrl: string): string {
  return serverUrl.replace(/\/+$/, '');
}

/**
 * An endpoint without surrounding slashes: `/todos/` and `todos` name the same collection.
 *
 * @example
 * endpointName('/todos/'); // 'todos'
 */
export function endpointName(endpoint: string): string {
  return endpoint.replace(/^\/+|\/+$/g, '');
}

/**
 * The URL of an entity's collection (list, pull, create): the mapping's `url` function when there
 * is one, else `{serverUrl}/{endpoint}`.
 *
 * @example
 * collectionUrl({ serverUrl: 'https://api.example.com/', ...rest }, todos); // 'https://api.example.com/todos'
 */
export function collectionUrl(context: TransportContext, entity: TransportEntity): string {
  const baseUrl = trimBaseUrl(context.serverUrl);
  const custom = entity.rest.url;
  if (custom) return custom({ baseUrl, endpoint: entity.endpoint });
  return `${baseUrl}/${endpointName(entity.endpoint)}`;
}

/**
 * The URL of one record (read, update, replace, delete). The id is percent-encoded in the default
 * form: ids are chosen by clients, and a `/` or `?` in one must not change the route.
 *
 * @example
 * recordUrl(context, todos, 'a/b'); // 'https://api.example.com/todos/a%2Fb'
 */
export function recordUrl(context: TransportContext, entity: TransportEntity, id: string): string {
  const baseUrl = trimBaseUrl(context.serverUrl);
  const custom = entity.rest.url;
  if (custom) return custom({ baseUrl, endpoint: entity.endpoint, id });
  return `${baseUrl}/${endpointName(entity.endpoint)}/${encodeURIComponent(id)}`;
}

/**
 * The URL of the batch endpoint, `{serverUrl}/sync/batch`.
 *
 * @example
 * batchUrl(context); // 'https://api.example.com/sync/batch'
 */
export function batchUrl(context: TransportContext): string {
  return `${trimBaseUrl(context.serverUrl)}/sync/batch`;
}
