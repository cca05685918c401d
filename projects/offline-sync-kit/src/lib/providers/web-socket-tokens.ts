import { InjectionToken } from '@angular/core';
import { ResolvedWebSocketOptions } from './resolve-web-socket-options';

/**
 * The resolved options of `withWebSocket()`. Provided only when real-time sync is configured.
 *
 * @example
 * const { pingInterval } = inject(WEB_SOCKET_OPTIONS);
 */
export const WEB_SOCKET_OPTIONS = new InjectionToken<ResolvedWebSocketOptions>(
  'offline-sync-kit WebSocket options'
);

/**
 * The `WebSocket` class the kit opens connections with; the browser's by default. Unit specs give
 * a fake one.
 *
 * @example
 * { provide: WEB_SOCKET_CTOR, useValue: FakeWebSocket }
 */
export const WEB_SOCKET_CTOR = new InjectionToken<
  (new (url: string, protocols?: string | string[]) => WebSocket) | null
>('offline-sync-kit WebSocket class', {
  providedIn: 'root',
  factory: () => null,
});
