import { OfflineSyncError } from '../model/sync-error';
import { readServerRecord, RecordReading } from './read-server-record';
import { DEFAULT_REST_MAPPING } from './resolved-rest-mapping';

describe('readServerRecord', () => {
  const reading: RecordReading = {
    modelType: 'todo',
    request: 'PATCH https://api.test/todos/t1',
    mapping: DEFAULT_REST_MAPPING,
  };
  const problem = (value: unknown, how: Partial<RecordReading> = {}): OfflineSyncError => {
    try {
      readServerRecord(value, { ...reading, ...how });
    } catch (error) {
      return error as OfflineSyncError;
    }
    throw new Error('expected an invalid-response error');
  };

  it('reads a live record with its version and time, keeping the whole object as data', () => {
    const body = { id: 't1', title: 'Milk', version: 2, updatedAt: '2026-11-24T10:00:00.000Z' };
    expect(readServerRecord(body, reading)).toEqual({
      id: 't1',
      deleted: false,
      version: 2,
      updatedAt: '2026-11-24T10:00:00.000Z',
      data: body,
    });
  });

  it('reads a tombstone', () => {
    expect(readServerRecord({ id: 't1', deleted: true, version: 4 }, reading)).toEqual({
      id: 't1',
      deleted: true,
      version: 4,
      updatedAt: null,
    });
  });

  it('follows the mapping: id, version, time and tombstone field names', () => {
    const mapping = {
      ...DEFAULT_REST_MAPPING,
      idField: 'uuid',
      versionField: 'rev',
      updatedAtField: 'modified',
      deletedField: 'isDeleted',
    };
    const live = readServerRecord(
      { uuid: 7, rev: 3, modified: 1_732_400_000_000 },
      { ...reading, mapping }
    );
    expect(live).toEqual(
      jasmine.objectContaining({ id: '7', version: 3, updatedAt: '1732400000000' })
    );
    const gone = readServerRecord({ uuid: 'a', isDeleted: true }, { ...reading, mapping });
    expect(gone).toEqual({ id: 'a', deleted: true, version: null, updatedAt: null });
  });

  it('takes the version from the ETag header when told to, else from the field', () => {
    const mapping = { ...DEFAULT_REST_MAPPING, versionSource: 'etag' as const };
    expect(readServerRecord({ id: 't1' }, { ...reading, mapping, etag: 'W/"9"' }).version).toBe(9);
    expect(readServerRecord({ id: 't1', version: 2 }, { ...reading, mapping }).version).toBe(2);
    expect(problem({ id: 't1' }, { mapping, etag: '"a1b2"' }).message).toContain('ETag "a1b2"');
  });

  it('refuses records it cannot trust, naming entity, request and field', () => {
    const missing = problem({ title: 'Milk' });
    expect(missing.kind).toBe('invalid-response');
    expect(missing.message).toContain('PATCH https://api.test/todos/t1');
    expect(missing.message).toContain('(todo)');
    expect(missing.message).toContain('"id" must be a non-empty string, not nothing');

    expect(problem({ id: 't1', version: '3' }).message).toContain(
      '"version" must be a whole number, not the string "3"'
    );
    expect(problem({ id: 't1', version: 1.5 }).message).toContain('"version"');
    expect(problem({ id: 't1', deleted: 'yes' }).message).toContain(
      '"deleted" must be true or false'
    );
    expect(problem({ id: 't1', updatedAt: {} }).message).toContain('"updatedAt"');
    expect(problem('<html>').message).toContain(
      'expected a record object, got the string "<html>"'
    );
    expect(problem([]).message).toContain('an array of 0');
  });

  it('refuses an answer about another record than the one asked for', () => {
    const error = problem({ id: 't2', version: 1 }, { recordId: 't1', where: 'current' });
    expect(error.message).toContain('current: "id" is "t2", but the request was about "t1"');
    expect(error.recordId).toBe('t1');
  });
});
