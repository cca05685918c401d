import { rawDatabase, uniqueDatabase } from '../../../testing-support/test-database';
import { ENCRYPTION_META_KEY, NO_ENCRYPTION } from './key-ring';
import { compareAndSetEncryption, readStoredEncryption } from './stored-encryption';

describe('stored encryption state', () => {
  it('reads a state stored without a generation as generation 0, so it can still be changed', async () => {
    const db = uniqueDatabase('stored-encryption');
    const raw = await rawDatabase(db.name);
    try {
      const { generation: _none, ...withoutGeneration } = { ...NO_ENCRYPTION };
      await raw.meta.put({ key: ENCRYPTION_META_KEY, value: withoutGeneration });
      expect((await readStoredEncryption(raw)).generation).toBe(0);
      const saved = await compareAndSetEncryption(raw, 0, withoutGeneration);
      expect(saved?.generation).toBe(1);
    } finally {
      raw.close();
      await db.cleanup();
    }
  });
});
