import {
  EnvironmentProviders,
  inject,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
} from '@angular/core';
import { SyncEntityRegistry } from '../effects/sync-entity-registry';
import { OfflineSyncError } from '../model/sync-error';
import { SyncEntityDefinition } from '../state/define-sync-entity';

/**
 * Registers more entity types when the injector that holds these providers is created, e.g. a
 * lazy-loaded route: their reducers join the store and their stored records are hydrated.
 *
 * @example
 * export const routes: Routes = [
 *   { path: 'projects', loadComponent: () => import('./projects'), providers: [provideSyncEntities(ProjectSync)] },
 * ];
 */
export function provideSyncEntities(
  ...definitions: SyncEntityDefinition<any>[] // eslint-disable-line @typescript-eslint/no-explicit-any
): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideEnvironmentInitializer(() => {
      const registry = inject(SyncEntityRegistry, { optional: true });
      if (!registry) {
        throw new OfflineSyncError(
          'config',
          `provideSyncEntities(${definitions.map((d) => d.modelType).join(', ')}) needs ` +
            `provideOfflineSync() (or OfflineSyncModule.forRoot()) in the application providers.`
        );
      }
      registry.register(definitions);
    }),
  ]);
}
