import { inject, Injector } from '@angular/core';
import { SyncTransport } from '../transport/sync-transport';

/**
 * The app's `SyncTransport`, looked up on first use rather than at injection: an app without a
 * `serverUrl` never needs `HttpClient`, which the default transport injects. Call it in an
 * injection context (a field initializer).
 *
 * @example
 * private readonly transport = lazyTransport();
 * await this.transport().push(context, entries);
 */
export function lazyTransport(): () => SyncTransport {
  const injector = inject(Injector);
  return () => injector.get(SyncTransport);
}
