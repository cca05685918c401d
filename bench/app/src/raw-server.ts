import { BenchTodo } from './bench-todo';
import { RawDatabase, rawRecordRow } from './raw-dexie';

/**
 * The network baselines: `fetch` and `WebSocket` against the same reference server, through the
 * same `/api` proxy, with no kit code in between.
 *
 * @example
 * await rawPush('/api', 'push-1', todos, 100);
 */
export async function rawPush(
  apiUrl: string,
  endpoint: string,
  todos: readonly BenchTodo[],
  batchSize: number
): Promise<void> {
  for (let start = 0; start < todos.length; start += batchSize) {
    const mutations = todos
      .slice(start, start + batchSize)
      .map((todo) => createMutation(endpoint, todo));
    const response = await fetch(`${apiUrl}/sync/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mutations }),
    });
    const answer = (await response.json()) as { results?: { status: number }[] };
    const refused = answer.results?.find((result) => result.status >= 300);
    if (!response.ok || !answer.results || refused) {
      throw new Error(
        `raw push: batch at ${start} answered ${response.status} ${JSON.stringify(refused ?? answer).slice(0, 200)}`
      );
    }
  }
}

/** One create as `POST /sync/batch` and a WebSocket `batch` message carry it. */
export function createMutation(endpoint: string, todo: BenchTodo) {
  return { mutationId: crypto.randomUUID(), op: 'create', endpoint, id: todo.id, data: todo };
}

interface PullPage {
  items: (BenchTodo & { version: number; deleted?: boolean })[];
  cursor: string | null;
  hasMore: boolean;
}

/**
 * Initial pull by hand: every page of the change feed fetched in turn and stored with one
 * `bulkPut` each. Resolves with the number of records stored.
 *
 * @example
 * const count = await rawPull('/api', 'todos', 1000, openRawDatabase('bench-raw-pull'));
 */
export async function rawPull(
  apiUrl: string,
  endpoint: string,
  pageSize: number,
  db: RawDatabase
): Promise<number> {
  let cursor: string | null = null;
  let stored = 0;
  for (;;) {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (cursor !== null) query.set('cursor', cursor);
    const response = await fetch(`${apiUrl}/${endpoint}?${query}`);
    if (!response.ok) throw new Error(`raw pull: ${endpoint} answered ${response.status}`);
    const page = (await response.json()) as PullPage;
    const live = page.items.filter((item) => !item.deleted);
    await db.records.bulkPut(live.map(({ version, ...todo }) => rawRecordRow(todo, version)));
    stored += live.length;
    cursor = page.cursor;
    if (!page.hasMore) return stored;
  }
}

/**
 * A raw WebSocket to the server's `/ws`, subscribed to `channel`, calling `onChange` with the
 * id of every change event.
 *
 * @example
 * const socket = await rawSubscriber('/api', 'rt-1', (id) => seen(id));
 */
export function rawSocket(
  apiUrl: string,
  channel: string | null,
  onChange: (id: string) => void = () => undefined
): Promise<WebSocket> {
  const url = new URL(`${apiUrl}/ws`, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.onerror = () => reject(new Error(`raw WebSocket to ${url} failed`));
    socket.onopen = () => {
      if (channel === null) resolve(socket);
      else socket.send(JSON.stringify({ type: 'subscribe', channel }));
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { type: string; id?: string };
      if (message.type === 'subscribed') resolve(socket);
      if (message.type === 'subscribe_error')
        reject(new Error(`subscribe ${channel}: ${String(event.data)}`));
      if (message.type === 'change' && message.id) onChange(message.id);
    };
  });
}
