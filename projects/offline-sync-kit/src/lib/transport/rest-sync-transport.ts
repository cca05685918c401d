import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { PushOutcome } from '../model/push-outcome';
import { PullPage, ServerChange } from '../model/server-change';
import { pushBatch } from './batch-push';
import { fetchItems, fetchOne } from './rest-fetch';
import { pullPage } from './rest-pull';
import { pushOneByOne } from './rest-push';
import type {
  FetchQuery,
  PushEntry,
  SyncTransport,
  TransportContext,
  TransportEntity,
} from './sync-transport';

/**
 * The default {@link SyncTransport}: the REST contract of docs/protocol.md over Angular's
 * `HttpClient`, adapted per entity by its `RestMapping` (URLs, list envelope, paging, version
 * source, update method). Requests go through the app's interceptors, so an auth interceptor
 * that adds a bearer token is all the kit needs to authenticate.
 *
 * - `push`: one `POST /sync/batch` when `useBatchEndpoint`, else one request per entry in order,
 *   stopping at the first `retry` or `auth` outcome (the rest come back as `retry`);
 * - `pull`: one page of the change feed; `fetchItems`/`fetchOne`: reads that store nothing.
 *
 * @example
 * providers: [provideHttpClient(withInterceptors([authInterceptor])), provideOfflineSync({ ... })]
 * // SyncTransport resolves to RestSyncTransport unless the app provides its own.
 */
// `implements`, not `extends`: SyncTransport names this class as its default provider, and a
// runtime import in both directions would leave one of the classes undefined at load time.
@Injectable({ providedIn: 'root' })
export class RestSyncTransport implements SyncTransport {
  private readonly http = inject(HttpClient);

  /** See {@link SyncTransport.push}. */
  push(context: TransportContext, entries: readonly PushEntry[]): Promise<PushOutcome[]> {
    return context.useBatchEndpoint
      ? pushBatch(this.http, context, entries)
      : pushOneByOne(this.http, context, entries);
  }

  /** See {@link SyncTransport.pull}. */
  pull(
    context: TransportContext,
    entity: TransportEntity,
    cursor: string | null,
    limit: number
  ): Promise<PullPage> {
    return pullPage(this.http, context, entity, cursor, limit);
  }

  /** See {@link SyncTransport.fetchItems}. */
  fetchItems(
    context: TransportContext,
    entity: TransportEntity,
    query: FetchQuery
  ): Promise<ServerChange[]> {
    return fetchItems(this.http, context, entity, query);
  }

  /** See {@link SyncTransport.fetchOne}. */
  fetchOne(
    context: TransportContext,
    entity: TransportEntity,
    id: string
  ): Promise<ServerChange | null> {
    return fetchOne(this.http, context, entity, id);
  }
}
