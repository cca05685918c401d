import { OfflineSyncError } from '../model/sync-error';
import { affectsWholeDatabase, noIndexedDbError, toStorageError } from './storage-errors';

describe('toStorageError', () => {
  const context = { databaseName: 'app', modelType: 'todo', recordId: 't1', operation: 'save' };

  it('turns a quota error into a quota error that names the record and the remedy', () => {
    const error = toStorageError(new DOMException('full', 'QuotaExceededError'), context);
    expect(error.kind).toBe('quota');
    expect(error.message).toContain('the save of todo "t1" was not stored');
    expect(error.message).toContain('Free space');
    expect(error.recordId).toBe('t1');
    expect(affectsWholeDatabase(error)).toBeTrue();
  });

  it('sees a quota error Dexie wrapped in an AbortError', () => {
    const wrapped = Object.assign(new Error('aborted'), {
      name: 'AbortError',
      inner: new DOMException('full', 'QuotaExceededError'),
    });
    expect(toStorageError(wrapped, context).kind).toBe('quota');
  });

  it('tells the user to reload when the database was closed or upgraded elsewhere', () => {
    for (const name of ['DatabaseClosedError', 'VersionChangeError', 'VersionError']) {
      const error = toStorageError(Object.assign(new Error(name), { name }), context);
      expect(error.kind).withContext(name).toBe('storage');
      expect(error.message)
        .withContext(name)
        .toMatch(/Reload the page/);
      expect(affectsWholeDatabase(error)).withContext(name).toBeTrue();
    }
  });

  it('keeps errors about one record retryable one by one', () => {
    const clone = toStorageError(new DOMException('nope', 'DataCloneError'), context);
    expect(clone.message).toContain('serialize');
    expect(affectsWholeDatabase(clone)).toBeFalse();
    const other = toStorageError(new Error('Constraint failed.'), context);
    expect(other.message).toContain('Constraint failed. Nothing was changed');
    expect(affectsWholeDatabase(other)).toBeFalse();
  });

  it('passes kit errors through unchanged and marks a missing IndexedDB as whole-database', () => {
    const own = new OfflineSyncError('not-found', 'x');
    expect(toStorageError(own, context)).toBe(own);
    expect(affectsWholeDatabase(noIndexedDbError('app'))).toBeTrue();
  });
});
