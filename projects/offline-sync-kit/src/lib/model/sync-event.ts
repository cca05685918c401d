import { SyncErrorInfo } from './sync-error';

/**
 * The kinds of event `OfflineSyncService.events$` reports. Local writes report `modelAdded`,
 * `modelUpdated` and `modelDeleted` once they are durable; later parts of the kit (push, pull,
 * real time) add their own kinds.
 *
 * @example
 * sync.events$.pipe(filter((e) => e.type === 'modelDeleted')).subscribe(...)
 */
export type SyncEventType =
  | 'modelAdded'
  | 'modelUpdated'
  | 'modelDeleted'
  | 'hydrated'
  | 'storageError'
  | 'conflictDetected'
  | 'conflictResolved';

/**
 * One event of `OfflineSyncService.events$`.
 *
 * @example
 * sync.events$.subscribe((e) => console.log(e.type, e.modelType, e.id));
 */
export interface SyncEvent {
  readonly type: SyncEventType;
  readonly modelType?: string;
  readonly id?: string;
  /** Where the change came from: this device (`local`) or the server. */
  readonly source?: 'local' | 'server';
  readonly error?: SyncErrorInfo;
}
