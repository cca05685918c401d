import { OfflineSyncError } from '../model/sync-error';
import { SyncEventType } from '../model/sync-event';
import { SyncEventNames } from '../model/web-socket-options';

/**
 * The names of {@link SyncEventMapper}'s two directions.
 *
 * @example
 * const config: SyncEventMapperConfig = { eventNameToType: { 'todo.created': 'modelAdded' } };
 */
export interface SyncEventMapperConfig {
  /** Server event name → the kit's event type. Added to the defaults. */
  readonly eventNameToType?: Readonly<Record<string, SyncEventType>>;
  /**
   * The kit's event type → the server's name, for messages the app sends. Default: the reverse of
   * `eventNameToType` (its first name for each type), then of the reference server's names, then
   * the type's own name.
   */
  readonly typeToEventName?: Readonly<Partial<Record<SyncEventType, string>>>;
}

/** The reference server's names (docs/protocol.md, WebSocket). */
const DEFAULT_EVENT_NAMES: Readonly<Record<string, SyncEventType>> = {
  created: 'modelAdded',
  updated: 'modelUpdated',
  deleted: 'modelDeleted',
};

const SYNC_EVENT_TYPES: ReadonlySet<string> = new Set<SyncEventType>([
  'modelAdded',
  'modelUpdated',
  'modelDeleted',
  'hydrated',
  'storageError',
  'conflictDetected',
  'conflictResolved',
  'syncCompleted',
]);

/**
 * Maps the event names of a server's WebSocket messages to {@link SyncEventType}s, and back for
 * messages the app sends. Knows the reference server's `created`/`updated`/`deleted` and every
 * kit type by its own name; give the names your server uses on top.
 *
 * @example
 * withWebSocket({
 *   eventMapper: new SyncEventMapper({
 *     eventNameToType: { 'todo.created': 'modelAdded', 'todo.changed': 'modelUpdated', 'todo.removed': 'modelDeleted' },
 *   }),
 * });
 * mapper.toSyncEventType('todo.changed'); // 'modelUpdated'
 * mapper.toEventName('modelUpdated'); // 'todo.changed'
 */
export class SyncEventMapper implements SyncEventNames {
  private readonly toType: ReadonlyMap<string, SyncEventType>;
  private readonly toName: ReadonlyMap<SyncEventType, string>;

  constructor(config: SyncEventMapperConfig = {}) {
    const custom = Object.entries(config.eventNameToType ?? {});
    const outgoing = Object.entries(config.typeToEventName ?? {});
    for (const [name, type] of [...custom, ...outgoing.map(([type, name]) => [name, type])]) {
      if (typeof name !== 'string' || name === '' || !SYNC_EVENT_TYPES.has(type as string)) {
        throw new OfflineSyncError(
          'config',
          `SyncEventMapper: "${String(name)}" → "${String(type)}" is not a mapping from a ` +
            `non-empty event name to one of ${[...SYNC_EVENT_TYPES].join(', ')}.`
        );
      }
    }
    this.toType = new Map([
      ...[...SYNC_EVENT_TYPES].map((type) => [type, type as SyncEventType] as const),
      ...Object.entries(DEFAULT_EVENT_NAMES),
      ...custom,
    ]);
    const reverse = new Map<SyncEventType, string>(
      Object.entries(DEFAULT_EVENT_NAMES).map(([name, type]) => [type, name])
    );
    const named = new Set<SyncEventType>();
    for (const [name, type] of custom) {
      if (!named.has(type)) reverse.set(type, name);
      named.add(type);
    }
    for (const [type, name] of outgoing) reverse.set(type as SyncEventType, name as string);
    this.toName = reverse;
  }

  toSyncEventType(eventName: string): SyncEventType | null {
    return this.toType.get(eventName) ?? null;
  }

  toEventName(type: SyncEventType): string {
    return this.toName.get(type) ?? type;
  }
}
