import { Injectable, inject } from '@angular/core';
import { PushOutcome } from '../model/push-outcome';
import { OfflineSyncError } from '../model/sync-error';
import {
  batchAnswerOutcomes,
  batchMutation,
  recordOf,
  wholeBatch,
  wholeBatchOutcomes,
} from './batch-push';
import { classifyAnswer } from './classify-http-error';
import { RestSyncTransport } from './rest-sync-transport';
import { WebSocketMessage } from './web-socket-messages';
import { WebSocketConnection } from './web-socket-connection';
import type { PushEntry, TransportContext } from './sync-transport';

let requests = 0;

/**
 * The transport of `withWebSocket({ pushOverWebSocket: true })`: while the WebSocket is connected,
 * a push goes as one `batch` message (the items of `POST /sync/batch`, each with its mutation id
 * as idempotency key) and its `batch_result` answers one outcome per entry, exactly as over HTTP.
 * When the socket is not connected, for a batch too large for one frame, and for everything but
 * pushes, it is the REST transport. A socket that closes (or stays silent for the request timeout)
 * before the answer makes every entry `retry`: the server may have applied them, and their ids
 * make sending again safe.
 *
 * @example
 * provideOfflineSync({ sync: { serverUrl } }, withWebSocket({ pushOverWebSocket: true }));
 */
@Injectable()
export class WebSocketPushTransport extends RestSyncTransport {
  private readonly connection = inject(WebSocketConnection);

  /** See {@link SyncTransport.push}. */
  override async push(
    context: TransportContext,
    entries: readonly PushEntry[]
  ): Promise<PushOutcome[]> {
    if (entries.length === 0) return [];
    if (this.connection.state !== 'connected') return super.push(context, entries);
    const first = entries[0]?.mutation.mutationId ?? '';
    const requestId = `${++requests}:${first}`;
    const described = `the WebSocket batch ${requestId} of ${entries.length} change(s)`;
    const message = {
      type: 'batch',
      requestId,
      mutations: entries.map((entry) => batchMutation(context, entry)),
    };
    let answer: WebSocketMessage;
    try {
      answer = await this.connection.request(
        message,
        'batch_result',
        context.timeoutMs > 0 ? context.timeoutMs : Infinity
      );
    } catch (error) {
      // Refused before sending: too large for one frame (the server would close the socket).
      if (error instanceof OfflineSyncError && error.kind === 'rejected') {
        return super.push(context, entries);
      }
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
      // The batch itself failed (a malformed envelope: refused; a server fault: sent again),
      // sorted by its status as the same answer over HTTP would be.
      const status = typeof answer['status'] === 'number' ? answer['status'] : 400;
      const about = wholeBatch(entries, described, context.timeoutMs);
      return wholeBatchOutcomes(classifyAnswer(status, answer, about), entries);
    }
    return batchAnswerOutcomes({ ok: true, value: answer }, entries, described, context.timeoutMs);
  }
}
