/**
 * What a failed call says to the person using the demo: the error's own message (the kit's
 * `OfflineSyncError`s say what failed and what to do), or the value as text.
 *
 * @example
 * try { await sync.saveModel('todo', todo); } catch (e) { this.error.set(userMessage(e)); }
 */
export function userMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
