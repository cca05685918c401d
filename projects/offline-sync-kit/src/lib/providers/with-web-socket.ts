import { trimBaseUrl } from '../transport/rest-urls';
import { EnvironmentInjector, inject, Provider, runInInjectionContext } from '@angular/core';
import { OfflineSyncError } from '../model/sync-error';
import { WebSocketOptions } from '../model/web-socket-options';
import { RealtimeChanges } from '../effects/realtime-changes';
import { RealtimeSync } from '../effects/realtime-sync';
import { SyncTransport } from '../transport/sync-transport';
import { WebSocketConnection } from '../transport/web-socket-connection';
import { WebSocketPushTransport } from '../transport/web-socket-push-transport';
import { OfflineSyncFeature } from './offline-sync-feature';
import { resolveWebSocketOptions } from './resolve-web-socket-options';
import { SyncOptionsRef } from './sync-options-ref';
import { SYNC_RANDOM, SYNC_SCHEDULER } from './tokens';
import { WEB_SOCKET_CTOR, WEB_SOCKET_OPTIONS } from './web-socket-tokens';

/**
 * Real-time sync over a WebSocket (protocol in docs/protocol.md): changes made on other devices
 * arrive within moments, a reconnect re-authenticates, re-subscribes and pulls what was missed.
 * Same as `provideOfflineSync({ webSocket: options })`. Throws a `config` error for a bad option.
 *
 * @example
 * provideOfflineSync(
 *   { entities: [TodoSync], sync: { serverUrl: 'https://api.example.com' } },
 *   withWebSocket({ token: () => inject(Auth).token(), pingInterval: 20_000 })
 * );
 */
export function withWebSocket(options: WebSocketOptions = {}): OfflineSyncFeature<'webSocket'> {
  const resolved = resolveWebSocketOptions(options);
  const providers: Provider[] = [
    { provide: WEB_SOCKET_OPTIONS, useValue: resolved },
    {
      provide: WebSocketConnection,
      useFactory: () => {
        const syncOptions = inject(SyncOptionsRef);
        const WebSocketCtor = inject(WEB_SOCKET_CTOR);
        const injector = inject(EnvironmentInjector);
        const { token } = resolved;
        return new WebSocketConnection({
          config: () => ({
            ...resolved,
            url: resolved.serverUrl ?? webSocketUrl(syncOptions.current().serverUrl),
            // In an injection context, so a provider may `inject()` the app's auth service.
            token: token && (() => runInInjectionContext(injector, token)),
          }),
          scheduler: inject(SYNC_SCHEDULER),
          random: inject(SYNC_RANDOM),
          ...(WebSocketCtor ? { WebSocketCtor } : {}),
        });
      },
    },
    RealtimeChanges,
    RealtimeSync,
  ];
  if (resolved.pushOverWebSocket) {
    providers.push(WebSocketPushTransport, {
      provide: SyncTransport,
      useExisting: WebSocketPushTransport,
    });
  }
  return { kind: 'webSocket', providers };
}

/**
 * The WebSocket URL of a sync server: `http(s)` becomes `ws(s)` and `/ws` is appended; a relative
 * URL is taken relative to the page. Throws a `config` error without a server URL.
 *
 * @example
 * webSocketUrl('https://api.example.com/v1'); // 'wss://api.example.com/v1/ws'
 */
export function webSocketUrl(serverUrl: string | null): string {
  if (!serverUrl) {
    throw new OfflineSyncError(
      'config',
      'The WebSocket has no URL: set `sync.serverUrl` (it becomes ws(s)://…/ws) or ' +
        '`serverUrl` in withWebSocket().'
    );
  }
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const url = new URL(serverUrl, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${trimBaseUrl(url.pathname)}/ws`;
  return url.toString();
}
