import { OfflineSyncError } from '../model/sync-error';
import { PullPage, ServerChange } from '../model/server-change';

/** Pages fetched and not stored yet, at most: what one pull keeps in memory ahead of storage. */
export const MAX_PAGES_AHEAD = 4;

/**
 * The pages of one pull of `modelType`, fetched ahead of storing: one request at a time, each
 * sent as soon as the page before it arrived (its cursor is all it needs), while up to
 * {@link MAX_PAGES_AHEAD} pages wait. `next()` hands out every page that arrived meanwhile as
 * one page, so when storing is slower than the server, one transaction and one store update take
 * several pages (the store's entity maps are copied once per update: per page, a long pull
 * copied them hundreds of times). When the server is slower, pages come one by one, as before.
 *
 * A failed request, or a page that says more follow under the cursor it was asked with, ends the
 * feed: the pages that arrived before it are still handed out, then `next()` rejects.
 *
 * @example
 * const pages = pullPagesAhead('todo', (from) => transport.pull(context, entity, from, 100), cursor);
 * try {
 *   for (let page = await pages.next(); page; page = await pages.next()) await store(page);
 * } finally {
 *   pages.stop();
 * }
 */
export function pullPagesAhead(
  modelType: string,
  fetchPage: (cursor: string | null) => Promise<PullPage>,
  cursor: string | null
): { next(): Promise<PullPage | null>; stop(): void } {
  const arrived: PullPage[] = [];
  let ended = false;
  let failure: { error: unknown } | null = null;
  let fetching = false;
  let from = cursor;
  let wake: (() => void) | null = null;

  const fetchAhead = async () => {
    fetching = true;
    try {
      while (!ended && arrived.length < MAX_PAGES_AHEAD) {
        const page = await fetchPage(from);
        if (ended) return; // stopped meanwhile: the page is not wanted
        arrived.push(page);
        if (page.hasMore && page.cursor === from) throw sameCursorAgain(modelType);
        from = page.cursor;
        ended = !page.hasMore;
        wake?.();
      }
    } catch (error) {
      failure = { error };
      ended = true;
    } finally {
      fetching = false;
      wake?.();
    }
  };

  return {
    async next() {
      if (!fetching && !ended) void fetchAhead();
      while (arrived.length === 0 && fetching) await new Promise<void>((r) => (wake = r));
      wake = null;
      const pages = arrived.splice(0);
      // Room again: fetch on while these are stored.
      if (!fetching && !ended) void fetchAhead();
      if (pages.length > 0) return merged(pages);
      if (failure) throw failure.error;
      return null;
    },
    stop() {
      ended = true;
    },
  };
}

/**
 * Pages in feed order as one: the last page's cursor, and each record once, in its newest state
 * (a record changed again while the pull ran shows up in two pages). Newest is the higher version
 * when both have one, as storing them one by one would keep (an older version than the one held
 * is ignored), else the later entry of the feed.
 */
function merged(pages: readonly PullPage[]): PullPage {
  const last = pages[pages.length - 1] as PullPage;
  if (pages.length === 1) return last;
  const newest = new Map<string, ServerChange>();
  for (const page of pages) {
    for (const item of page.items) {
      const seen = newest.get(item.id);
      const older = seen?.version != null && item.version !== null && item.version < seen.version;
      if (older) continue;
      newest.delete(item.id); // keeps the feed order of the entries kept
      newest.set(item.id, item);
    }
  }
  return { items: [...newest.values()], cursor: last.cursor, hasMore: last.hasMore };
}

function sameCursorAgain(modelType: string): OfflineSyncError {
  return new OfflineSyncError(
    'invalid-response',
    `The server said more ${modelType} changes follow but gave the same cursor again; ` +
      `pulling stopped instead of asking for the same page forever. Check the server's paging.`,
    { modelType }
  );
}
