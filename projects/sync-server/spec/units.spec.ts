import { parseCliArgs } from '../src/cli-args';
import type { JsonObject } from '../src';
import { applyMergePatch } from '../src/mutations/merge-patch';
import { parseBatchItem } from '../src/mutations/batch';
import { nameList, parseIfMatch, recordData } from '../src/mutations/validate';
import { decodeCursor, encodeCursor } from '../src/store/cursor';
import { fingerprintMutation } from '../src/store/idempotency';

describe('cursor', () => {
  it('round-trips sequence numbers and reads absent as the start', () => {
    for (const seq of [0, 1, 42, 1_000_000, Number.MAX_SAFE_INTEGER]) {
      expect(decodeCursor(encodeCursor(seq))).toBe(seq);
    }
    expect(decodeCursor(undefined)).toBe(0);
    expect(decodeCursor('')).toBe(0);
  });

  it('refuses what it did not issue', () => {
    for (const bad of [
      '!',
      'MDE',
      'LTE',
      'MS4w',
      'MQ==',
      'x'.repeat(30),
      'OTAwNzE5OTI1NDc0MDk5Mw',
    ]) {
      expect(() => decodeCursor(bad))
        .withContext(bad)
        .toThrowMatching((e) => e.code === 'invalid_cursor');
    }
  });
});

describe('applyMergePatch', () => {
  // Typed loosely: jasmine's deep matcher types recurse forever on the recursive JsonValue.
  const merge = (target: object, patch: object): unknown =>
    applyMergePatch(target as JsonObject, patch as JsonObject);

  it('follows RFC 7386', () => {
    expect(merge({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } })).toEqual({
      a: 'z',
      c: { d: 'e' },
    });
    expect(merge({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
    expect(merge({ a: 1 }, { a: { b: 2 } })).toEqual({ a: { b: 2 } });
    expect(merge({ a: { b: 1 } }, { a: 'flat' })).toEqual({ a: 'flat' });
    expect(merge({}, { a: { b: null } })).toEqual({ a: {} });
  });

  it('leaves its inputs alone and keeps __proto__ a plain field', () => {
    const target = { a: { b: 1 } };
    merge(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
    const merged = merge({}, JSON.parse('{"__proto__":{"admin":true}}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect((merged as any).admin).toBeUndefined();
  });
});

describe('parseIfMatch', () => {
  it('reads "3", 3 and W/"3", and * or nothing as any version', () => {
    expect(parseIfMatch('"3"')).toBe(3);
    expect(parseIfMatch('3')).toBe(3);
    expect(parseIfMatch('W/"3"')).toBe(3);
    expect(parseIfMatch(' "12" ')).toBe(12);
    expect(parseIfMatch('*')).toBeUndefined();
    expect(parseIfMatch(undefined)).toBeUndefined();
  });

  it('refuses anything else', () => {
    for (const bad of [
      '"0"',
      '-1',
      '"3',
      '3"',
      'W/3',
      '"a"',
      '"1", "2"',
      '1.5',
      '"9999999999999999"',
    ]) {
      expect(() => parseIfMatch(bad))
        .withContext(bad)
        .toThrowMatching((e) => e.status === 400);
    }
  });
});

describe('fingerprintMutation', () => {
  it('ignores key order and tells different requests apart', () => {
    const base = { op: 'update', collection: 'todos', id: 't1' } as const;
    expect(fingerprintMutation({ ...base, data: { a: 1, b: [{ x: 1, y: 2 }] } })).toBe(
      fingerprintMutation({ ...base, data: { b: [{ y: 2, x: 1 }], a: 1 } })
    );
    expect(fingerprintMutation({ ...base, data: {} })).not.toBe(
      fingerprintMutation({ ...base, data: {}, baseVersion: 1 })
    );
    expect(fingerprintMutation({ ...base, data: { a: [1, 2] } })).not.toBe(
      fingerprintMutation({ ...base, data: { a: [2, 1] } })
    );
  });
});

describe('parseCliArgs', () => {
  it('has defaults that work with no flags', () => {
    const { options, logLevel, help } = parseCliArgs([]);
    expect(options).toEqual({ dbPath: './data/sync.sqlite', port: 8787, host: '127.0.0.1' });
    expect(logLevel).toBe('info');
    expect(help).toBeFalse();
  });

  it('reads every flag', () => {
    const { options, logLevel } = parseCliArgs([
      '--port=9000',
      '--host',
      '0.0.0.0',
      '--db',
      '/tmp/x.sqlite',
      '--collections',
      'todos, notes',
      '--token',
      'secret=alice',
      '--token',
      'a=b=bob',
      '--shared-records',
      '--max-body-bytes',
      '2048',
      '--cors-origin',
      'http://localhost:4200',
      '--log-level',
      'warn',
    ]);
    expect(options).toEqual({
      dbPath: '/tmp/x.sqlite',
      port: 9000,
      host: '0.0.0.0',
      collections: ['todos', 'notes'],
      auth: { tokens: { secret: 'alice', 'a=b': 'bob' }, scopeRecords: false },
      maxBodyBytes: 2048,
      corsOrigins: ['http://localhost:4200'],
    });
    expect(logLevel).toBe('warn');
  });

  it('refuses unknown flags and bad values', () => {
    for (const argv of [
      ['--prot', '1'],
      ['--port', 'x'],
      ['--token', 'nouser'],
      ['--log-level', 'loud'],
      ['extra'],
    ]) {
      expect(() => parseCliArgs(argv))
        .withContext(argv.join(' '))
        .toThrowError();
    }
  });
});

describe('error messages about client input', () => {
  const deep = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

  it('describe a mismatched id briefly, however large or deep it is', () => {
    for (const id of [deep(200_000), 'x'.repeat(900_000), { a: 1 }]) {
      expect(() => recordData({ id }, 't1')).toThrowMatching(
        (e) => e.status === 400 && e.message.length < 200
      );
    }
    const rules = { collections: null, maxIdLength: 128 };
    const item = {
      mutationId: 'm1',
      op: 'create',
      endpoint: 'todos',
      id: 't1',
      data: { id: deep(200_000) },
    };
    expect(parseBatchItem(item, rules).error?.status).toBe(400);
  });

  it('name at most five unknown fields', () => {
    expect(nameList(['a', 'b'])).toBe('a, b');
    const names = Array.from({ length: 50_000 }, (_, i) => `field${i}`);
    expect(nameList(names)).toBe('field0, field1, field2, field3, field4 and 49995 more');
    expect(nameList(['y'.repeat(100)])).toBe(`${'y'.repeat(40)}…`);
  });
});
