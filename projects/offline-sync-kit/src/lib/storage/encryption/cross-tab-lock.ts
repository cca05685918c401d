/**
 * Runs `operation` while holding a Web Lock shared by every tab of this origin, so two tabs never
 * change the encryption of one database at the same time (two tabs turning it on with their own
 * salts would each encrypt part of the data under a key the other forgets). Without the Web Locks
 * API (old browsers, tests outside a browser) it simply runs.
 *
 * @example
 * await underCrossTabLock('offline-sync-kit:encryption:app', () => rewriteEverything());
 */
export function underCrossTabLock<T>(name: string, operation: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks ? (locks.request(name, operation) as Promise<T>) : operation();
}
