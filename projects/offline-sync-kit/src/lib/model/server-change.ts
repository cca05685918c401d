import { SerializedRecord } from './mutation';

/**
 * One record as the server sent it (a pull, a push answer, a real-time event), after the
 * transport read it with the entity's REST mapping: either the live record or a tombstone.
 * `data` is the server's record as a whole, server fields (`version`, `updatedAt`) included.
 *
 * @example
 * const live: ServerChange = { id: 't1', deleted: false, version: 4, updatedAt: '2026-11-24T10:00:00.000Z', data: { id: 't1', title: 'Milk', version: 4 } };
 * const gone: ServerChange = { id: 't2', deleted: true, version: 7, updatedAt: null };
 */
export type ServerChange =
  | {
      readonly id: string;
      readonly deleted: false;
      readonly version: number | null;
      readonly updatedAt: string | null;
      readonly data: SerializedRecord;
    }
  | {
      readonly id: string;
      readonly deleted: true;
      readonly version: number | null;
      readonly updatedAt: string | null;
    };

/**
 * One page of changes since a cursor. `cursor` is opaque: the kit stores it and sends it back,
 * never derives it from the device clock.
 *
 * @example
 * const page: PullPage = { items: [], cursor: 'MTI', hasMore: false };
 */
export interface PullPage {
  readonly items: readonly ServerChange[];
  readonly cursor: string | null;
  readonly hasMore: boolean;
}
