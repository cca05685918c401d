import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { EncryptionKeyError, CorruptValueError } from '../../model/encryption-errors';
import { EncryptionOptions } from '../../model/encryption-options';
import { localWrite, plainSpec, testStorage } from '../../../testing-support/test-storage';
import { rawDatabase, rejectionOf, uniqueDatabase } from '../../../testing-support/test-database';
import { SyncStorage } from '../sync-storage';
import { rawRows, rawText, storedEncryption } from '../../../testing-support/raw-storage';
import { sealBytes } from './aes-gcm';
import { openRow, Row, SEALED_FIELD, sealedWith } from './sealed-row';
import { toCryptoKey } from './encryption-key';

const KEY_A = new Uint8Array(32).map((_, i) => i + 1);
const KEY_B = new Uint8Array(32).map((_, i) => 200 - i);
const todoSpec = plainSpec('todo', { indexes: ['list'] });

describe('Encryption at rest on real IndexedDB and WebCrypto', () => {
  let db: ReturnType<typeof uniqueDatabase>;
  const open: SyncStorage[] = [];

  function storageWith(encryptionKey: EncryptionOptions | null): SyncStorage {
    const storage = testStorage(db.name, [todoSpec], { encryptionKey });
    open.push(storage);
    return storage;
  }

  async function writeTodos(storage: SyncStorage, count: number, prefix = 'secret') {
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        storage.write(
          localWrite.save('todo', {
            id: `t${i}`,
            title: `${prefix}-title-${i}`,
            notes: `${prefix}-notes ✓ ${i}`,
            list: i % 2 ? 'home' : 'work',
          })
        )
      )
    );
  }

  beforeEach(() => {
    db = uniqueDatabase('encryption');
  });

  afterEach(async () => {
    open.splice(0).forEach((storage) => storage.close());
    await db.cleanup();
  });

  it('stores no plaintext of 1,000 records and their outbox entries, and reads them all back', async () => {
    const storage = storageWith({ key: KEY_A });
    await writeTodos(storage, 1_000);
    await storage.write(localWrite.update('todo', 't3', { title: 'secret-renamed' }));

    const raw = await rawText(db.name);
    for (const i of [0, 1, 3, 499, 999]) {
      expect(raw).not.toContain(`secret-title-${i}`);
      expect(raw).not.toContain(`secret-notes ✓ ${i}`);
    }
    expect(raw).not.toContain('secret');
    // Ids and the declared index stay clear: queries by them still work.
    expect(raw).toContain('"t999"');
    const outbox = await rawRows(db.name, 'outbox');
    expect(outbox.length).toBe(1_000);
    expect(outbox.every((row) => SEALED_FIELD in row && !('patch' in row))).toBeTrue();

    const rows = await storage.hydrate('todo');
    expect(rows.length).toBe(1_000);
    expect(rows.find((row) => row.id === 't3')?.data['title']).toBe('secret-renamed');
    expect((await storage.findByIndex('todo', 'list', 'home')).length).toBe(500);
    const batch = await storage.takePushBatch(5);
    expect(batch.map((entry) => entry.patch['title'])).toEqual([
      'secret-title-0',
      'secret-title-1',
      'secret-title-2',
      'secret-renamed',
      'secret-title-4',
    ]);
  });

  it('round-trips every value type, also after a reload', async () => {
    const record = {
      id: 'all',
      text: 'Einkaufen 🛒 — ça va? 日本',
      int: 42,
      float: -3.25,
      big: 1e21,
      yes: true,
      no: false,
      nothing: null,
      nested: { a: { b: [1, 'two', { three: 3 }] } },
      list: ['x', 'y'],
      due: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
    };
    await storageWith({ key: KEY_A }).write(localWrite.save('todo', record));
    const reloaded = storageWith({ key: KEY_A });
    const [row] = await reloaded.hydrate('todo');
    expect(row?.data).toEqual(record);
    expect(row?.data['due']).toEqual(jasmine.any(Date));

    // Dates through an entity serializer (ISO strings stored, Dates in the app).
    const serializing = plainSpec('event', {
      serialize: (value: never) => {
        const { at, ...rest } = value as { at: Date };
        return { ...rest, at: at.toISOString() };
      },
      deserialize: (stored) => ({ ...stored, at: new Date(stored['at'] as string) }),
    });
    reloaded.registerSpec(serializing);
    const at = new Date(Date.UTC(2027, 5, 6));
    await reloaded.write(localWrite.save('event', { id: 'e1', at } as never));
    const [event] = await reloaded.hydrate('event');
    expect(serializing.deserialize(event!.data)).toEqual({ id: 'e1', at });
  });

  it('refuses a wrong key with a typed error, changes nothing, and opens with the right key', async () => {
    await writeTodos(storageWith({ key: KEY_A }), 20);
    open.splice(0).forEach((storage) => storage.close());
    const before = await rawText(db.name);

    const storage = storageWith({ key: KEY_B });
    const failure = firstValueFrom(storage.encryption.failures$);
    await storage.open();
    expect(await failure).toEqual(jasmine.any(EncryptionKeyError));
    expect((await failure).message).toContain(
      'does not match the one this database was encrypted with'
    );
    expect(storage.encryption.status$.value.state).toBe('locked');
    const hydration = await rejectionOf(storage.hydrate('todo'));
    expect(hydration).toEqual(jasmine.any(EncryptionKeyError));
    expect(hydration?.kind).toBe('encryption');
    expect(
      await rejectionOf(storage.write(localWrite.save('todo', { id: 'new', title: 'x' })))
    ).toEqual(jasmine.any(EncryptionKeyError));
    expect(await rejectionOf(storage.enableEncryption({ key: KEY_B }))).toEqual(
      jasmine.any(EncryptionKeyError)
    );
    expect(await rawText(db.name)).toBe(before);

    await storage.enableEncryption({ key: KEY_A });
    expect(storage.encryption.status$.value).toEqual({ state: 'on', enabled: true });
    const rows = await storage.hydrate('todo');
    expect(rows.length).toBe(20);
    expect(rows.find((row) => row.id === 't7')?.data['title']).toBe('secret-title-7');
  });

  it('a passphrase opens what it encrypted; another passphrase does not', async () => {
    const options = { passphrase: 'correct horse battery staple', iterations: 100_000 };
    await writeTodos(storageWith(options), 3);
    const stored = await storedEncryption(db.name);
    expect(stored?.keys[0]?.derivation).toEqual(
      jasmine.objectContaining({ kind: 'pbkdf2', iterations: 100_000 })
    );
    expect(await rawText(db.name)).not.toContain('correct horse');
    expect((await storageWith(options).hydrate('todo')).length).toBe(3);
    const wrong = storageWith({ passphrase: 'correct horse battery stapler', iterations: 100_000 });
    expect(await rejectionOf(wrong.hydrate('todo'))).toEqual(jasmine.any(EncryptionKeyError));
  });

  it('draws a fresh IV for each of 100,000 encryptions', async () => {
    const key = await toCryptoKey({ key: KEY_A }, { kind: 'raw' });
    const aad = new Uint8Array([1]);
    const plain = new Uint8Array([1, 2, 3]);
    const seen = new Set<string>();
    for (let round = 0; round < 10; round++) {
      const sealed = await Promise.all(
        Array.from({ length: 10_000 }, () => sealBytes(key, 'k', aad, plain))
      );
      for (const { iv } of sealed) seen.add(String.fromCharCode(...iv));
    }
    expect(seen.size).toBe(100_000);
  });

  it('reports a flipped bit and swapped ciphertexts per record, and loads the rest', async () => {
    const storage = storageWith({ key: KEY_A });
    await writeTodos(storage, 10);
    const raw = await rawDatabase(db.name);
    const [t1, t2, t3] = await raw.records.bulkGet([
      ['todo', 't1'],
      ['todo', 't2'],
      ['todo', 't3'],
    ]);
    const sealedOf = (row: unknown) => (row as Row)[SEALED_FIELD] as { ct: ArrayBuffer };
    const flipped = (row: unknown) => {
      const ct = sealedOf(row).ct.slice(0);
      new Uint8Array(ct)[5]! ^= 0x01;
      return { ...(row as Row), [SEALED_FIELD]: { ...sealedOf(row), ct } };
    };
    await raw.records.put(flipped(t1) as never);
    await raw.records.put({ ...t2!, [SEALED_FIELD]: sealedOf(t3) } as never);
    await raw.records.put({ ...t3!, [SEALED_FIELD]: sealedOf(t2) } as never);
    const firstEntry = await raw.outbox.orderBy('seq').first();
    await raw.outbox.put(flipped(firstEntry) as never);
    raw.close();

    const corrupt = firstValueFrom(storage.encryption.ring.corrupt$.pipe(take(4), toArray()));
    const rows = await storage.hydrate('todo');
    expect(rows.map((row) => row.id).sort()).toEqual(['t0', 't4', 't5', 't6', 't7', 't8', 't9']);
    // The damaged outbox entry is skipped, and holds back its record's later changes.
    await storage.write(localWrite.update('todo', 't0', { title: 'after the damaged create' }));
    const batch = await storage.takePushBatch(20);
    expect(batch.map((entry) => entry.recordId)).toEqual([
      't1',
      't2',
      't3',
      't4',
      't5',
      't6',
      't7',
      't8',
      't9',
    ]);
    const reports = await corrupt;
    expect(reports.every((error) => error instanceof CorruptValueError)).toBeTrue();
    expect(reports.map((error) => [error.table, error.modelType, error.recordId]).sort()).toEqual([
      ['outbox', 'todo', 't0'],
      ['records', 'todo', 't1'],
      ['records', 'todo', 't2'],
      ['records', 'todo', 't3'],
    ]);
    expect(reports[0]?.message).toContain('cannot be decrypted');
    // The damaged rows are left as they are, and saving the record again replaces one.
    await storage.write(localWrite.save('todo', { id: 't1', title: 'fresh' }));
    expect((await storage.readRecords([['todo', 't1']]))[0]?.data['title']).toBe('fresh');
  });

  it('folds no change into an older entry when a newer one cannot be read: order kept', async () => {
    const storage = storageWith({ key: KEY_A });
    await storage.write(localWrite.save('todo', { id: 't0', title: 'created' }));
    const taken = await storage.takePushBatch(1); // the create in flight
    await storage.write(localWrite.update('todo', 't0', { title: 'second' })); // queued behind it
    await storage.releasePushBatch(taken); // the create back in line: two queued entries
    const raw = await rawDatabase(db.name);
    const entries = await raw.outbox.orderBy('seq').toArray();
    const newest = entries[1] as unknown as Row;
    const sealed = newest[SEALED_FIELD] as { ct: ArrayBuffer };
    const ct = sealed.ct.slice(0);
    new Uint8Array(ct)[5]! ^= 0x01;
    await raw.outbox.put({ ...newest, [SEALED_FIELD]: { ...sealed, ct } } as never);
    raw.close();

    await storage.write(localWrite.update('todo', 't0', { title: 'third' }));
    const after = await rawDatabase(db.name);
    const stored = await after.outbox.orderBy('seq').toArray();
    after.close();
    // A third entry after the unreadable one, the create untouched (not `third` folded into it).
    expect(stored.length).toBe(3);
    const key = await toCryptoKey({ key: KEY_A }, { kind: 'raw' });
    const open = (row: unknown) => openRow('outbox', row as Row, () => key);
    const create = await open(stored[0]);
    expect(create['op']).toBe('create');
    expect((create['patch'] as Record<string, unknown>)['title']).toBe('created');
    expect(((await open(stored[2]))['patch'] as Record<string, unknown>)['title']).toBe('third');
  });

  it('enables, disables and enables with another key, every value readable throughout', async () => {
    const storage = storageWith(null);
    await writeTodos(storage, 300);
    expect(await rawText(db.name)).toContain('secret-title-299');

    await storage.enableEncryption({ key: KEY_A });
    expect(await rawText(db.name)).not.toContain('secret');
    expect(storage.encryption.status$.value).toEqual({ state: 'on', enabled: true });

    await storage.disableEncryption();
    expect(await rawText(db.name)).toContain('secret-title-299');
    expect((await rawRows(db.name, 'records')).some((row) => SEALED_FIELD in row)).toBeFalse();
    expect(await storedEncryption(db.name)).toEqual(
      jasmine.objectContaining({ keys: [], target: null, rewrite: null })
    );

    await storage.enableEncryption({ passphrase: 'second key', iterations: 100_000 });
    expect(await rawText(db.name)).not.toContain('secret');
    expect((await storage.hydrate('todo')).length).toBe(300);

    const later = storageWith({ passphrase: 'second key', iterations: 100_000 });
    expect((await later.hydrate('todo')).length).toBe(300);
    expect(await rejectionOf(storageWith({ key: KEY_A }).hydrate('todo'))).toEqual(
      jasmine.any(EncryptionKeyError)
    );
  });

  it('survives a reload in the middle of a key change: each value readable with one key, then finished', async () => {
    const first = storageWith({ key: KEY_A });
    await writeTodos(first, 1_200);
    // Queued behind the first start's own rewrite (from the clear to key A): waits for it.
    await first.enableEncryption({ key: KEY_A });
    // "Close the tab" after the third committed chunk of the rewrite.
    const thirdChunk = firstValueFrom(
      first.encryption.progress$.pipe(filter(Boolean), take(3), toArray())
    );
    const change = first.changeEncryptionKey({ key: KEY_B });
    await thirdChunk;
    first.close();
    await rejectionOf(change);

    const stored = await storedEncryption(db.name);
    expect(stored?.keys.length).toBe(2);
    expect(stored?.rewrite).not.toBeNull();
    const [kidA, kidB] = stored!.keys.map((check) => check.kid);
    const keyA = await toCryptoKey({ key: KEY_A }, { kind: 'raw' });
    const keyB = await toCryptoKey({ key: KEY_B }, { kind: 'raw' });
    const rows = [...(await rawRows(db.name, 'records')), ...(await rawRows(db.name, 'outbox'))];
    const kids = rows.map(sealedWith);
    expect(kids).toContain(kidA!);
    expect(kids).toContain(kidB!);
    const keyFor = (kid: string) => (kid === kidA ? keyA : kid === kidB ? keyB : undefined);
    for (const row of rows) {
      const table = 'seq' in row ? 'outbox' : 'records';
      await expectAsync(openRow(table, row, keyFor))
        .withContext(String(row['id']))
        .toBeResolved();
    }

    // Back with the new key only: locked until the old one is given, then the change finishes.
    const second = storageWith({ key: KEY_B });
    expect(await rejectionOf(second.hydrate('todo'))).toEqual(jasmine.any(EncryptionKeyError));
    expect(second.encryption.status$.value.state).toBe('locked');
    await second.enableEncryption({ key: KEY_A });
    const done = await storedEncryption(db.name);
    expect(done?.keys.map((check) => check.kid)).toEqual([kidB!]);
    expect(done).toEqual(jasmine.objectContaining({ target: kidB, rewrite: null }));
    expect((await rawRows(db.name, 'records')).every((row) => sealedWith(row) === kidB)).toBeTrue();
    const hydrated = await storageWith({ key: KEY_B }).hydrate('todo');
    expect(hydrated.length).toBe(1_200);
    expect(hydrated.find((row) => row.id === 't1199')?.data['title']).toBe('secret-title-1199');
  });
});
