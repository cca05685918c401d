/**
 * Turns the sealed part of a stored row into bytes and back. JSON, plus what IndexedDB would have
 * kept and JSON would lose: dates (invalid ones too), `NaN`, `±Infinity`, `-0` and `undefined`
 * array items travel with a list of where they were, so no user value can be mistaken for one. A
 * value IndexedDB could not store either (a function, a symbol) or that JSON would mangle (a
 * `Map`, `Set`, `BigInt`, binary data, an object with its own `toJSON`) is refused with a
 * `DataCloneError`, as IndexedDB refuses what it cannot store. Properties holding `undefined` are
 * dropped, which reads back the same.
 *
 * @example
 * decodeValue(encodeValue({ due: new Date(0) })); // { due: Date(0) }
 */
export function encodeValue(value: unknown): Uint8Array {
  const special: SpecialValue[] = [];
  inspect(value, [], special);
  const encoded = special.length === 0 ? [value] : [value, special];
  return encoder.encode(JSON.stringify(encoded, specialAsNull));
}

/**
 * The reverse of {@link encodeValue}.
 *
 * @example
 * const row = decodeValue(bytes) as Record<string, unknown>;
 */
export function decodeValue(bytes: Uint8Array): unknown {
  const [value, special = []] = JSON.parse(decoder.decode(bytes)) as [unknown, SpecialValue[]?];
  for (const [path, kind, time] of special) {
    const holder = path.slice(0, -1).reduce<any>((node, key) => node[key], value); // eslint-disable-line @typescript-eslint/no-explicit-any
    holder[path[path.length - 1] as string | number] =
      kind === 'date' ? new Date(time ?? NaN) : SPECIAL_NUMBERS[kind];
  }
  return value;
}

/** Keys from the root to a value (the root itself is a row, never special). */
type ValuePath = (string | number)[];
type SpecialKind = 'date' | 'nan' | 'inf' | '-inf' | '-0' | 'undefined';
/** Where a special value was, its kind and, for a valid date, its time. */
type SpecialValue = [ValuePath, SpecialKind, number?];

const SPECIAL_NUMBERS: Record<Exclude<SpecialKind, 'date'>, number | undefined> = {
  nan: NaN,
  inf: Infinity,
  '-inf': -Infinity,
  '-0': -0,
  undefined: undefined,
};
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function inspect(value: unknown, path: ValuePath, out: SpecialValue[]): void {
  switch (typeof value) {
    case 'number':
      if (Object.is(value, -0)) out.push([path, '-0']);
      else if (!Number.isFinite(value)) out.push([path, nonFinite(value)]);
      return;
    case 'function':
    case 'symbol':
    case 'bigint':
      throw unstorable(typeof value, path);
    case 'object':
      if (value === null) return;
      if (value instanceof Date) {
        const time = value.getTime();
        out.push(Number.isNaN(time) ? [path, 'date'] : [path, 'date', time]);
      } else if (Array.isArray(value)) {
        value.forEach((item, i) => {
          // JSON writes `null` for an `undefined` item (or a hole); IndexedDB keeps it.
          if (item === undefined) out.push([[...path, i], 'undefined']);
          else inspect(item, [...path, i], out);
        });
      } else if (isPlainData(value)) {
        for (const [key, item] of Object.entries(value)) inspect(item, [...path, key], out);
      } else {
        throw unstorable(value.constructor?.name ?? 'object', path);
      }
  }
}

function nonFinite(value: number): SpecialKind {
  if (Number.isNaN(value)) return 'nan';
  return value > 0 ? 'inf' : '-inf';
}

/**
 * Objects JSON keeps whole: plain objects and instances of plain classes, but not one with its
 * own `toJSON` (JSON would write what that returns, not what the object holds).
 */
function isPlainData(value: object): boolean {
  return !(
    typeof (value as { toJSON?: unknown }).toJSON === 'function' ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    value instanceof RegExp ||
    (typeof Blob !== 'undefined' && value instanceof Blob)
  );
}

function unstorable(what: string, path: ValuePath): DOMException {
  return new DOMException(
    `A ${what} at "${path.join('.')}" cannot be stored encrypted`,
    'DataCloneError'
  );
}

function specialAsNull(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // `value` went through `Date.prototype.toJSON` already; the holder still has the original.
  const original = this[key];
  return original instanceof Date ? null : value;
}
