import { decodeValue, encodeValue } from './value-codec';

describe('encodeValue / decodeValue', () => {
  const roundTrip = (value: unknown) => decodeValue(encodeValue(value));

  it('keeps every JSON type, dates and non-finite numbers', () => {
    const value = {
      text: 'Milch 🥛 für Ümit — 日本語 \u0000 "quoted"',
      empty: '',
      numbers: [0, -0.5, 1e308, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity],
      flags: [true, false],
      nothing: null,
      nested: { deeper: { list: [{ due: new Date(Date.UTC(2026, 10, 24, 9, 30)) }] } },
      when: new Date(0),
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(back.when).toEqual(jasmine.any(Date));
    expect(back.nested.deeper.list[0]?.due.toISOString()).toBe('2026-11-24T09:30:00.000Z');
    expect(Number.isNaN(back.numbers[4])).toBeTrue();
  });

  it('never mistakes user data for a date', () => {
    const value = { a: [['x'], 'date', 0], b: { '0': ['a'], date: 5 }, c: [[], 'nan'] };
    expect(roundTrip(value)).toEqual(value);
  });

  it('drops properties holding undefined, as reading them gives undefined anyway', () => {
    expect(roundTrip({ a: 1, b: undefined })).toEqual({ a: 1 });
  });

  it('keeps what JSON alone would change: -0, undefined array items, invalid dates', () => {
    const back = roundTrip({ zero: -0, list: [1, undefined, null], bad: new Date(NaN) }) as {
      zero: number;
      list: unknown[];
      bad: Date;
    };
    expect(Object.is(back.zero, -0)).toBeTrue();
    expect(back.list).toEqual([1, undefined, null]);
    expect(back.bad).toEqual(jasmine.any(Date));
    expect(Number.isNaN(back.bad.getTime())).toBeTrue();
  });

  it('refuses what it cannot keep with a DataCloneError, as IndexedDB does', () => {
    class Money {
      constructor(readonly at = new Date(0)) {}
      toJSON() {
        return '5c';
      }
    }
    const unstorable = [() => 1, Symbol('s'), 10n, new Map(), new Set([1]), new Uint8Array(2)];
    for (const bad of [...unstorable, new Money()]) {
      let thrown: unknown = null;
      try {
        encodeValue({ nested: { bad } });
      } catch (error) {
        thrown = error;
      }
      expect((thrown as DOMException | null)?.name)
        .withContext(String(bad))
        .toBe('DataCloneError');
    }
  });
});
