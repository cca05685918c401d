import { SerializedRecord } from './mutation';
import { RestMapping } from './rest-mapping';
import { ConflictPolicy } from './sync-conflict';

/**
 * How an app declares one entity type to the kit. Everything but `modelType` and `endpoint` has a
 * default. Pass it to `defineSyncEntity`.
 *
 * @example
 * const config: SyncEntityConfig<Todo> = {
 *   modelType: 'todo',
 *   endpoint: 'todos',
 *   sortComparer: (a, b) => a.title.localeCompare(b.title),
 *   indexes: ['projectId'],
 * };
 */
export interface SyncEntityConfig<T> {
  /** Unique name of the type, used in actions, storage and the outbox (letters, digits, `-`, `_`). */
  readonly modelType: string;
  /** The server collection, e.g. `todos` for `/todos`. */
  readonly endpoint: string;
  /** The field that holds the id; the kit writes a UUID v7 there when a new record has none. Default `id`. */
  readonly idField?: string;
  /** Reads the id of a record. Default: the value of `idField`. */
  readonly selectId?: (record: T) => string;
  /** Keeps `selectAll` sorted; default unsorted (insertion order), as `@ngrx/entity`. */
  readonly sortComparer?: false | ((a: T, b: T) => number);
  /** Outbox entries of higher priority are pushed first. Default `0`. */
  readonly priority?: number;
  /** Turns a record into plain JSON-like data for storage and the server (e.g. `Date` → ISO string). */
  readonly serialize?: (record: T) => SerializedRecord;
  /** The reverse of `serialize`. */
  readonly deserialize?: (stored: SerializedRecord) => T;
  /** Top-level fields stored in a queryable index (and left in clear text when encryption is on). */
  readonly indexes?: readonly string[];
  /** How this type's REST API looks, when it differs from the kit's protocol. */
  readonly rest?: RestMapping;
  /** How this type's conflicts are settled; fields not given come from `sync.conflicts`. */
  readonly conflicts?: ConflictPolicy<T>;
}
