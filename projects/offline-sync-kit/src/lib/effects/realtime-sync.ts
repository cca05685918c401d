import { DestroyRef, inject, Injectable } from '@angular/core';
import { Actions, ofType } from '@ngrx/effects';
import { Store } from '@ngrx/store';
import { filter, firstValueFrom, map, skip, Subscription, take } from 'rxjs';
import { OfflineSyncError, SyncErrorInfo, toSyncErrorInfo } from '../model/sync-error';
import { SyncEventType } from '../model/sync-event';
import { WebSocketChannelParams } from '../model/web-socket-options';
import { validParams } from '../providers/resolve-web-socket-options';
import { WEB_SOCKET_OPTIONS } from '../providers/web-socket-tokens';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { OfflineSyncStorageActions } from '../state/offline-sync-storage.actions';
import { OfflineSyncWebSocketActions as W } from '../state/offline-sync-web-socket.actions';
import { NetworkStatus } from '../transport/network-status';
import { endpointName } from '../transport/rest-urls';
import { WebSocketConnection, WebSocketStatus } from '../transport/web-socket-connection';
import {
  readChangeMessage,
  serverErrorText,
  WebSocketMessage,
} from '../transport/web-socket-messages';
import { RealtimeChanges } from './realtime-changes';
import { KIT_MESSAGES, unhandledMessage, unusableChange } from './realtime-problems';
import { SyncEngine } from './sync-engine';
import { SyncEntityRegistry } from './sync-entity-registry';

/**
 * Handles app messages of one type (see `OfflineSyncService.registerMessageHandler`).
 *
 * @example
 * const onChat: WebSocketMessageHandler = (message) => chat.add(message['text'] as string);
 */
export type WebSocketMessageHandler = (message: WebSocketMessage) => void;

/**
 * Real-time sync: keeps the {@link WebSocketConnection} open while the app wants it (from
 * hydration on, with `autoConnect`), follows the network, reports its state as actions, applies
 * change events (`RealtimeChanges`), pulls after every (re)connect what was missed meanwhile, and
 * passes other messages to the app's handlers. Started by the kit's bootstrap when
 * `withWebSocket()` is configured.
 *
 * @example
 * inject(RealtimeSync).registerMessageHandler('chat', (m) => console.log(m));
 */
@Injectable()
export class RealtimeSync {
  private readonly options = inject(WEB_SOCKET_OPTIONS);
  private readonly connection = inject(WebSocketConnection);
  private readonly store = inject(Store);
  private readonly actions$ = inject(Actions);
  private readonly network = inject(NetworkStatus);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly engine = inject(SyncEngine);
  private readonly changes = inject(RealtimeChanges);
  private readonly destroyRef = inject(DestroyRef);
  private readonly handlers = new Map<string, Set<WebSocketMessageHandler>>();
  private started = false;

  /** Changes that arrived over the WebSocket, once stored. */
  readonly serverEvents$ = this.changes.events$;

  /** Wires the connection to the store, the network and the engine; idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const wiring = new Subscription();
    wiring.add(this.connection.status$.pipe(skip(1)).subscribe((s) => this.report(s)));
    wiring.add(this.connection.problems$.subscribe((error) => this.problem(error.toInfo())));
    wiring.add(this.connection.messages$.subscribe((message) => this.handle(message)));
    // What happened while the socket was down comes with the change feed.
    wiring.add(this.connection.ready$.subscribe(() => void this.engine.sync()));
    wiring.add(this.network.online$.subscribe((online) => this.connection.setOnline(online)));
    wiring.add(this.subscribeChannels());
    if (this.options.autoConnect) {
      wiring.add(
        this.store
          .select(offlineSyncFeature.selectHydrationSettled)
          .pipe(filter(Boolean), take(1))
          .subscribe(() => this.connect().catch(() => undefined))
      );
    }
    this.destroyRef.onDestroy(() => {
      wiring.unsubscribe();
      this.connection.close();
    });
  }

  /**
   * Opens the connection; resolves once it is connected, rejects with the reason when it ends up
   * `disconnected` instead (refused credentials, no URL, out of attempts).
   */
  connect(): Promise<void> {
    try {
      this.connection.connect();
    } catch (error) {
      // A missing or malformed URL: say so in state as well.
      const info = toSyncErrorInfo(error, 'config', 'Opening the WebSocket failed');
      this.store.dispatch(W.disconnected({ error: info }));
      return Promise.reject(error);
    }
    // Watched after connect(): until then the status is the old one (disconnected, say).
    return firstValueFrom(
      this.connection.status$.pipe(
        filter(({ state }) => state === 'connected' || state === 'disconnected'),
        map(({ state, error }) => {
          if (state === 'disconnected') {
            throw error ?? new OfflineSyncError('network', 'The WebSocket was closed meanwhile');
          }
        })
      )
    );
  }

  /** Closes the connection; it stays closed until `connect()`. */
  close(): void {
    this.connection.close();
  }

  /** See `OfflineSyncService.subscribeToChannel`. */
  subscribeToChannel(channel: string, params?: WebSocketChannelParams): Promise<void> {
    if (typeof channel !== 'string' || channel === '') {
      throw new OfflineSyncError('config', 'subscribeToChannel(): the channel must be a name.');
    }
    if (params !== undefined && !validParams(params)) {
      throw new OfflineSyncError(
        'config',
        `subscribeToChannel("${channel}"): params must be an object of strings, numbers, ` +
          'booleans or null.'
      );
    }
    return this.connection.subscribe(channel, params);
  }

  /** See `OfflineSyncService.unsubscribeFromChannel`. */
  unsubscribeFromChannel(channel: string): void {
    this.connection.unsubscribe(channel);
  }

  /** Sends an app message; a kit event type in its `event` field goes out under the server's name. */
  send(message: WebSocketMessage): void {
    if (typeof message?.type !== 'string' || message.type === '') {
      throw new OfflineSyncError(
        'config',
        'sendWebSocketMessage(): a message is an object with a string `type`.'
      );
    }
    const event = message['event'];
    const mapped =
      typeof event === 'string' && this.isSyncEventType(event)
        ? { ...message, event: this.options.eventMapper.toEventName(event) }
        : message;
    this.connection.send(mapped);
  }

  /** See `OfflineSyncService.authenticate`. */
  authenticate(payload: Readonly<Record<string, unknown>>): Promise<void> {
    return this.connection.authenticate(payload);
  }

  /** See `OfflineSyncService.registerMessageHandler`. */
  registerMessageHandler(type: string, handler: WebSocketMessageHandler): () => void {
    const set = this.handlers.get(type) ?? new Set<WebSocketMessageHandler>();
    set.add(handler);
    this.handlers.set(type, set);
    return () => void set.delete(handler);
  }

  private handle(message: WebSocketMessage): void {
    const handlers = this.handlers.get(message.type);
    if (!KIT_MESSAGES.has(message.type) && !handlers?.size) {
      this.problem(unhandledMessage(message.type));
    }
    if (message.type === 'change') this.receiveChange(message);
    else if (message.type === 'subscribed' && typeof message['channel'] === 'string') {
      const params = (message['params'] ?? {}) as WebSocketChannelParams;
      this.store.dispatch(W.channelSubscribed({ channel: message['channel'], params }));
    } else if (message.type === 'unsubscribed' && typeof message['channel'] === 'string') {
      this.store.dispatch(W.channelUnsubscribed({ channel: message['channel'] }));
    } else if (message.type === 'error') {
      this.problem({
        kind: 'rejected',
        message: `The WebSocket server refused a message: ${serverErrorText(message)}`,
      });
    }
    for (const handler of handlers ?? []) {
      try {
        handler(message);
      } catch (error) {
        this.problem(
          toSyncErrorInfo(error, 'config', `The "${message.type}" message handler failed`)
        );
      }
    }
  }

  private receiveChange(message: WebSocketMessage): void {
    const change = readChangeMessage(message);
    if (typeof change === 'string') {
      // Named as far as the event can be read, so the report shows whose change it was.
      const modelType =
        this.changes.modelTypeOf(message['modelType']) ??
        this.changes.modelTypeOf(message['channel']);
      this.problem(unusableChange(change, modelType, message['id']));
      // The change itself is not lost: the feed has it.
      void this.engine.sync();
      return;
    }
    try {
      void this.changes.receive(change, this.options.eventMapper);
    } catch (error) {
      this.problem(
        toSyncErrorInfo(error, 'invalid-response', 'A WebSocket change event was ignored')
      );
      void this.engine.sync();
    }
  }

  /** The configured channels, or every registered type's collection (also ones added later). */
  private subscribeChannels(): Subscription {
    const subscribe = (channel: string, params?: WebSocketChannelParams) =>
      void this.connection.subscribe(channel, params).catch(() => undefined);
    const configured = this.options.channels;
    if (configured) {
      for (const { channel, params } of configured) subscribe(channel, params);
      return Subscription.EMPTY;
    }
    for (const def of this.registry.all()) subscribe(endpointName(def.endpoint));
    return this.actions$
      .pipe(ofType(OfflineSyncStorageActions.entityTypesRegistered))
      .subscribe(({ modelTypes }) => {
        for (const type of modelTypes) subscribe(endpointName(this.registry.get(type).endpoint));
      });
  }

  private report({ state, attempt, error, retryInMs }: WebSocketStatus): void {
    const info = error?.toInfo() ?? null;
    switch (state) {
      case 'connecting':
        return this.store.dispatch(W.connecting());
      case 'connected':
        return this.store.dispatch(W.connected());
      case 'reconnecting':
        return this.store.dispatch(W.reconnecting({ attempt, retryInMs, error: info }));
      case 'disconnected':
        return this.store.dispatch(W.disconnected({ error: info }));
    }
  }

  private problem(error: SyncErrorInfo): void {
    this.store.dispatch(W.messageProblem({ error }));
  }

  private isSyncEventType(name: string): name is SyncEventType {
    return this.options.eventMapper.toSyncEventType(name) === name;
  }
}
