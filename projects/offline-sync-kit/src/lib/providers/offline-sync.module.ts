import { ModuleWithProviders, NgModule } from '@angular/core';
import { SyncEntityDefinition } from '../state/define-sync-entity';
import { OfflineSyncConfig } from './offline-sync-config';
import { OfflineSyncFeature } from './offline-sync-feature';
import { _provideOfflineSync } from './provide-offline-sync';
import { provideSyncEntities } from './provide-sync-entities';

/**
 * The NgModule front door, for apps built on NgModules. `forRoot` is the same setup as
 * `provideOfflineSync()`, `forFeature` the same as `provideSyncEntities()`.
 *
 * @example
 * @NgModule({
 *   imports: [StoreModule.forRoot({}), OfflineSyncModule.forRoot({ entities: [TodoSync] })],
 * })
 * export class AppModule {}
 */
@NgModule({})
export class OfflineSyncModule {
  /**
   * Sets the kit up once, in the root module.
   *
   * @example
   * imports: [StoreModule.forRoot({}), OfflineSyncModule.forRoot({ databaseName: 'crm', entities: [ContactSync] })]
   */
  static forRoot(
    config: OfflineSyncConfig = {},
    ...features: OfflineSyncFeature[]
  ): ModuleWithProviders<OfflineSyncModule> {
    return { ngModule: OfflineSyncModule, providers: _provideOfflineSync(config, features) };
  }

  /**
   * Registers entity types of a (lazy) feature module.
   *
   * @example
   * imports: [OfflineSyncModule.forFeature(ProjectSync)]
   */
  static forFeature(
    ...definitions: SyncEntityDefinition<any>[] // eslint-disable-line @typescript-eslint/no-explicit-any
  ): ModuleWithProviders<OfflineSyncModule> {
    return { ngModule: OfflineSyncModule, providers: [provideSyncEntities(...definitions)] };
  }
}
