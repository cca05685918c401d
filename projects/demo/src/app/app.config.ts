import { ApplicationConfig, isDevMode, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideHttpClient, withFetch } from '@angular/common/http';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { provideServiceWorker } from '@angular/service-worker';
import { provideStore } from '@ngrx/store';
import { provideStoreDevtools } from '@ngrx/store-devtools';
import { provideOfflineSync, withWebSocket } from 'offline-sync-kit';
import { routes } from './app.routes';
import { savedStrategy } from './demo-settings';
import { TodoSync } from './entities';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes, withComponentInputBinding()),
    provideStore(),
    provideStoreDevtools({ maxAge: 50, logOnly: !isDevMode() }),
    provideHttpClient(withFetch()),
    // The standalone front door; the projects route uses the NgModule one (forFeature).
    provideOfflineSync(
      {
        databaseName: 'offline-sync-demo',
        entities: [TodoSync],
        requestPersistentStorage: true,
        // The demo server forwards /api to the reference sync server (same origin, no CORS).
        sync: { serverUrl: '/api', syncInterval: 30_000, conflicts: { strategy: savedStrategy() } },
      },
      // Changes from other devices arrive over /api/ws within moments.
      withWebSocket()
    ),
    // The app shell is cached, so the demo starts without a network after the first visit.
    provideServiceWorker('ngsw-worker.js', {
      enabled: !isDevMode(),
      registrationStrategy: 'registerImmediately',
    }),
  ],
};
