import { trimBaseUrl } from '../transport/rest-urls';
import { HttpClient } from '@angular/common/http';
import { DestroyRef, inject, Injectable } from '@angular/core';
import { BehaviorSubject, distinctUntilChanged, firstValueFrom, Observable, timeout } from 'rxjs';
import { NetworkStatus } from '../transport/network-status';
import { SyncOptionsRef } from './sync-options-ref';

/**
 * The default {@link NetworkStatus}: the browser's `online`/`offline` events, each `online`
 * confirmed by a `GET {serverUrl}/health` probe (any HTTP answer means reachable; no answer
 * within the timeout means not). Without a `serverUrl` it follows the browser events only.
 *
 * @example
 * providers: [{ provide: NetworkStatus, useClass: BrowserNetworkStatus }] // the default
 */
@Injectable()
export class BrowserNetworkStatus extends NetworkStatus {
  // Optional: without a serverUrl nothing is probed, so an app need not provide HttpClient.
  private readonly http = inject(HttpClient, { optional: true });
  private readonly options = inject(SyncOptionsRef);
  private readonly state = new BehaviorSubject<boolean>(browserSaysOnline());

  readonly online$: Observable<boolean> = this.state.pipe(distinctUntilChanged());

  constructor() {
    super();
    // No window under server-side rendering: then only the probe decides.
    const window = typeof globalThis.addEventListener === 'function' ? globalThis : null;
    const onOnline = () => void this.check();
    const onOffline = () => this.state.next(false);
    window?.addEventListener('online', onOnline);
    window?.addEventListener('offline', onOffline);
    inject(DestroyRef).onDestroy(() => {
      window?.removeEventListener('online', onOnline);
      window?.removeEventListener('offline', onOffline);
    });
    void this.check();
  }

  async check(): Promise<boolean> {
    const online = await this.probe();
    this.state.next(online);
    return online;
  }

  private async probe(): Promise<boolean> {
    if (!browserSaysOnline()) return false;
    const { serverUrl, requestTimeout } = this.options.current();
    if (!serverUrl || !this.http) return true;
    try {
      await firstValueFrom(
        this.http
          .get(`${trimBaseUrl(serverUrl)}/health`, {
            observe: 'response',
            responseType: 'text',
          })
          .pipe(timeout(Math.min(requestTimeout, 10_000)))
      );
      return true;
    } catch (error) {
      // Any HTTP status means the server answered; status 0 or a timeout means it did not.
      return (
        typeof (error as { status?: unknown }).status === 'number' &&
        (error as { status: number }).status > 0
      );
    }
  }
}

function browserSaysOnline(): boolean {
  return (globalThis as { navigator?: Navigator }).navigator?.onLine ?? true;
}
