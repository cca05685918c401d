import { Injectable } from '@angular/core';

/**
 * Runs work while holding a named lock shared by every tab of the origin, so only one tab pushes
 * a database's outbox at a time. The default uses the Web Locks API (a tab that closes releases
 * its locks) and falls back to an in-page lock where that API is missing.
 *
 * @example
 * const ran = await inject(SyncLock).runExclusive('push:app', () => pushOutbox());
 * if (ran === null) console.log('another tab is pushing');
 */
@Injectable({ providedIn: 'root', useFactory: () => new WebSyncLock() })
export abstract class SyncLock {
  /** Runs `work` if the lock is free and returns its result; returns `null` at once if it is held. */
  abstract runExclusive<T>(name: string, work: () => Promise<T>): Promise<T | null>;
}

/**
 * The default {@link SyncLock}: `navigator.locks` with `ifAvailable`, or an in-page set of held
 * names when the Web Locks API is missing (one tab then cannot see another's lock).
 *
 * @example
 * providers: [{ provide: SyncLock, useClass: WebSyncLock }]
 */
export class WebSyncLock extends SyncLock {
  private readonly heldHere = new Set<string>();

  async runExclusive<T>(name: string, work: () => Promise<T>): Promise<T | null> {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (locks) {
      return locks.request(name, { ifAvailable: true }, (lock) => (lock ? work() : null));
    }
    if (this.heldHere.has(name)) return null;
    this.heldHere.add(name);
    try {
      return await work();
    } finally {
      this.heldHere.delete(name);
    }
  }
}
