import { createActionGroup, emptyProps, props } from '@ngrx/store';
import { SyncErrorInfo } from '../model/sync-error';
import { WebSocketChannelParams } from '../model/web-socket-options';

/**
 * Events of the real-time connection (`withWebSocket()`): its state changes, which set
 * `selectWebSocketState`, and the channels the server confirmed or refused. Dispatched by the kit.
 *
 * @example
 * actions$.pipe(ofType(OfflineSyncWebSocketActions.disconnected), filter(({ error }) => error?.kind === 'auth'))
 *   .subscribe(() => router.navigate(['/login']));
 */
export const OfflineSyncWebSocketActions = createActionGroup({
  source: 'Offline Sync WebSocket',
  events: {
    Connecting: emptyProps(),
    Connected: emptyProps(),
    /** Dropped and will be opened again after `retryInMs` (`null`: when the network is back). */
    Reconnecting: props<{
      attempt: number;
      retryInMs: number | null;
      error: SyncErrorInfo | null;
    }>(),
    /** Closed; `error` says why when it was not closed on purpose (auth, giving up). */
    Disconnected: props<{ error: SyncErrorInfo | null }>(),
    'Channel Subscribed': props<{ channel: string; params: WebSocketChannelParams }>(),
    'Channel Unsubscribed': props<{ channel: string }>(),
    /** A server message could not be used (unreadable, refused subscription, bad change event). */
    'Message Problem': props<{ error: SyncErrorInfo }>(),
  },
});
