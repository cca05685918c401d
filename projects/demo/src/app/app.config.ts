import { ApplicationConfig, isDevMode, provideBrowserGlobalErrorListeners } from '@angular/core';
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
    provideOfflineSync({
      databaseName: 'offline-sync-demo',
      entities: [TodoSync],
      requestPersistentStorage: true,
    }),
  ],
};
