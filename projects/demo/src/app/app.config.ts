import { ApplicationConfig, isDevMode, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideHttpClient, withFetch } from '@angular/common/http';
import { provideRouter } from '@angular/router';
import { provideStore } from '@ngrx/store';
import { provideStoreDevtools } from '@ngrx/store-devtools';
import { provideOfflineSync } from 'offline-sync-kit';
import { routes } from './app.routes';
import { TodoSync } from './entities';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes),
    provideStore(),
    provideStoreDevtools({ maxAge: 50, logOnly: !isDevMode() }),
    provideHttpClient(withFetch()),
    provideOfflineSync({
      databaseName: 'offline-sync-demo',
      entities: [TodoSync],
      requestPersistentStorage: true,
      // The reference server that `npm start` runs next to the demo.
      sync: { serverUrl: 'http://127.0.0.1:8787', syncInterval: 30_000 },
    }),
  ],
};
