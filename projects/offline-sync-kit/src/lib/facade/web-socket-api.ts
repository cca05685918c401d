import { inject, Injectable, Signal } from '@angular/core';
import { Actions } from '@ngrx/effects';
import { Store } from '@ngrx/store';
import { EMPTY, merge, Observable } from 'rxjs';
import { RealtimeSync, WebSocketMessageHandler } from '../effects/realtime-sync';
import { OfflineSyncError } from '../model/sync-error';
import { SyncEvent } from '../model/sync-event';
import { WebSocketChannelParams, WebSocketState } from '../model/web-socket-options';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { WebSocketMessage } from '../transport/web-socket-messages';
import { syncEventsFrom } from './sync-events';
import { OfflineSyncEncryptionApi } from './encryption-api';

/**
 * The real-time part of `OfflineSyncService` (its base class; encryption is the next one down): the WebSocket's state, channels,
 * messages and the stream of sync events. Everything but the state and the events needs
 * `withWebSocket()` and throws a `config` error without it.
 *
 * @example
 * const sync = inject(OfflineSyncService);
 * await sync.connectWebSocket();
 * await sync.subscribeToChannel('todos', { ownerId: me });
 */
@Injectable()
export abstract class OfflineSyncWebSocketApi extends OfflineSyncEncryptionApi {
  private readonly realtimeSync = inject(RealtimeSync, { optional: true });
  private readonly wsStore = inject(Store);

  /** The WebSocket's state: `connecting`, `connected`, `reconnecting` or `disconnected`. */
  readonly webSocketState: Signal<WebSocketState> = this.wsStore.selectSignal(
    offlineSyncFeature.selectWebSocket
  );
  /** True while the WebSocket is open and authenticated. */
  readonly isWebSocketConnected: Signal<boolean> = this.wsStore.selectSignal(
    offlineSyncFeature.selectIsWebSocketConnected
  );
  /** The same, as an observable. */
  readonly isWebSocketConnected$: Observable<boolean> = this.wsStore.select(
    offlineSyncFeature.selectIsWebSocketConnected
  );
  /**
   * Every sync event: durable local changes, changes that came over the WebSocket
   * (`source: 'server'`), finished syncs, conflicts, hydration and storage errors.
   */
  readonly syncEvents$: Observable<SyncEvent> = merge(
    syncEventsFrom(inject(Actions)),
    this.realtimeSync?.serverEvents$ ?? EMPTY
  );

  /**
   * Opens the WebSocket (again after `closeWebSocket()`, an auth failure or giving up; the token
   * provider is asked anew). Resolves once connected; rejects with an {@link OfflineSyncError}
   * when it ends up disconnected instead (`auth`: credentials refused, `config`: no URL).
   *
   * @example
   * await sync.connectWebSocket();
   */
  connectWebSocket(): Promise<void> {
    return this.realtime('connectWebSocket').connect();
  }

  /**
   * Closes the WebSocket; it stays closed (no reconnect) until `connectWebSocket()`.
   *
   * @example
   * onLogout() { sync.closeWebSocket(); }
   */
  closeWebSocket(): void {
    this.realtime('closeWebSocket').close();
  }

  /**
   * Subscribes to a channel (a server collection, optionally filtered by field values) now and
   * after every reconnect. Resolves when the server confirms (at once while not connected);
   * rejects with a `rejected` error when it refuses (a collection the user may not read).
   *
   * @example
   * await sync.subscribeToChannel('todos', { assignee: 'me' });
   */
  subscribeToChannel(channel: string, params?: WebSocketChannelParams): Promise<void> {
    return this.realtime('subscribeToChannel').subscribeToChannel(channel, params);
  }

  /**
   * Stops a channel's events, now and after reconnects.
   *
   * @example
   * sync.unsubscribeFromChannel('todos');
   */
  unsubscribeFromChannel(channel: string): void {
    this.realtime('unsubscribeFromChannel').unsubscribeFromChannel(channel);
  }

  /**
   * Sends an app message (`{type, ...}`); a kit event type in its `event` field is sent under the
   * server's name (see `SyncEventMapper`). Throws a `network` error while not connected.
   *
   * @example
   * sync.sendWebSocketMessage({ type: 'typing', todoId: 't1' });
   */
  sendWebSocketMessage(message: WebSocketMessage): void {
    this.realtime('sendWebSocketMessage').send(message);
  }

  /**
   * Authenticates with `payload` (sent as `{type: 'auth', ...payload}`) now, and at every
   * reconnect instead of the token provider, until `closeWebSocket()`. Resolves on the server's
   * `auth_ok`; rejects with an `auth` error when refused. Not connected: kept for the next connect.
   *
   * @example
   * await sync.authenticate({ token: freshToken });
   */
  authenticate(payload: Readonly<Record<string, unknown>>): Promise<void> {
    return this.realtime('authenticate').authenticate(payload);
  }

  /**
   * Calls `handler` for every WebSocket message of `type` (app messages, or the kit's own after it
   * handled them). Returns the function that removes it.
   *
   * @example
   * const stop = sync.registerMessageHandler('chat', (m) => messages.push(m));
   */
  registerMessageHandler(type: string, handler: WebSocketMessageHandler): () => void {
    return this.realtime('registerMessageHandler').registerMessageHandler(type, handler);
  }

  private realtime(method: string): RealtimeSync {
    if (!this.realtimeSync) {
      throw new OfflineSyncError(
        'config',
        `${method}() needs the WebSocket: add withWebSocket({...}) to provideOfflineSync() ` +
          '(or `webSocket` to its config).'
      );
    }
    return this.realtimeSync;
  }
}
