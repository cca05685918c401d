/**
 * Browser side of the browser-fault tests (scripts/reliability/browser-faults.mjs): one app with
 * the kit, built from the library's public API the way an app uses it, on `window.lab` for the
 * Node runner to drive through playwright-core. The runner reloads the page, crashes its renderer
 * or closes its tab between (and during) calls, and reads the database straight from IndexedDB.
 *
 * Bundled by esbuild with async/await left native (as a zoneless app ships it) and compiled JIT
 * (`@angular/compiler`), so no Angular build is needed for it.
 */
import '@angular/compiler';
import { provideHttpClient, withFetch } from '@angular/common/http';
import { ApplicationRef } from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { Actions, provideEffects } from '@ngrx/effects';
import { provideStore, Store } from '@ngrx/store';
import { BehaviorSubject, Observable } from 'rxjs';
import {
  defineSyncEntity,
  isOfflineSyncError,
  NetworkStatus,
  offlineSyncFeature,
  OfflineSyncService,
  provideOfflineSync,
  SyncEntityDefinition,
  SyncErrorInfo,
} from '../../../projects/offline-sync-kit/src/public-api';
import { readDatabase, RawDatabase } from './raw-database';

/** The record every lab test writes. */
export interface LabItem {
  id: string;
  title: string;
  n: number;
  /** Filler, so a test can make records as large as it needs. */
  body: string;
}

/** How the runner starts the app. */
export interface LabOptions {
  readonly databaseName: string;
  /** The reference sync server (CORS is open), or null: no sync. */
  readonly serverUrl: string | null;
  readonly collection: string;
  readonly online: boolean;
}

/** A write's outcome as the runner sees it: `ok`, or the error the kit rejected with. */
export type LabResult = { ok: true } | { ok: false; kind: string | null; message: string };

/** A network switch the runner flips: offline costs no probes or timeouts. */
class SwitchedNetwork extends NetworkStatus {
  readonly state = new BehaviorSubject(true);
  readonly online$: Observable<boolean> = this.state.asObservable();

  check(): Promise<boolean> {
    return Promise.resolve(this.state.value);
  }
}

interface RunningApp {
  readonly ref: ApplicationRef;
  readonly sync: OfflineSyncService;
  readonly store: Store;
  readonly items: SyncEntityDefinition<LabItem>;
  readonly network: SwitchedNetwork;
}

let app: RunningApp | null = null;
/** Errors of every failure action the kit dispatched, in order. */
const reported: SyncErrorInfo[] = [];

function running() {
  if (!app) throw new Error('lab: start() first');
  return app;
}

/** Runs a write and answers its outcome instead of rejecting (evaluate() keeps the error text). */
async function outcome(write: () => Promise<unknown>): Promise<LabResult> {
  try {
    await write();
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      kind: isOfflineSyncError(error) ? error.kind : null,
      message: String((error as Error)?.message ?? error),
    };
  }
}

const lab = {
  /** Starts the app on `databaseName` and resolves once its records are loaded. */
  async start({ databaseName, serverUrl, collection, online }: LabOptions): Promise<void> {
    const network = new SwitchedNetwork();
    network.state.next(online);
    const items = defineSyncEntity<LabItem>({ modelType: 'item', endpoint: collection });
    const ref = await createApplication({
      providers: [
        provideStore(),
        provideEffects(),
        provideHttpClient(withFetch()),
        provideOfflineSync({
          databaseName,
          entities: [items],
          sync: serverUrl
            ? { serverUrl, syncInterval: 0, pushDebounce: 0, batchSize: 10, useBatchEndpoint: true }
            : undefined,
        }),
        { provide: NetworkStatus, useValue: network },
      ],
    });
    ref.injector.get(Actions).subscribe((action) => {
      const error = (action as { error?: SyncErrorInfo }).error;
      if (error?.kind) reported.push(error);
    });
    const sync = ref.injector.get(OfflineSyncService);
    await sync.whenHydrated();
    app = { ref, sync, store: ref.injector.get(Store), items, network };
  },
  save: (item: LabItem) => outcome(() => running().sync.saveModel<LabItem>('item', item)),
  update: (id: string, changes: Partial<LabItem>) =>
    outcome(() => running().sync.updateModel<LabItem>('item', id, changes)),
  remove: (id: string) => outcome(() => running().sync.deleteModel('item', id)),
  setOnline(online: boolean): void {
    running().network.state.next(online);
  },
  syncAll: () => running().sync.syncAll(),
  /** The records in the store. */
  records(): LabItem[] {
    const { store, items } = running();
    return store.selectSignal(items.selectors.selectAll)();
  },
  counts(): { pending: number; failed: number } {
    const { store } = running();
    return {
      pending: store.selectSignal(offlineSyncFeature.selectPendingCount)(),
      failed: store.selectSignal(offlineSyncFeature.selectFailedCount)(),
    };
  },
  /** What the database holds, read with plain IndexedDB (not through the kit). */
  raw: (databaseName: string): Promise<RawDatabase> => readDatabase(databaseName),
  /** The errors of the failure actions dispatched since the page loaded. */
  reportedErrors: (): SyncErrorInfo[] => [...reported],
};

declare global {
  interface Window {
    lab: typeof lab;
  }
}

window.lab = lab;
