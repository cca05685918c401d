import { createEntityAdapter, EntityAdapter } from '@ngrx/entity';
import { ActionReducer } from '@ngrx/store';
import { conflictPolicyProblem } from '../core/conflict-policy';
import { SerializedRecord } from '../model/mutation';
import { ConflictPolicy } from '../model/sync-conflict';
import { RestMapping } from '../model/rest-mapping';
import { SyncEntityConfig } from '../model/sync-entity-config';
import { OfflineSyncError } from '../model/sync-error';
import { createSyncEntityActions, SyncEntityActions } from './sync-entity-actions';
import { createSyncEntityReducer } from './sync-entity-reducer';
import { createSyncEntitySelectors, SyncEntitySelectors } from './sync-entity-selectors';
import { SyncEntityState } from './sync-entity-state';

/**
 * Everything the kit and the app need of one entity type, made once by `defineSyncEntity`:
 * the resolved config, its action group, reducer and selectors.
 *
 * @example
 * export const TodoSync = defineSyncEntity<Todo>({ modelType: 'todo', endpoint: 'todos' });
 * store.dispatch(TodoSync.actions.removed({ id }));
 * readonly todos = inject(Store).selectSignal(TodoSync.selectors.selectAll);
 */
export interface SyncEntityDefinition<T> {
  readonly modelType: string;
  readonly endpoint: string;
  readonly idField: string;
  readonly priority: number;
  readonly indexes: readonly string[];
  /** The REST mapping of this type (`{}`: the kit's own protocol). */
  readonly rest: RestMapping;
  /** This type's own conflict policy (`{}`: the global one, `sync.conflicts`). */
  readonly conflicts: ConflictPolicy<T>;
  /** The store key of this type's slice: `offlineSync:<modelType>`. */
  readonly featureKey: string;
  readonly selectId: (record: T) => string;
  readonly serialize: (record: T) => SerializedRecord;
  readonly deserialize: (stored: SerializedRecord) => T;
  readonly adapter: EntityAdapter<T>;
  readonly actions: SyncEntityActions<T>;
  readonly reducer: ActionReducer<SyncEntityState<T>>;
  readonly selectors: SyncEntitySelectors<T>;
}

const MODEL_TYPE = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * Declares an entity type once; register the result with `provideOfflineSync({ entities })`,
 * `provideSyncEntities()` or `OfflineSyncModule.forRoot/forFeature`. Throws a `config`
 * {@link OfflineSyncError} for an invalid declaration.
 *
 * @example
 * interface Todo { id: string; title: string; done: boolean }
 * export const TodoSync = defineSyncEntity<Todo>({
 *   modelType: 'todo',
 *   endpoint: 'todos',
 *   sortComparer: (a, b) => a.title.localeCompare(b.title),
 * });
 */
export function defineSyncEntity<T>(config: SyncEntityConfig<T>): SyncEntityDefinition<T> {
  validate(config);
  const idField = config.idField ?? 'id';
  const selectId =
    config.selectId ?? ((record: T) => (record as Record<string, unknown>)[idField] as string);
  const adapter = createEntityAdapter<T>({ selectId, sortComparer: config.sortComparer ?? false });
  const actions = createSyncEntityActions<T>(config.modelType);
  const featureKey = `offlineSync:${config.modelType}`;
  const serialize = config.serialize ?? ((record: T) => ({ ...(record as SerializedRecord) }));
  const deserialize = config.deserialize ?? ((stored: SerializedRecord) => ({ ...stored }) as T);
  return {
    modelType: config.modelType,
    endpoint: config.endpoint,
    idField,
    priority: config.priority ?? 0,
    indexes: [...(config.indexes ?? [])],
    rest: config.rest ?? {},
    conflicts: config.conflicts ?? {},
    featureKey,
    selectId,
    serialize,
    deserialize,
    adapter,
    actions,
    reducer: createSyncEntityReducer(config.modelType, adapter, actions, deserialize),
    selectors: createSyncEntitySelectors(featureKey, adapter),
  };
}

function validate<T>(config: SyncEntityConfig<T>): void {
  const name = `defineSyncEntity(${JSON.stringify(config?.modelType)})`;
  const fail = (problem: string) => {
    throw new OfflineSyncError('config', `${name}: ${problem}`, { modelType: config?.modelType });
  };
  if (typeof config?.modelType !== 'string' || !MODEL_TYPE.test(config.modelType)) {
    fail(
      '`modelType` must start with a letter and hold only letters, digits, "-" and "_" (at most 64).'
    );
  }
  if (typeof config.endpoint !== 'string' || config.endpoint.trim() === '') {
    fail('`endpoint` must name the server collection, e.g. "todos".');
  }
  if (config.priority !== undefined && !Number.isFinite(config.priority)) {
    fail('`priority` must be a finite number (higher is pushed first).');
  }
  if (
    config.idField !== undefined &&
    (typeof config.idField !== 'string' || config.idField === '')
  ) {
    fail('`idField` must be a non-empty field name.');
  }
  const indexes = config.indexes ?? [];
  if (
    !Array.isArray(indexes) ||
    indexes.some((field) => typeof field !== 'string' || field === '')
  ) {
    fail('`indexes` must be a list of top-level field names.');
  }
  if ((config.serialize === undefined) !== (config.deserialize === undefined)) {
    fail('give both `serialize` and `deserialize`, or neither.');
  }
  const conflictProblem = conflictPolicyProblem(config.conflicts, '`conflicts`');
  if (conflictProblem) fail(conflictProblem);
}
