import { SyncConflict } from '../model/sync-conflict';

/**
 * The `custom` strategy's resolver as a class, for a resolver that needs other services. Used
 * for every type whose policy is `custom` and gives no `resolver` function of its own. Return the
 * record to keep, `'local'`, `'server'`, or `null` to delete it; a throw (or rejection) leaves the
 * conflict to the app, as under `manual`, with the error.
 *
 * @example
 * @Injectable()
 * class TodoConflicts extends ConflictResolver {
 *   resolve({ local, server }: SyncConflict<Todo>) {
 *     return local && server ? { ...server, done: local.done || server.done } : 'server';
 *   }
 * }
 * providers: [provideOfflineSync({ sync: { conflicts: { strategy: 'custom' } } }), { provide: ConflictResolver, useClass: TodoConflicts }]
 */
export abstract class ConflictResolver {
  abstract resolve(
    conflict: SyncConflict<any> // eslint-disable-line @typescript-eslint/no-explicit-any
  ): unknown | Promise<unknown>;
}
