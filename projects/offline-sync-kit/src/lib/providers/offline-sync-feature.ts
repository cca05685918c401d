import { EnvironmentProviders, Provider } from '@angular/core';

/**
 * An optional part of the kit, added with a `withX()` function next to the config:
 * `provideOfflineSync(config, withX(...))`. Later parts (WebSocket, encryption, …) are features.
 *
 * @example
 * function withSyncClock(clock: () => number): OfflineSyncFeature<'clock'> {
 *   return { kind: 'clock', providers: [{ provide: SYNC_CLOCK, useValue: clock }] };
 * }
 */
export interface OfflineSyncFeature<Kind extends string = string> {
  readonly kind: Kind;
  readonly providers: readonly (Provider | EnvironmentProviders)[];
}
