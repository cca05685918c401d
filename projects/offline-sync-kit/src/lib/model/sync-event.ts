import { SyncErrorInfo } from './sync-error';

/**
 * The kinds of event `OfflineSyncService.events$` reports. Local writes report `modelAdded`,
 * `modelUpdated` and `modelDeleted` once they are durable (`source: 'local'`); changes that arrive
 * over the WebSocket report the same kinds with `source: 'server'`. `syncCompleted` follows every
 * finished sync cycle. `SyncEventMapper` translates server event names to these kinds.
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
  | 'conflictResolved'
  | 'syncCompleted';

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
  /** The server's version of the record, for changes that came from the server. */
  readonly version?: number | null;
  readonly error?: SyncErrorInfo;
}
