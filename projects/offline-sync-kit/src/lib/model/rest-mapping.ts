import { SerializedRecord } from './mutation';

/**
 * How one entity type's REST API looks, for adopting an existing API unchanged. Every field has
 * a default matching the kit's own protocol (docs/protocol.md).
 *
 * @example
 * const legacy: RestMapping = {
 *   listEnvelope: 'array',       // GET /tasks answers a bare array
 *   paging: 'since',             // ?updatedSince=<last updatedAt seen>
 *   sinceParam: 'updatedSince',
 *   updateMethod: 'PUT',
 *   versionSource: 'etag',
 * };
 */
export interface RestMapping {
  /** Builds the URL of the collection (no `id`) or of one record. Default `${baseUrl}/${endpoint}[/${id}]`. */
  readonly url?: (parts: { baseUrl: string; endpoint: string; id?: string }) => string;
  /** Where the list answer keeps its records: `{items}` (default), `{data}`, a bare array, or a function. */
  readonly listEnvelope?: 'items' | 'data' | 'array' | ((body: unknown) => ListEnvelope);
  /** How changes are paged: an opaque server `cursor` (default), a `since` timestamp, or `offset`/`limit`. */
  readonly paging?: 'cursor' | 'since' | 'offset';
  /** Query parameter names. Defaults: `cursor`, `since`, `limit`, `offset`. */
  readonly cursorParam?: string;
  readonly sinceParam?: string;
  readonly limitParam?: string;
  readonly offsetParam?: string;
  /**
   * Where a record's version comes from: a field (default `version`), the `ETag` header, or
   * nowhere (`none`: the API has no versions). Without versions no write carries `If-Match`;
   * conflicts are found by pulling this type before pushing it and comparing each pulled record
   * with the base of the local change (a write landing between that pull and the push goes unseen).
   */
  readonly versionSource?: 'field' | 'etag' | 'none';
  readonly versionField?: string;
  /** The server's last-change time field, used for `since` paging. Default `updatedAt`. */
  readonly updatedAtField?: string;
  /** The field that marks a tombstone in a change list. Default `deleted`. */
  readonly deletedField?: string;
  /** PATCH (changed fields, default) or PUT (the whole record) for updates. */
  readonly updateMethod?: 'PATCH' | 'PUT';
}

/**
 * A list answer taken apart by a custom `listEnvelope` function.
 *
 * @example
 * const envelope: ListEnvelope = { items: body.results, cursor: body.next ?? null, hasMore: !!body.next };
 */
export interface ListEnvelope {
  readonly items: readonly SerializedRecord[];
  readonly cursor?: string | null;
  readonly hasMore?: boolean;
}
