import { isOfflineSyncError } from '../model/sync-error';
import { PullPage, ServerChange } from '../model/server-change';
import { MAX_PAGES_AHEAD, pullPagesAhead } from './pull-pages-ahead';

/** A server change of record `id` at `version`. */
function item(id: string, version: number): ServerChange {
  return { id, deleted: false, version, updatedAt: null, data: { id, version } };
}

/** A fake feed: page `n` (cursor `c<n>`) holds `pages[n]`; each request waits to be answered. */
class FakeFeed {
  readonly asked: (string | null)[] = [];
  private readonly answers: ((page: PullPage) => void)[] = [];
  private readonly failures: ((error: unknown) => void)[] = [];

  constructor(private readonly pages: ServerChange[][]) {}

  readonly fetchPage = (from: string | null): Promise<PullPage> => {
    this.asked.push(from);
    return new Promise<PullPage>((resolve, reject) => {
      this.answers.push(resolve);
      this.failures.push(reject);
    });
  };

  /** Answers the request in flight (there is one at a time) with the page after its cursor. */
  async answer(overrides: Partial<PullPage> = {}): Promise<void> {
    const n = this.answers.length - 1;
    const from = this.asked[n] ?? null;
    const index = from === null ? 0 : Number(from.slice(1)) + 1;
    this.answers[n]?.({
      items: this.pages[index] ?? [],
      cursor: `c${index}`,
      hasMore: index < this.pages.length - 1,
      ...overrides,
    });
    await settle();
  }

  async fail(error: unknown): Promise<void> {
    this.failures[this.failures.length - 1]?.(error);
    await settle();
  }
}

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('pullPagesAhead (the pages of one pull, fetched while earlier ones are stored)', () => {
  it('hands a page out as soon as it arrives, and asks for the next with its cursor', async () => {
    const feed = new FakeFeed([[item('a', 1)], [item('b', 1)]]);
    const pages = pullPagesAhead('todo', feed.fetchPage, null);

    const first = pages.next();
    await feed.answer();
    expect((await first)?.items.map((i) => i.id)).toEqual(['a']);
    expect(feed.asked).toEqual([null, 'c0']);

    const second = pages.next();
    await feed.answer();
    expect(await second).toEqual({ items: [item('b', 1)], cursor: 'c1', hasMore: false });
    expect(await pages.next()).toBeNull();
    expect(feed.asked).toEqual([null, 'c0']);
  });

  it('fetches at most MAX_PAGES_AHEAD pages while storing lags, then hands them out as one page, each record once as the latest page has it', async () => {
    const feed = new FakeFeed([
      [item('a', 1)],
      [item('b', 1), item('a', 2)],
      [item('c', 1)],
      [item('b', 2)],
      [item('d', 1)],
      [item('e', 1)],
    ]);
    const pages = pullPagesAhead('todo', feed.fetchPage, null);
    const first = pages.next();
    await feed.answer();
    await first; // the consumer now "stores" page 0 while the feed runs ahead

    for (let i = 0; i < 4; i++) await feed.answer();
    // Pages 1–4 arrived; page 5 is not asked for until there is room.
    expect(feed.asked).toEqual([null, 'c0', 'c1', 'c2', 'c3']);
    expect(MAX_PAGES_AHEAD).toBe(4);

    const batch = await pages.next();
    expect(batch?.items).toEqual([item('a', 2), item('c', 1), item('b', 2), item('d', 1)]);
    expect(batch?.cursor).toBe('c4');
    expect(batch?.hasMore).toBeTrue();
    expect(feed.asked).toEqual([null, 'c0', 'c1', 'c2', 'c3', 'c4']);

    const last = pages.next();
    await feed.answer();
    expect((await last)?.items).toEqual([item('e', 1)]);
    expect(await pages.next()).toBeNull();
  });

  it('keeps the higher version of a record met twice in merged pages, whatever their order', async () => {
    const feed = new FakeFeed([[], [item('a', 3)], [item('a', 2), item('b', 1)]]);
    const pages = pullPagesAhead('todo', feed.fetchPage, null);
    const first = pages.next();
    await feed.answer();
    await first;
    await feed.answer();
    await feed.answer();

    expect((await pages.next())?.items).toEqual([item('a', 3), item('b', 1)]);
  });

  it('hands out the pages that arrived before a failed request, then rejects with its error', async () => {
    const feed = new FakeFeed([[item('a', 1)], [item('b', 1)], [item('c', 1)]]);
    const pages = pullPagesAhead('todo', feed.fetchPage, 'start');
    const first = pages.next();
    await feed.answer({ items: [item('a', 1)], cursor: 'c0', hasMore: true });
    await first;
    await feed.answer();
    const offline = new Error('offline');
    await feed.fail(offline);

    expect((await pages.next())?.items).toEqual([item('b', 1)]);
    await expectAsync(pages.next()).toBeRejectedWith(offline);
    expect(feed.asked).toEqual(['start', 'c0', 'c1']);
  });

  it('hands out a page that says more follow under the same cursor, then rejects: no endless loop', async () => {
    const feed = new FakeFeed([[item('a', 1)]]);
    const pages = pullPagesAhead('todo', feed.fetchPage, 'c7');
    const first = pages.next();
    await feed.answer({ items: [item('a', 1)], cursor: 'c7', hasMore: true });

    expect((await first)?.items).toEqual([item('a', 1)]);
    const error: unknown = await pages.next().catch((e: unknown) => e);
    expect(isOfflineSyncError(error) && error.kind).toBe('invalid-response');
    expect(String(error)).toContain('gave the same cursor again');
    expect(feed.asked).toEqual(['c7']);
  });

  it('asks for nothing more once stopped (storing a page failed), and drops a page still coming', async () => {
    const feed = new FakeFeed([[item('a', 1)], [item('b', 1)], [item('c', 1)]]);
    const pages = pullPagesAhead('todo', feed.fetchPage, null);
    const first = pages.next();
    await feed.answer();
    await first;

    pages.stop();
    await feed.answer();

    expect(feed.asked).toEqual([null, 'c0']);
    expect(await pages.next()).toBeNull();
  });
});
