import { inject, Injectable } from '@angular/core';
import { Store } from '@ngrx/store';
import { Observable, Subject } from 'rxjs';
import { OfflineSyncError } from '../model/sync-error';
import { SyncEvent } from '../model/sync-event';
import { ServerChange } from '../model/server-change';
import { SyncEventNames } from '../model/web-socket-options';
import { offlineSyncFeature } from '../state/offline-sync.feature';
import { SyncStorage } from '../storage/sync-storage';
import { readServerRecord } from '../transport/read-server-record';
import { resolveRestMapping } from '../transport/resolved-rest-mapping';
import { endpointName } from '../transport/rest-urls';
import { ChangeMessage } from '../transport/web-socket-messages';
import { SyncEngine } from './sync-engine';
import { SyncEntityRegistry } from './sync-entity-registry';
import { toTransportEntity } from './transport-entity';

/** Unknown records of one event batch fetched one by one; more are pulled through the feed. */
const FETCH_BY_ID = 10;
/**
 * Applies change events from the WebSocket like pulled changes: into Dexie and the store, rebased
 * over pending local edits, conflicts handled by the type's strategy. Events that arrive while a
 * batch is being stored are stored together in the next one (one transaction per type), in the
 * order they came. Only records this device holds are changed directly, and only by a newer
 * version (a duplicate or late event is ignored); an event about any other record asks for a pull
 * of its type, whose cursor decides what is new. Every applied event is reported on `events$`.
 *
 * @example
 * connection.messages$.pipe(filter((m) => m.type === 'change')).subscribe((m) => changes.receive(m, mapper));
 */
@Injectable()
export class RealtimeChanges {
  private readonly store = inject(Store);
  private readonly storage = inject(SyncStorage);
  private readonly registry = inject(SyncEntityRegistry);
  private readonly engine = inject(SyncEngine);
  private readonly serverEvents = new Subject<SyncEvent>();
  private queue: { modelType: string; change: ServerChange; type: SyncEvent['type'] }[] = [];
  private draining: Promise<void> | null = null;

  /** The changes that came over the WebSocket, as `source: 'server'` events once stored. */
  readonly events$: Observable<SyncEvent> = this.serverEvents.asObservable();

  /**
   * Takes one change event; throws an `invalid-response` error when it cannot be used (an entity
   * type this app does not know, a record that does not fit the type's mapping). Resolves once
   * it is stored.
   */
  receive(message: ChangeMessage, names: SyncEventNames): Promise<void> {
    const def = this.definitionFor(message);
    const type = names.toSyncEventType(message.event);
    if (type === null) {
      throw new OfflineSyncError(
        'invalid-response',
        `A WebSocket change event is named "${message.event}", which the event mapper does not ` +
          'know; it was ignored. Map the name with new SyncEventMapper({ eventNameToType }).',
        { modelType: def.modelType, recordId: message.id }
      );
    }
    if (type !== 'modelAdded' && type !== 'modelUpdated' && type !== 'modelDeleted') {
      const { id, version } = message;
      this.serverEvents.next({ type, modelType: def.modelType, id, version, source: 'server' });
      return Promise.resolve();
    }
    // Until its records are loaded, a type takes nothing from the server; the sync that follows
    // hydration pulls what this event says.
    if (!this.store.selectSignal(offlineSyncFeature.selectHydration)()[def.modelType]) {
      return Promise.resolve();
    }
    const change: ServerChange =
      type === 'modelDeleted'
        ? { id: message.id, deleted: true, version: message.version, updatedAt: null }
        : readServerRecord(message.data, {
            modelType: def.modelType,
            request: `the WebSocket "${message.event}" event of ${message.channel}/${message.id}`,
            recordId: message.id,
            mapping: resolveRestMapping(toTransportEntity(def)),
          });
    this.queue.push({ modelType: def.modelType, change, type });
    this.draining ??= this.drain().finally(() => (this.draining = null));
    return this.draining;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      for (const modelType of new Set(batch.map((item) => item.modelType))) {
        const items = batch.filter((item) => item.modelType === modelType);
        try {
          // A record the store does not hold (nearly always one just created elsewhere) is
          // fetched by id below whatever the database says, so it skips the transaction that
          // would only find it unknown. The store is a hint here: if it lags (another tab stored
          // the record a moment ago), the fetch stores the server's record like a pull would.
          const held = this.store.selectSignal(
            this.registry.get(modelType).selectors.selectEntities
          )();
          const unheld = new Set(
            items
              .filter(({ change }) => !change.deleted && held[change.id] === undefined)
              .map(({ change }) => change.id)
          );
          // A deletion is always stored: the database may hold what the store does not yet.
          const known = items.filter(({ change }) => change.deleted || !unheld.has(change.id));
          const result =
            known.length > 0
              ? await this.storage.applyRealtimeChanges(
                  modelType,
                  known.map((item) => item.change)
                )
              : { changes: [], conflicts: [], unknown: [] };
          result.unknown.push(...unheld);
          this.engine.publish(result.changes, result.conflicts);
          // Records this device does not hold come from the server (see above): a few by id, at
          // once (the usual case, a record just created elsewhere), more through the change
          // feed. So does a deletion: a pull already under way may hold the record's page from
          // before it, and would put it back; the pull queued after it brings the tombstone again.
          const deleted = items.some((item) => item.change.deleted);
          if (!deleted && result.unknown.length > 0 && result.unknown.length <= FETCH_BY_ID) {
            // Awaited: a later event (a deletion of the same record) must find it stored, or a
            // late answer would bring back a record deleted meanwhile.
            await this.engine
              .pullMany(modelType, result.unknown)
              .catch(() => void this.engine.sync([modelType])); // the change feed brings them
          } else if (deleted || result.unknown.length > 0) {
            void this.engine.sync([modelType]);
          }
          const stored = new Set(result.changes.map((change) => change.id));
          for (const { change, type } of items) {
            const { id, version } = change;
            if (stored.has(id))
              this.serverEvents.next({ type, modelType, id, version, source: 'server' });
          }
        } catch {
          // Stored nothing (the database failed and reported it): the next pull brings them.
          void this.engine.sync([modelType]);
        }
      }
    }
  }

  /**
   * The registered type a collection name belongs to: by its server collection, else by the
   * kit's name; `undefined` for a name no registered type has.
   */
  modelTypeOf(name: unknown): string | undefined {
    const all = this.registry.all();
    const def =
      all.find((d) => endpointName(d.endpoint) === name) ?? all.find((d) => d.modelType === name);
    return def?.modelType;
  }

  /** The registered type a change is about (see `modelTypeOf`). */
  private definitionFor(message: ChangeMessage) {
    const modelType = this.modelTypeOf(message.modelType);
    const def = modelType === undefined ? undefined : this.registry.get(modelType);
    if (!def) {
      throw new OfflineSyncError(
        'invalid-response',
        `A WebSocket change event is about "${message.modelType}", which is not the endpoint or ` +
          'modelType of any registered entity type; it was ignored. Register the type, or stop ' +
          `subscribing to channel "${message.channel}".`,
        { modelType: message.modelType, recordId: message.id }
      );
    }
    return def;
  }
}
