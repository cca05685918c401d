/**
 * The closed set of things that can go wrong in the kit. Every error the kit raises or puts in
 * state carries one of these, so an app can branch on it without parsing messages.
 *
 * `storage` (the database is blocked, closed or missing) and `not-found` (a local change names a
 * record that does not exist) extend the kinds of DESIGN.md §2, which only named remote failures.
 *
 * @example
 * if (error instanceof OfflineSyncError && error.kind === 'quota') askUserToFreeSpace();
 */
export type SyncErrorKind =
  | 'network'
  | 'timeout'
  | 'server'
  | 'rejected'
  | 'conflict'
  | 'auth'
  | 'quota'
  | 'encryption'
  | 'invalid-response'
  | 'config'
  | 'storage'
  | 'not-found';

/**
 * The serializable form of an {@link OfflineSyncError}, as it is kept in NgRx state and in
 * stored sync metadata.
 *
 * @example
 * const last = store.selectSignal(selectLastSyncError)();
 * if (last) console.warn(`${last.kind}: ${last.message}`);
 */
export interface SyncErrorInfo {
  readonly kind: SyncErrorKind;
  readonly message: string;
  readonly modelType?: string;
  readonly recordId?: string;
}

/**
 * The one error class of the kit. `kind` says what failed, the message says what to do, and
 * `modelType`/`recordId` say which record it concerns when there is one.
 *
 * @example
 * try {
 *   await sync.saveModel('todo', todo);
 * } catch (e) {
 *   if (e instanceof OfflineSyncError && e.kind === 'quota') showStorageFullBanner();
 * }
 */
export class OfflineSyncError extends Error {
  override readonly name: string = 'OfflineSyncError';

  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    readonly details: { modelType?: string; recordId?: string; cause?: unknown } = {}
  ) {
    super(message, { cause: details.cause });
  }

  /** The entity type this error concerns, if any. */
  get modelType(): string | undefined {
    return this.details.modelType;
  }

  /** The record id this error concerns, if any. */
  get recordId(): string | undefined {
    return this.details.recordId;
  }

  /** The serializable form kept in state. */
  toInfo(): SyncErrorInfo {
    return {
      kind: this.kind,
      message: this.message,
      ...(this.modelType === undefined ? {} : { modelType: this.modelType }),
      ...(this.recordId === undefined ? {} : { recordId: this.recordId }),
    };
  }
}

/**
 * Type guard for errors raised by the kit.
 *
 * @example
 * promise.catch((e) => isOfflineSyncError(e) && e.kind === 'storage' && reloadHint());
 */
export function isOfflineSyncError(value: unknown): value is OfflineSyncError {
  return value instanceof OfflineSyncError;
}

/**
 * Whether a thrown value is a kit error of one of `kinds`.
 *
 * @example
 * if (isErrorKind(error, 'network', 'timeout')) void network.check();
 */
export function isErrorKind(value: unknown, ...kinds: SyncErrorKind[]): value is OfflineSyncError {
  return value instanceof OfflineSyncError && kinds.includes(value.kind);
}

/**
 * The serializable form of any thrown value: an {@link OfflineSyncError} keeps its kind and
 * details; anything else becomes `fallbackKind` with `context` in front of its message.
 *
 * @example
 * catch (e) { dispatch(failed({ error: toSyncErrorInfo(e, 'storage', 'Loading todos failed') })); }
 */
export function toSyncErrorInfo(
  error: unknown,
  fallbackKind: SyncErrorKind,
  context: string
): SyncErrorInfo {
  if (error instanceof OfflineSyncError) return error.toInfo();
  const reason = error instanceof Error ? error.message : String(error);
  return { kind: fallbackKind, message: `${context}: ${reason}` };
}
