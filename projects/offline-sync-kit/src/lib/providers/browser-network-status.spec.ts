import { provideHttpClient } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { provideStore } from '@ngrx/store';
import { firstValueFrom, skip } from 'rxjs';
import { NetworkStatus } from '../transport/network-status';
import { uniqueDatabase } from '../../testing-support/test-database';
import { clearFaults, setFaults, syncServer } from '../../testing-support/sync-server-under-test';
import { provideOfflineSync } from './provide-offline-sync';

describe('BrowserNetworkStatus (the default NetworkStatus)', () => {
  let db: ReturnType<typeof uniqueDatabase>;

  function networkFor(serverUrl: string | null): NetworkStatus {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideStore(),
        provideOfflineSync({
          databaseName: db.name,
          sync: { serverUrl, syncInterval: 0, requestTimeout: 5000 },
        }),
      ],
    });
    return TestBed.inject(NetworkStatus);
  }

  beforeEach(async () => {
    db = uniqueDatabase('network');
    await clearFaults();
  });

  afterEach(async () => {
    TestBed.resetTestingModule();
    await clearFaults();
    await db.cleanup();
  });

  it('is online when the server answers its health probe', async () => {
    const network = networkFor(syncServer().url);
    expect(await network.check()).toBeTrue();
    expect(await firstValueFrom(network.online$)).toBeTrue();
  });

  it('counts any HTTP answer as reachable, even an error status', async () => {
    await setFaults([
      { match: { pathPrefix: '/health' }, times: 'always', failWith: { status: 500 } },
    ]);
    expect(await networkFor(syncServer().proxyUrl).check()).toBeTrue();
  });

  it('is offline when nothing answers, although navigator.onLine says online', async () => {
    expect(navigator.onLine).toBeTrue();
    const network = networkFor(`${syncServer().proxyUrl}`);
    await setFaults([{ match: { pathPrefix: '/health' }, times: 'always', resetConnection: true }]);
    expect(await network.check()).toBeFalse();
    expect(await firstValueFrom(network.online$)).toBeFalse();
  });

  it("follows the browser's offline event at once and re-probes on the online event", async () => {
    const network = networkFor(syncServer().url);
    await network.check();
    const wentOffline = firstValueFrom(network.online$.pipe(skip(1)));
    window.dispatchEvent(new Event('offline'));
    expect(await wentOffline).toBeFalse();
    const cameBack = firstValueFrom(network.online$.pipe(skip(1)));
    window.dispatchEvent(new Event('online'));
    expect(await cameBack).toBeTrue();
  });

  it('trusts the browser alone without a server URL', async () => {
    expect(await networkFor(null).check()).toBe(navigator.onLine);
  });
});
