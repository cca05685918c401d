import { RestMapping } from '../model/rest-mapping';
import type { TransportEntity } from './sync-transport';

/**
 * A {@link RestMapping} with every default filled in, so the rest of the transport never repeats
 * a default. `url` stays optional: without it the URL is built from the endpoint.
 *
 * @example
 * const mapping: ResolvedRestMapping = resolveRestMapping({ modelType: 'todo', endpoint: 'todos', rest: {} });
 * mapping.versionField; // 'version'
 */
export interface ResolvedRestMapping {
  readonly url?: RestMapping['url'];
  readonly listEnvelope: NonNullable<RestMapping['listEnvelope']>;
  readonly paging: NonNullable<RestMapping['paging']>;
  readonly cursorParam: string;
  readonly sinceParam: string;
  readonly limitParam: string;
  readonly offsetParam: string;
  readonly versionSource: NonNullable<RestMapping['versionSource']>;
  readonly versionField: string;
  readonly updatedAtField: string;
  readonly deletedField: string;
  readonly updateMethod: NonNullable<RestMapping['updateMethod']>;
  /** The field that carries a record's id on the server. */
  readonly idField: string;
}

/**
 * The kit's own protocol (docs/protocol.md): what a mapping means when it says nothing.
 *
 * @example
 * const legacy = { ...DEFAULT_REST_MAPPING, listEnvelope: 'array' as const };
 */
export const DEFAULT_REST_MAPPING: ResolvedRestMapping = {
  listEnvelope: 'items',
  paging: 'cursor',
  cursorParam: 'cursor',
  sinceParam: 'since',
  limitParam: 'limit',
  offsetParam: 'offset',
  versionSource: 'field',
  versionField: 'version',
  updatedAtField: 'updatedAt',
  deletedField: 'deleted',
  updateMethod: 'PATCH',
  idField: 'id',
};

/**
 * Fills in the defaults of an entity's REST mapping.
 *
 * @example
 * resolveRestMapping({ modelType: 'task', endpoint: 'tasks', rest: { updateMethod: 'PUT' } }).updateMethod; // 'PUT'
 */
export function resolveRestMapping(entity: TransportEntity): ResolvedRestMapping {
  const rest = entity.rest;
  const d = DEFAULT_REST_MAPPING;
  return {
    ...(rest.url ? { url: rest.url } : {}),
    listEnvelope: rest.listEnvelope ?? d.listEnvelope,
    paging: rest.paging ?? d.paging,
    cursorParam: rest.cursorParam ?? d.cursorParam,
    sinceParam: rest.sinceParam ?? d.sinceParam,
    limitParam: rest.limitParam ?? d.limitParam,
    offsetParam: rest.offsetParam ?? d.offsetParam,
    versionSource: rest.versionSource ?? d.versionSource,
    versionField: rest.versionField ?? d.versionField,
    updatedAtField: rest.updatedAtField ?? d.updatedAtField,
    deletedField: rest.deletedField ?? d.deletedField,
    updateMethod: rest.updateMethod ?? d.updateMethod,
    idField: entity.idField ?? d.idField,
  };
}
