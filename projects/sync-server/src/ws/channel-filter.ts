import { isTombstone, type ChangeEvent, type SyncEntry } from '../model';
import { isPlainObject } from '../mutations/validate';
import type { ChannelParams } from './messages';

/** Most fields a subscription may filter on. */
export const MAX_FILTER_FIELDS = 10;
/** Longest field name and longest string value of a filter. */
const MAX_FIELD_LENGTH = 64;
const MAX_STRING_VALUE_LENGTH = 1024;

/**
 * Checks the `params` of a subscribe message: absent or a plain object of at most 10 fields
 * whose values are strings, finite numbers, booleans or null. Returns the filter (a copy, so
 * the client's object is not kept) or the reason it is refused. The length limits keep 100
 * subscriptions of a connection from holding megabytes of filter values.
 *
 * @example
 * parseChannelParams({ done: false }); // { params: { done: false } }
 * parseChannelParams({ tags: ['a'] }); // { error: "params.tags must be …" }
 */
export function parseChannelParams(
  raw: unknown
): { params: ChannelParams; error?: undefined } | { error: string } {
  if (raw === undefined || raw === null) return { params: {} };
  if (!isPlainObject(raw)) return { error: 'params must be a JSON object of field values' };
  const entries = Object.entries(raw);
  if (entries.length > MAX_FILTER_FIELDS) {
    return { error: `params may filter on at most ${MAX_FILTER_FIELDS} fields` };
  }
  const params: Record<string, string | number | boolean | null> = {};
  for (const [field, value] of entries) {
    if (field === '' || field.length > MAX_FIELD_LENGTH) {
      return { error: `params field names must be 1 to ${MAX_FIELD_LENGTH} characters` };
    }
    const name = `params.${field.slice(0, MAX_FIELD_LENGTH)}`;
    if (typeof value === 'string' && value.length > MAX_STRING_VALUE_LENGTH) {
      return { error: `${name} is longer than ${MAX_STRING_VALUE_LENGTH} characters` };
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return { error: `${name} is a number JSON cannot hold` };
    }
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
      return { error: `${name} must be a string, number, boolean or null` };
    }
    // defineProperty: a '__proto__' field stays a plain field instead of changing the prototype.
    Object.defineProperty(params, field, { value, enumerable: true, writable: true });
  }
  return { params };
}

/**
 * True when the live record `entry` has every field of `params` with an equal value (===);
 * a missing field counts as null. A tombstone or no entry never matches.
 *
 * @example
 * matchesParams({ id: 't1', done: false, version: 1, updatedAt: '…' }, { done: false }); // true
 */
export function matchesParams(entry: SyncEntry | undefined, params: ChannelParams): boolean {
  if (!entry || isTombstone(entry)) return false;
  for (const [field, value] of Object.entries(params)) {
    const actual = Object.hasOwn(entry, field) ? entry[field] : null;
    if (actual !== value) return false;
  }
  return true;
}

/**
 * A subscription's filter, with its emptiness decided once rather than on every write.
 *
 * @example
 * const filter = channelFilter({ done: false }); // { params: { done: false }, filtered: true }
 */
export interface ChannelFilter {
  readonly params: ChannelParams;
  /** False for `{}`: every record of the channel passes. */
  readonly filtered: boolean;
}

/**
 * Wraps checked params (see `parseChannelParams`) as a `ChannelFilter`.
 *
 * @example
 * channelFilter({}).filtered; // false
 */
export function channelFilter(params: ChannelParams): ChannelFilter {
  return { params, filtered: Object.keys(params).length > 0 };
}

/**
 * Whether a subscriber with `filter` gets `event`: with no filter always; otherwise when the
 * record matches after the write, or matched before it. The second half delivers a record
 * that leaves the filter (and a delete), so the subscriber can drop what it holds.
 *
 * @example
 * if (wantsChange(subscription, event)) session.sendFrame(frame);
 */
export function wantsChange(filter: ChannelFilter, event: ChangeEvent): boolean {
  if (!filter.filtered) return true;
  return matchesParams(event.entry, filter.params) || matchesParams(event.previous, filter.params);
}
