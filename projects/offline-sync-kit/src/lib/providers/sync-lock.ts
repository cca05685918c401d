import { Injectable } from '@angular/core';

/**
 * Runs work while holding a named lock shared by every tab of the origin, so only one tab pushes
 * a database's outbox at a time. The default uses the Web Locks API (a tab that closes releases
 * its locks) and falls back to an in-page lock where that API is missing.
 *
 * @example
 * const result = await inject(SyncLock).runExclusive('push:app', () => pushOutbox());
 */
@Injectable({ providedIn: 'root', useFactory: () => new WebSyncLock() })
export abstract class SyncLock {
  /** Waits for the lock, runs `work` holding it, and returns its result. */
  abstract runExclusive<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/**
 * The default {@link SyncLock}: `navigator.locks`, or an in-page queue per name when the Web Locks
 * API is missing (tabs then cannot see each other's locks).
 *
 * @example
 * providers: [{ provide: SyncLock, useClass: WebSyncLock }]
 */
export class WebSyncLock extends SyncLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  runExclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (locks) return locks.request(name, () => work()) as Promise<T>;
    const run = (this.tails.get(name) ?? Promise.resolve()).then(work, work);
    this.tails.set(
      name,
      run.catch(() => undefined)
    );
    return run;
  }
}
