/**
 * A copy of an options object without its `undefined` fields, so spreading it over defaults
 * keeps the defaults where the caller wrote `field: undefined` (or left it out).
 *
 * @example
 * ({ ...{ batchSize: 50 }, ...withoutUndefined({ batchSize: undefined }) }); // { batchSize: 50 }
 */
export function withoutUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(
    Object.entries(value ?? {}).filter(([, field]) => field !== undefined)
  ) as Partial<T>;
}
