import { inject, Injectable } from '@angular/core';
import { Mutation } from '../model/mutation';
import { PushOutcome } from '../model/push-outcome';
import { RestMapping } from '../model/rest-mapping';
import { PullPage, ServerChange } from '../model/server-change';
import { RestSyncTransport } from './rest-sync-transport';

/**
 * What the transport needs for one call. The engine builds it from the resolved sync options, so
 * the transport holds no configuration of its own and a change of options applies at once.
 *
 * @example
 * const context: TransportContext = {
 *   serverUrl: 'https://api.example.com', timeoutMs: 30_000, useBatchEndpoint: true, useDeltaSync: true,
 * };
 */
export interface TransportContext {
  /** Base URL of the REST API; trailing slashes are ignored. */
  readonly serverUrl: string;
  /** Longest wait for one answer; 0 (or less) waits for ever. */
  readonly timeoutMs: number;
  /** Send a push as one `POST {serverUrl}/sync/batch` rather than one request per entry. */
  readonly useBatchEndpoint: boolean;
  /** Send updates as PATCH with the changed fields; otherwise PUT with the whole record. */
  readonly useDeltaSync: boolean;
  /** Told the `Date` header of every answer, so the kit can tell the server's time. */
  readonly serverDates?: ServerDateObserver;
}

/**
 * Learns the server's clock from the `Date` headers of its answers. A transport that can read
 * them times each request with `deviceNow()` and reports each answer's header to `observe`.
 *
 * @example
 * const sentAt = dates.deviceNow();
 * const response = await send();
 * dates.observe(response.headers.get('Date'), sentAt, dates.deviceNow());
 */
export interface ServerDateObserver {
  /** This device's clock, to time a request. */
  deviceNow(): number;
  /** One answer's `Date` header, with when its request left and when it arrived (device time). */
  observe(dateHeader: string, sentAt: number, receivedAt: number): void;
}

/**
 * An entity type as the transport sees it: where it lives on the server and how its API looks.
 *
 * @example
 * const todos: TransportEntity = { modelType: 'todo', endpoint: 'todos', rest: {} };
 */
export interface TransportEntity {
  readonly modelType: string;
  /** The collection, `todos` for `/todos`. */
  readonly endpoint: string;
  readonly rest: RestMapping;
  /** The field that carries the id in server records. Default `id`. */
  readonly idField?: string;
}

/**
 * One outbox entry to push, with the entity type it belongs to.
 *
 * @example
 * const entry: PushEntry = { entity: todos, mutation: outboxEntry };
 */
export interface PushEntry {
  readonly entity: TransportEntity;
  readonly mutation: Mutation;
}

/**
 * Paging of a read that stores nothing (`fetchItems`); each value goes out under the parameter
 * name of the entity's REST mapping (`limitParam`, `offsetParam`, `sinceParam`).
 *
 * @example
 * const secondPage: FetchQuery = { limit: 20, offset: 20 };
 */
export interface FetchQuery {
  readonly limit?: number;
  readonly offset?: number;
  readonly since?: string;
}

/**
 * How the kit talks to the server: push outbox entries, pull changes, read records. The default,
 * {@link RestSyncTransport}, speaks the REST contract of docs/protocol.md over Angular's
 * `HttpClient`, so the app's interceptors (auth headers, logging) apply. Provide your own class to
 * talk to something else (GraphQL, a native bridge).
 *
 * @example
 * @Injectable() class GraphQlTransport extends SyncTransport { ... }
 * providers: [{ provide: SyncTransport, useClass: GraphQlTransport }]
 */
// A factory, not `useExisting`: the decorator runs when this file loads, and `RestSyncTransport`
// (which implements rather than extends this class) may not be defined yet in every bundle order.
// The factory looks it up when the token is first injected, and keeps one instance per injector.
@Injectable({ providedIn: 'root', useFactory: () => inject(RestSyncTransport) })
export abstract class SyncTransport {
  /**
   * Sends outbox entries and answers one outcome per entry, in the same order. Never throws for a
   * problem with one entry; a failure of the whole request becomes `retry` or `auth` outcomes.
   */
  abstract push(context: TransportContext, entries: readonly PushEntry[]): Promise<PushOutcome[]>;

  /**
   * One page of changes after `cursor` (`null` = from the start). Throws an `OfflineSyncError` of
   * kind `network`, `timeout`, `server`, `auth`, `rejected` or `invalid-response`.
   */
  abstract pull(
    context: TransportContext,
    entity: TransportEntity,
    cursor: string | null,
    limit: number
  ): Promise<PullPage>;

  /** Reads records without storing them (paging UIs). Throws as `pull` does. */
  abstract fetchItems(
    context: TransportContext,
    entity: TransportEntity,
    query: FetchQuery
  ): Promise<ServerChange[]>;

  /** One record, or `null` when the server does not have it (404, 410). Throws as `pull` does. */
  abstract fetchOne(
    context: TransportContext,
    entity: TransportEntity,
    id: string
  ): Promise<ServerChange | null>;
}
