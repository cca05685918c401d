import { Injectable, inject } from '@angular/core';
import { PushOutcome } from '../model/push-outcome';
import { OfflineSyncError } from '../model/sync-error';
import { PullPage, ServerChange } from '../model/server-change';
import { batchAnswerOutcomes, batchMutation, recordOf } from './batch-push';
import { RestSyncTransport } from './rest-sync-transport';
import { serverErrorText } from './web-socket-messages';
import { WebSocketConnection } from './web-socket-connection';
import type {
  FetchQuery,
  PushEntry,
  SyncTransport,
  TransportContext,
  TransportEntity,
} from './sync-transport';

let requests = 0;
/** Batches longer than this (in characters, a safe bound for 1 MiB of UTF-8 frames) use HTTP. */
const MAX_FRAME_CHARS = 256 * 1024;

/**
 * The transport of `withWebSocket({ pushOverWebSocket: true })`: while the WebSocket is connected,
 * a push goes as one `batch` message (the items of `POST /sync/batch`, each with its mutation id
 * as idempotency key) and its `batch_result` answers one outcome per entry, exactly as over HTTP.
 * When the socket is not connected, and for everything but pushes, the REST transport is used.
 * A socket that closes (or stays silent for the request timeout) before the answer makes every
 * entry `retry`: the server may have applied them, and their ids make sending again safe.
 *
 * @example
 * provideOfflineSync({ sync: { serverUrl } }, withWebSocket({ pushOverWebSocket: true }));
 */
@Injectable()
export class WebSocketPushTransport implements SyncTransport {
  private readonly rest = inject(RestSyncTransport);
  private readonly connection = inject(WebSocketConnection);

  /** See {@link SyncTransport.push}. */
  async push(context: TransportContext, entries: readonly PushEntry[]): Promise<PushOutcome[]> {
    if (entries.length === 0) return [];
    if (this.connection.state !== 'connected') return this.rest.push(context, entries);
    const first = entries[0]?.mutation.mutationId ?? '';
    const requestId = `${++requests}:${first}`;
    const described = `the WebSocket batch ${requestId} of ${entries.length} change(s)`;
    const message = {
      type: 'batch',
      requestId,
      mutations: entries.map((entry) => batchMutation(context, entry)),
    };
    // Servers close on frames over their limit (1 MiB on the reference server); a batch that
    // large goes over HTTP instead of closing the socket again at every retry.
    if (JSON.stringify(message).length > MAX_FRAME_CHARS) return this.rest.push(context, entries);
    let answer;
    try {
      answer = await this.connection.request(
        message,
        'batch_result',
        context.timeoutMs > 0 ? context.timeoutMs : Infinity
      );
    } catch (error) {
      return entries.map((entry) => ({
        mutationId: entry.mutation.mutationId,
        status: 'retry',
        error: new OfflineSyncError(
          error instanceof OfflineSyncError ? error.kind : 'network',
          `Pushing ${described} got no answer: ${(error as Error).message}. It is sent again.`,
          { ...recordOf(entry), cause: error }
        ),
      }));
    }
    if (answer['error'] !== undefined) {
      // The batch itself was refused (a malformed envelope): no record was touched.
      return entries.map((entry) => ({
        mutationId: entry.mutation.mutationId,
        status: 'rejected',
        error: new OfflineSyncError(
          'rejected',
          `The server refused ${described}: ${serverErrorText(answer)}`,
          recordOf(entry)
        ),
      }));
    }
    return batchAnswerOutcomes({ ok: true, value: answer }, entries, described, context.timeoutMs);
  }

  /** See {@link SyncTransport.pull}. */
  pull(
    context: TransportContext,
    entity: TransportEntity,
    cursor: string | null,
    limit: number
  ): Promise<PullPage> {
    return this.rest.pull(context, entity, cursor, limit);
  }

  /** See {@link SyncTransport.fetchItems}. */
  fetchItems(
    context: TransportContext,
    entity: TransportEntity,
    query: FetchQuery
  ): Promise<ServerChange[]> {
    return this.rest.fetchItems(context, entity, query);
  }

  /** See {@link SyncTransport.fetchOne}. */
  fetchOne(
    context: TransportContext,
    entity: TransportEntity,
    id: string
  ): Promise<ServerChange | null> {
    return this.rest.fetchOne(context, entity, id);
  }
}
