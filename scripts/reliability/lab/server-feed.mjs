// @ts-check

/**
 * The live records of a collection on the reference server, read from its change feed straight
 * (not through the kit), by id.
 *
 * @param {string} feedUrl e.g. `http://127.0.0.1:8787/crash_7`
 * @returns {Promise<Map<string, Record<string, unknown> & { id: string }>>}
 * @example
 * const onServer = await readServerFeed(`${serverUrl}/${collection}`);
 */
export async function readServerFeed(feedUrl) {
  const records = new Map();
  let cursor = '';
  for (;;) {
    const response = await fetch(`${feedUrl}?limit=1000&cursor=${encodeURIComponent(cursor)}`);
    if (!response.ok) throw new Error(`reading ${feedUrl}: HTTP ${response.status}`);
    const page = await response.json();
    for (const item of page.items) {
      if (item.deleted) records.delete(item.id);
      else records.set(item.id, item);
    }
    if (!page.hasMore) return records;
    cursor = page.cursor;
  }
}
