import { Observable } from 'rxjs';

/**
 * Whether the sync server can be reached. Pushes and pulls pause while it cannot. The default
 * (`BrowserNetworkStatus`) listens to the browser's `online`/`offline` events and confirms with a
 * `GET /health` probe, because `navigator.onLine` only knows about the network card. Provide your
 * own class to use another signal.
 *
 * @example
 * class AlwaysOnline extends NetworkStatus {
 *   readonly online$ = of(true);
 *   check() { return Promise.resolve(true); }
 * }
 * providers: [{ provide: NetworkStatus, useClass: AlwaysOnline }]
 */
export abstract class NetworkStatus {
  /** The current reachability, then every change. */
  abstract readonly online$: Observable<boolean>;
  /** Checks now (e.g. after a request failed for want of a network) and reports the result. */
  abstract check(): Promise<boolean>;
}
