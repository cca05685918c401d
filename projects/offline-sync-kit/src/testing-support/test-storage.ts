import { filter, firstValueFrom, throwError, timeout } from 'rxjs';
import { SyncStorage, SyncStorageOptions } from '../lib/storage/sync-storage';
import { EntityStorageSpec, LocalWrite } from '../lib/storage/local-write';

/** A storage spec as `defineSyncEntity` would produce it, with identity serialization. */
export function plainSpec(
  modelType: string,
  overrides: Partial<EntityStorageSpec> = {}
): EntityStorageSpec {
  return {
    modelType,
    priority: 0,
    indexes: [],
    serialize: (record: never) => ({ ...(record as object) }),
    deserialize: (stored) => ({ ...stored }),
    ...overrides,
  };
}

// Shared by every storage a spec makes: two storages on one database must not reuse ids.
let mutationIds = 0;

/** A SyncStorage with a counting clock and sequential ids, so specs can assert on them. */
export function testStorage(
  databaseName: string,
  specs: EntityStorageSpec[],
  options: Partial<SyncStorageOptions> = {}
) {
  let now = 1_700_000_000_000;
  const storage = new SyncStorage({
    databaseName,
    clock: () => now++,
    newId: () => `m-${String(++mutationIds).padStart(6, '0')}`,
    ...options,
  });
  specs.forEach((spec) => storage.registerSpec(spec));
  return storage;
}

/** Local writes for specs: `save`, `update` and `remove` of one record. */
export const localWrite = {
  save: (
    modelType: string,
    record: { id: string } & Record<string, unknown>,
    writeId = `w-${record.id}`
  ): LocalWrite => ({
    writeId,
    modelType,
    recordId: record.id,
    kind: 'save',
    record,
  }),
  update: (
    modelType: string,
    recordId: string,
    changes: Record<string, unknown>,
    writeId = `u-${recordId}`
  ): LocalWrite => ({
    writeId,
    modelType,
    recordId,
    kind: 'update',
    changes,
  }),
  remove: (modelType: string, recordId: string, writeId = `r-${recordId}`): LocalWrite => ({
    writeId,
    modelType,
    recordId,
    kind: 'remove',
  }),
};

/**
 * Opens a storage and waits until its encryption state is final (`on` or `off`): a first start
 * with a key encrypts in the background.
 */
export async function openSettled(storage: SyncStorage, state: 'on' | 'off'): Promise<SyncStorage> {
  await storage.open();
  await firstValueFrom(
    storage.encryption.status$.pipe(
      filter((status) => status.state === state),
      timeout({
        first: 10_000,
        with: () =>
          throwError(
            () =>
              new Error(
                `encryption state is "${storage.encryption.status$.value.state}", expected "${state}"`
              )
          ),
      })
    )
  );
  return storage;
}
