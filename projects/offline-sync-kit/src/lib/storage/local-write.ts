import { SerializedRecord } from '../model/mutation';
import { SyncMeta } from '../model/sync-meta';

/**
 * A change made on this device, as the storage layer receives it.
 * - `save`: the whole record as the app holds it (creates it, or updates the fields that differ);
 * - `update`: some fields of an existing record;
 * - `remove`: deletes the record.
 *
 * @example
 * const write: LocalWrite = { writeId: 'w1', modelType: 'todo', recordId: 't1', kind: 'update', changes: { done: true } };
 */
export type LocalWrite =
  | (LocalWriteTarget & { readonly kind: 'save'; readonly record: unknown })
  | (LocalWriteTarget & {
      readonly kind: 'update';
      readonly changes: Readonly<Record<string, unknown>>;
    })
  | (LocalWriteTarget & { readonly kind: 'remove' });

/** The record a {@link LocalWrite} is about, and the id its caller waits on. */
export interface LocalWriteTarget {
  readonly writeId: string;
  readonly modelType: string;
  readonly recordId: string;
}

/**
 * What a committed write left in the database: the record and its metadata, or `null` for both
 * when the record no longer exists.
 *
 * @example
 * if (outcome.meta?.state === 'pending') console.log(`${outcome.recordId} waits for the server`);
 */
export interface WriteOutcome extends LocalWriteTarget {
  /** What happened to the stored record; `unchanged` when a remove found nothing to remove. */
  readonly change: 'created' | 'updated' | 'removed' | 'unchanged';
  readonly record: SerializedRecord | null;
  readonly meta: SyncMeta | null;
  /** For an edit of a record whose conflict is open: the conflict's revision after it. */
  readonly conflictRevision?: number;
}

/**
 * What the storage layer needs to know of an entity type to store it.
 *
 * @example
 * const spec: EntityStorageSpec = { modelType: 'todo', priority: 0, indexes: [], serialize: (t) => t, deserialize: (s) => s };
 */
export interface EntityStorageSpec {
  readonly modelType: string;
  readonly priority: number;
  readonly indexes: readonly string[];
  readonly serialize: (record: never) => SerializedRecord;
  readonly deserialize: (stored: SerializedRecord) => unknown;
}
