import { ServerChange } from '../model/server-change';
import { ListAnswer } from './list-envelope';
import { ResolvedRestMapping } from './resolved-rest-mapping';

/**
 * The query of one pull request under the entity's paging: the opaque cursor (`cursor`), the
 * last `updatedAt` seen (`since`), or the offset kept in the cursor (`offset`); plus the limit.
 * A `null` cursor sends no cursor or since at all, which every paging reads as "from the start".
 *
 * @example
 * pageParams({ ...DEFAULT_REST_MAPPING, paging: 'offset' }, '40', 20); // { offset: '40', limit: '20' }
 */
export function pageParams(
  mapping: ResolvedRestMapping,
  cursor: string | null,
  limit: number
): Record<string, string> {
  const params: Record<string, string> = {};
  if (mapping.paging === 'offset') params[mapping.offsetParam] = String(offsetOf(cursor));
  else if (cursor !== null) {
    params[mapping.paging === 'since' ? mapping.sinceParam : mapping.cursorParam] = cursor;
  }
  params[mapping.limitParam] = String(limit);
  return params;
}

/**
 * Where the next pull continues and whether it should follow at once.
 * - `cursor`: the answer's cursor (its absence keeps the one sent); `hasMore` as the answer says;
 * - `since`: the latest `updatedAt` of the page (the one sent when the page is empty); more when
 *   the page is full, unless the answer says otherwise;
 * - `offset`: the offset after this page; more when the page is full; at the end the cursor is
 *   `null`, so the next pull starts over (an offset list has no change feed to resume).
 * Answers a problem string when an item lacks what the paging needs.
 *
 * @example
 * nextPage(mapping, '40', 20, answer, items); // { cursor: '60', hasMore: true }
 */
export function nextPage(
  mapping: ResolvedRestMapping,
  sent: string | null,
  limit: number,
  answer: ListAnswer,
  items: readonly ServerChange[]
): { cursor: string | null; hasMore: boolean } | string {
  const full = items.length >= limit;
  switch (mapping.paging) {
    case 'cursor':
      return {
        cursor: answer.cursor === undefined ? sent : answer.cursor,
        hasMore: answer.hasMore ?? false,
      };
    case 'since': {
      let latest = sent;
      for (const [index, item] of items.entries()) {
        if (item.updatedAt === null) {
          return `item ${index + 1} has no "${mapping.updatedAtField}", which since paging needs`;
        }
        latest = latest === null ? item.updatedAt : laterOf(latest, item.updatedAt);
      }
      return { cursor: latest, hasMore: answer.hasMore ?? full };
    }
    case 'offset': {
      const hasMore = answer.hasMore ?? full;
      return { cursor: hasMore ? String(offsetOf(sent) + items.length) : null, hasMore };
    }
  }
}

/**
 * The later of two `updatedAt` values: as numbers when both are (epoch times), as times when both
 * are ISO 8601 dates (offsets may differ), else by text (ISO 8601 in one format sorts as text).
 *
 * @example
 * laterOf('2026-01-01T10:00:00+02:00', '2026-01-01T09:30:00Z'); // '2026-01-01T09:30:00Z'
 */
export function laterOf(a: string, b: string): string {
  const numeric = /^-?\d+(\.\d+)?$/;
  if (numeric.test(a) && numeric.test(b)) return Number(b) > Number(a) ? b : a;
  // Only ISO 8601 dates compare as times: browsers' Date.parse reads almost any text as a date.
  const iso = /^\d{4}-\d{2}-\d{2}/;
  const timeA = iso.test(a) ? Date.parse(a) : NaN;
  const timeB = iso.test(b) ? Date.parse(b) : NaN;
  if (!Number.isNaN(timeA) && !Number.isNaN(timeB)) return timeB > timeA ? b : a;
  return b > a ? b : a;
}

/** The offset kept in a cursor; anything else (a cursor stored under another paging) starts over. */
function offsetOf(cursor: string | null): number {
  return cursor !== null && /^\d{1,15}$/.test(cursor) ? Number(cursor) : 0;
}
