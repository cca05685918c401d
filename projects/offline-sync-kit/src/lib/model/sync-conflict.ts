import { SerializedRecord } from './mutation';
import { SyncErrorInfo } from './sync-error';

/**
 * How the kit settles a conflict between a local change and the server's version of a record.
 * - `serverWins` / `clientWins`: that side's version, deletion included;
 * - `lastUpdateWins`: the side changed last, on the server's clock;
 * - `mergeFields`: three-way merge against the base the local change was made on;
 * - `custom`: a resolver function of the app decides (see {@link ConflictResolverFn});
 * - `manual`: the conflict waits in state until the app dispatches `resolveConflict`.
 *
 * @example
 * provideOfflineSync({ sync: { conflicts: { strategy: 'mergeFields' } } });
 */
export type ConflictResolutionStrategy =
  'serverWins' | 'clientWins' | 'lastUpdateWins' | 'mergeFields' | 'custom' | 'manual';

/**
 * One conflict: the record as it was when the local change was made (`base`), as this device has
 * it (`local`) and as the server has it (`server`); `null` where that side deleted it (for `base`:
 * the record was created on this device). Times are ms since epoch on the server's clock.
 * In state, in `conflictDetected` and in the database the versions are in serialized form; a
 * `custom` resolver receives them deserialized, as `T`.
 *
 * @example
 * const conflict = store.selectSignal(selectConflictFor('todo', 't1'))();
 * if (conflict) showSideBySide(conflict.local, conflict.server);
 */
export interface SyncConflict<T = SerializedRecord> {
  readonly modelType: string;
  readonly id: string;
  readonly base: T | null;
  readonly local: T | null;
  readonly server: T | null;
  /** The server version the resolution will be pushed on (`null`: the server never had it). */
  readonly serverVersion: number | null;
  /** When this device last changed the record. */
  readonly localUpdatedAt: number | null;
  /** When the server last changed it, from its `updatedAt`. */
  readonly serverUpdatedAt: number | null;
  /** The strategy in charge: `manual` once a `custom` resolver failed. */
  readonly strategy: ConflictResolutionStrategy;
  readonly detectedAt: number;
  /** Why the resolver failed, when it did; the conflict then waits for the app. */
  readonly error: SyncErrorInfo | null;
  /** Grows whenever either side changes while the conflict is open (local edits, newer pulls). */
  readonly revision: number;
}

/**
 * What an app (or a `custom` resolver) decides for a conflict: keep this device's version, take
 * the server's, or a record of its own making.
 *
 * @example
 * store.dispatch(resolveConflict({ modelType: 'todo', id: 't1', resolution: { merged: { ...todo, title: 'Both' } } }));
 */
export type ConflictResolution<T = unknown> = 'local' | 'server' | { readonly merged: T };

/**
 * A `custom` strategy's resolver: returns the record to keep (`T`), `'local'` or `'server'`, or
 * `null` to delete the record, directly or as a promise. If it throws, the conflict stays open
 * for the app (as under `manual`) with the error; no change is lost.
 *
 * @example
 * const keepLongestTitle: ConflictResolverFn<Todo> = ({ local, server }) =>
 *   (local?.title.length ?? 0) >= (server?.title.length ?? 0) ? 'local' : 'server';
 */
// `any` by default: one global resolver serves record types the kit cannot name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ConflictResolverFn<T = any> = (
  conflict: SyncConflict<T>
) => T | 'local' | 'server' | null | Promise<T | 'local' | 'server' | null>;

/**
 * How conflicts of a type (or of every type) are settled. Set globally in `sync.conflicts`, per
 * entity type in its `conflicts`; a type's fields override the global ones.
 * - `sameField`: for `mergeFields`, who wins a field both sides changed (default `serverWins`);
 * - `deleteVsUpdate`: when one side deleted and the other updated, whether the update wins and the
 *   record is restored (default) or the delete does; applies to `lastUpdateWins` and `mergeFields`.
 *
 * @example
 * defineSyncEntity<Todo>({ modelType: 'todo', endpoint: 'todos', conflicts: { strategy: 'custom', resolver: byPriority } });
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ConflictPolicy<T = any> {
  /** Default `mergeFields`: it keeps every change made on one side only. */
  readonly strategy?: ConflictResolutionStrategy;
  readonly sameField?: 'serverWins' | 'clientWins';
  readonly deleteVsUpdate?: 'updateWins' | 'deleteWins';
  /** The `custom` strategy's resolver; without one, a `ConflictResolver` provided via DI is used. */
  readonly resolver?: ConflictResolverFn<T>;
}
