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

/**
 * Tells this app's other tabs that the encryption of a database changed, and hears them tell it,
 * over a `BroadcastChannel` (nothing is sent but the fact). Without one it stays silent; each
 * transaction still reads the stored state first, so this only makes the change show sooner.
 *
 * @example
 * const tabs = new OtherTabs('app', () => void reload());
 * tabs.tell();
 */
export class OtherTabs {
  private readonly channel: BroadcastChannel | null;

  constructor(databaseName: string, onChange: () => void) {
    this.channel =
      typeof BroadcastChannel === 'undefined'
        ? null
        : new BroadcastChannel(`offline-sync-kit:encryption:${databaseName}`);
    if (this.channel) this.channel.onmessage = onChange;
  }

  /** Tells the other tabs to read the stored state again. */
  tell(): void {
    this.channel?.postMessage('changed');
  }

  /** Stops listening. */
  close(): void {
    this.channel?.close();
  }
}
