import { SyncEntityDefinition } from '../state/define-sync-entity';
import { TransportEntity } from '../transport/sync-transport';

/**
 * What the transport needs to know of an entity type.
 *
 * @example
 * transport.pull(context, toTransportEntity(TodoSync), null, 100);
 */
export function toTransportEntity<T>(def: SyncEntityDefinition<T>): TransportEntity {
  return { modelType: def.modelType, endpoint: def.endpoint, rest: def.rest, idField: def.idField };
}
