import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { CorruptValueError, EncryptionKeyError } from '../../model/encryption-errors';
import { EncryptionOptions } from '../../model/encryption-options';
import { OfflineSyncError } from '../../model/sync-error';
import { localWrite, plainSpec, testStorage } from '../../../testing-support/test-storage';
import {
  eventually,
  rawDatabase,
  rejectionOf,
  uniqueDatabase,
} from '../../../testing-support/test-database';
import { rawRows, rawText, storedEncryption } from '../../../testing-support/raw-storage';
import { SyncStorage } from '../sync-storage';
import { Row, SEALED_FIELD, sealedWith } from './sealed-row';

const KEY_A = { key: new Uint8Array(32).fill(0xa) };
const KEY_B = { key: new Uint8Array(32).fill(0xb) };

describe('Encryption at rest: tabs, interruptions and damage', () => {
  let db: ReturnType<typeof uniqueDatabase>;
  const open: SyncStorage[] = [];

  function storageWith(encryptionKey: EncryptionOptions | null): SyncStorage {
    const storage = testStorage(db.name, [plainSpec('todo')], { encryptionKey });
    open.push(storage);
    return storage;
  }

  const writeTodos = (storage: SyncStorage, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, i) =>
        storage.write(localWrite.save('todo', { id: `t${i}`, title: `edge-secret-${i}` }))
      )
    );

  /** Closes a storage (a closed tab) once its rewrite committed `chunks` chunks. */
  async function closeAfterChunks(storage: SyncStorage, chunks: number, start: Promise<void>) {
    await firstValueFrom(
      storage.encryption.progress$.pipe(filter(Boolean), take(chunks), toArray())
    );
    storage.close();
    await rejectionOf(start);
  }

  beforeEach(() => (db = uniqueDatabase('encryption-edges')));
  afterEach(async () => {
    open.splice(0).forEach((storage) => storage.close());
    await db.cleanup();
  });

  it('two tabs turning encryption on at once agree on one key', async () => {
    await writeTodos(storageWith(null), 300);
    open.splice(0).forEach((storage) => storage.close());
    const passphrase = { passphrase: 'shared by both tabs', iterations: 100_000 };
    const [one, two] = [storageWith(passphrase), storageWith(passphrase)];
    await Promise.all([one.open(), two.open()]);
    await Promise.all([one.enableEncryption(passphrase), two.enableEncryption(passphrase)]);
    const stored = await storedEncryption(db.name);
    expect(stored?.keys.length).toBe(1);
    const rows = await rawRows(db.name, 'records');
    expect(rows.every((row) => sealedWith(row) === stored?.target)).toBeTrue();
    expect((await storageWith(passphrase).hydrate('todo')).length).toBe(300);
  });

  it('a tab that has not heard of encryption being turned on never writes in the clear', async () => {
    const a = storageWith(null);
    const b = storageWith(null);
    await writeTodos(a, 5);
    await b.open();
    await a.enableEncryption(KEY_A);
    // B's next transaction reads the new state first: it lacks the key, so it is locked.
    const refused = await rejectionOf(
      b.write(localWrite.save('todo', { id: 'b1', title: 'from-b' }))
    );
    expect(refused).toEqual(jasmine.any(EncryptionKeyError));
    expect(b.encryption.status$.value.state).toBe('locked');
    expect(await rawText(db.name)).not.toContain('from-b');
    await b.enableEncryption(KEY_A);
    await b.write(localWrite.save('todo', { id: 'b1', title: 'from-b' }));
    expect(await rawText(db.name)).not.toContain('from-b');
    expect((await a.hydrate('todo')).length).toBe(6);
  });

  it('resumes an interrupted enable at the next start, and finishes an interrupted disable with the key', async () => {
    await writeTodos(storageWith(null), 1_000);
    open.splice(0).forEach((storage) => storage.close());

    const enabling = storageWith(null);
    await closeAfterChunks(enabling, 2, enabling.enableEncryption(KEY_A));
    const mixed = await rawRows(db.name, 'records');
    expect(mixed.some((row) => SEALED_FIELD in row)).toBeTrue();
    expect(mixed.some((row) => !(SEALED_FIELD in row))).toBeTrue();
    const resumed = storageWith(KEY_A);
    expect((await resumed.hydrate('todo')).length).toBe(1_000);
    await eventually(() => resumed.encryption.status$.value.state === 'on', 'the resumed rewrite');
    expect(await rawText(db.name)).not.toContain('edge-secret');

    await closeAfterChunks(resumed, 2, resumed.disableEncryption());
    const keyless = storageWith(null);
    expect(await rejectionOf(keyless.hydrate('todo'))).toEqual(jasmine.any(EncryptionKeyError));
    await keyless.disableEncryption(KEY_A);
    expect(keyless.encryption.status$.value).toEqual({ state: 'off', enabled: false });
    expect((await rawRows(db.name, 'records')).some((row) => SEALED_FIELD in row)).toBeFalse();
    expect((await keyless.hydrate('todo')).length).toBe(1_000);
  });

  it('writes made during a key change are stored under the new key', async () => {
    const storage = storageWith(KEY_A);
    await writeTodos(storage, 1_000);
    await storage.enableEncryption(KEY_A); // waits for the first rewrite
    const change = storage.changeEncryptionKey(KEY_B);
    await firstValueFrom(storage.encryption.progress$.pipe(filter(Boolean)));
    await storage.write(localWrite.save('todo', { id: 'during', title: 'written meanwhile' }));
    const during = (await rawRows(db.name, 'records')).find((row) => row['id'] === 'during');
    await change;
    const target = (await storedEncryption(db.name))?.target;
    expect(sealedWith(during!)).toBe(target!);
  });

  it('after turning encryption off, a row it could not decrypt is reported, not handed over sealed', async () => {
    const storage = storageWith(KEY_A);
    await writeTodos(storage, 5);
    const raw = await rawDatabase(db.name);
    const row = (await raw.records.get(['todo', 't2'])) as unknown as Row;
    const sealed = row[SEALED_FIELD] as { ct: ArrayBuffer };
    const ct = sealed.ct.slice(0);
    new Uint8Array(ct)[0]! ^= 0xff;
    await raw.records.put({ ...row, [SEALED_FIELD]: { ...sealed, ct } } as never);
    raw.close();

    await storage.disableEncryption();
    const later = storageWith(null);
    const corrupt = firstValueFrom(later.encryption.ring.corrupt$);
    const rows = await later.hydrate('todo');
    expect(rows.map((r) => r.id).sort()).toEqual(['t0', 't1', 't3', 't4']);
    expect(rows.every((r) => r.data['title'] !== undefined)).toBeTrue();
    expect((await corrupt).recordId).toBe('t2');
  });

  it('refuses to encrypt a value it cannot keep, naming the record, and loses nothing', async () => {
    const clear = storageWith(null);
    await writeTodos(clear, 3);
    await clear.write(localWrite.save('todo', { id: 'odd', tags: new Set(['a']) }));
    const failure = await rejectionOf<OfflineSyncError>(clear.enableEncryption(KEY_A));
    expect(failure?.kind).toBe('storage');
    expect(failure?.recordId).toBe('odd');
    expect(failure?.message).toContain('serialize');
    const rows = await clear.hydrate('todo');
    expect(rows.length).toBe(4);
    expect(rows.find((row) => row.id === 'odd')?.data['tags']).toEqual(new Set(['a']));
    // Once the app stores it as plain data, turning encryption on goes through.
    await clear.write(localWrite.save('todo', { id: 'odd', tags: ['a'] }));
    await clear.enableEncryption(KEY_A);
    expect(clear.encryption.status$.value.state).toBe('on');
    expect((await clear.hydrate('todo')).length).toBe(4);
  });

  it('detects a clear row slipped in and an edited status, and seals every write with a new IV', async () => {
    const storage = storageWith(KEY_A);
    await writeTodos(storage, 3);
    await storage.enableEncryption(KEY_A); // the first start's rewrite is over: all is sealed
    const raw = await rawDatabase(db.name);
    const [first] = (await raw.outbox.toArray()) as unknown as Row[];
    await raw.outbox.put({ ...first!, status: 'failed' } as never);
    await raw.records.put({
      modelType: 'todo',
      id: 'evil',
      idx: [],
      data: { id: 'evil' },
    } as never);
    raw.close();

    const corrupt = firstValueFrom(storage.encryption.ring.corrupt$.pipe(take(2), toArray()));
    expect((await storage.hydrate('todo')).map((row) => row.id).sort()).toEqual(['t0', 't1', 't2']);
    expect((await storage.failedEntries()).length).toBe(0);
    const reports = await corrupt;
    expect(reports.every((error) => error instanceof CorruptValueError)).toBeTrue();
    expect(reports.map((error) => [error.table, error.recordId]).sort()).toEqual([
      ['outbox', 't0'],
      ['records', 'evil'],
    ]);

    const ivOf = async () =>
      (
        (await rawRows(db.name, 'records')).find((row) => row['id'] === 't1')![SEALED_FIELD] as {
          iv: Uint8Array;
        }
      ).iv.join();
    const before = await ivOf();
    await storage.write(localWrite.save('todo', { id: 't1', title: 'edge-secret-1' }));
    expect(await ivOf()).not.toBe(before);
  });
});
