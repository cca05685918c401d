import { OfflineSyncError } from '../model/sync-error';

/** Which write or read failed, for messages that name it. */
export interface StorageErrorContext {
  readonly databaseName: string;
  readonly modelType?: string;
  readonly recordId?: string;
  /** What was being done, e.g. "save" or "hydrate". */
  readonly operation: string;
}

/**
 * Turns whatever IndexedDB or Dexie threw into an {@link OfflineSyncError} whose message says
 * what failed, on which record, and what the app or user can do about it.
 *
 * @example
 * try { await db.records.put(row); } catch (e) { throw toStorageError(e, { databaseName, operation: 'save' }); }
 */
export function toStorageError(error: unknown, context: StorageErrorContext): OfflineSyncError {
  if (error instanceof OfflineSyncError) return error;
  const converted = convert(error, context);
  if (WHOLE_DATABASE_ERRORS.has(errorName(error) ?? '')) wholeDatabaseErrors.add(converted);
  return converted;
}

/**
 * Whether an error concerns the whole database (full quota, closed, missing) rather than one
 * record, so retrying the writes of a failed group one by one cannot help.
 *
 * @example
 * if (!affectsWholeDatabase(error)) retryEachWriteAlone();
 */
export function affectsWholeDatabase(error: unknown): boolean {
  return error instanceof OfflineSyncError && wholeDatabaseErrors.has(error);
}

const WHOLE_DATABASE_ERRORS = new Set([
  'QuotaExceededError',
  'DatabaseClosedError',
  'VersionChangeError',
  'MissingAPIError',
  'VersionError',
  'OpenFailedError',
]);
const wholeDatabaseErrors = new WeakSet<OfflineSyncError>();

function convert(error: unknown, context: StorageErrorContext): OfflineSyncError {
  const name = errorName(error);
  const what = describe(context);
  const details = { modelType: context.modelType, recordId: context.recordId, cause: error };
  switch (name) {
    case 'QuotaExceededError':
      return new OfflineSyncError(
        'quota',
        `The browser's storage quota for this site is used up, so ${what} was not stored. ` +
          `Free space (delete data this app no longer needs) or ask the user to allow more storage.`,
        details
      );
    case 'DatabaseClosedError':
    case 'VersionChangeError':
      return new OfflineSyncError(
        'storage',
        `The local database "${context.databaseName}" is closed (another tab opened a newer ` +
          `version of the app, or the app closed it), so ${what} failed. Reload the page.`,
        details
      );
    case 'MissingAPIError':
      return noIndexedDbError(context.databaseName, details);
    case 'VersionError':
      return new OfflineSyncError(
        'storage',
        `The local database "${context.databaseName}" was written by a newer version of this app, ` +
          `so ${what} failed. Reload the page to get the newer version.`,
        details
      );
    case 'DataCloneError':
      return new OfflineSyncError(
        'storage',
        `${capitalize(what)} failed: the record holds a value IndexedDB cannot store (a function, ` +
          `a DOM node, a class with private state). Give the entity a \`serialize\` function.`,
        details
      );
    default:
      return new OfflineSyncError(
        'storage',
        `${capitalize(what)} failed in the local database "${context.databaseName}": ` +
          `${errorMessage(error)}. Nothing was changed; try again, or reload if it keeps failing.`,
        details
      );
  }
}

/**
 * The error for a runtime without IndexedDB (server-side rendering, a test without a browser).
 *
 * @example
 * if (!globalThis.indexedDB) throw noIndexedDbError('my-app');
 */
export function noIndexedDbError(
  databaseName: string,
  details: { modelType?: string; recordId?: string; cause?: unknown } = {}
): OfflineSyncError {
  const error = new OfflineSyncError(
    'storage',
    `IndexedDB is not available here (server-side rendering, a web worker without it, or a ` +
      `private mode that blocks it), so the local database "${databaseName}" cannot be used. ` +
      `The kit stays idle; run the app in a browser to store data offline.`,
    details
  );
  wholeDatabaseErrors.add(error);
  return error;
}

function describe(context: StorageErrorContext): string {
  if (context.modelType && context.recordId) {
    return `the ${context.operation} of ${context.modelType} "${context.recordId}"`;
  }
  if (context.modelType) return `the ${context.operation} of ${context.modelType} records`;
  return `the ${context.operation}`;
}

function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const own = (error as { name?: unknown }).name;
  const inner = (error as { inner?: { name?: unknown } }).inner?.name;
  // Dexie wraps some DOMExceptions (AbortError around a QuotaExceededError, for one).
  if (typeof inner === 'string' && inner !== 'Error' && own === 'AbortError') return inner;
  return typeof own === 'string' ? own : undefined;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().replace(/\.+$/, '');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
