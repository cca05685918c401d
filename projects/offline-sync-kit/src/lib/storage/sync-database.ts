import { Dexie, DexieOptions, Table } from 'dexie';
import { IndexKey } from '../core/index-keys';
import { Mutation, SerializedRecord } from '../model/mutation';
import { SyncMeta } from '../model/sync-meta';
import { StoredConflict } from './stored-conflict';

/**
 * One row of the generic `records` table: every entity type shares it, keyed by
 * `[modelType+id]`. A shared table means an entity type registered later (a lazy route, a new
 * app version) needs no schema upgrade, so opening never blocks on other tabs for that.
 *
 * @example
 * const row: StoredRecord = { modelType: 'todo', id: 't1', data: { id: 't1', title: 'Milk' }, meta, idx: [] };
 */
export interface StoredRecord {
  readonly modelType: string;
  readonly id: string;
  readonly data: SerializedRecord;
  readonly meta: SyncMeta;
  /** Entries of the generic multi-entry index, see `indexKeys`. */
  readonly idx: IndexKey[];
}

/**
 * An outbox row: a {@link Mutation} plus its auto-incremented `seq`, which fixes FIFO order.
 *
 * @example
 * const first = await db.outbox.orderBy('seq').first();
 */
export interface StoredMutation extends Mutation {
  readonly seq?: number;
}

/**
 * A key/value row of the `meta` table (cursors, declared indexes, key check values).
 *
 * @example
 * await db.meta.put({ key: 'indexes:todo', value: ['projectId'] });
 */
export interface MetaEntry {
  readonly key: string;
  readonly value: unknown;
}

/**
 * The kit's Dexie database. Schema changes add a new `version()` below the last one and never
 * edit an old one, so every earlier database opens without losing rows.
 *
 * @example
 * const db = new SyncDatabase('my-app');
 * const pending = await db.outbox.count();
 */
export class SyncDatabase extends Dexie {
  readonly records!: Table<StoredRecord, [string, string]>;
  readonly outbox!: Table<StoredMutation, number>;
  readonly meta!: Table<MetaEntry, string>;
  readonly conflicts!: Table<StoredConflict, [string, string]>;

  constructor(name: string, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores({
      records: '[modelType+id], modelType, *idx',
      outbox: '++seq, &mutationId, [modelType+recordId], status',
      meta: 'key',
    });
    // Conflicts waiting for the app (`manual`) or for its resolver (`custom`).
    this.version(2).stores({ conflicts: '[modelType+id]' });
  }
}
