// Drives the demo the way a user does (labels, buttons, the status bar), for the e2e scenarios.
// Every wait polls the page; no scenario asserts on timing.

/** What shows the demo is ready: its status bar, once the store holds what the device stores. */
export const READY_SELECTOR = '[data-testid="sync-status"][data-status-hydrated="true"]';

/** Polls `check` until it returns a truthy value; fails naming `what` after `timeout` ms. */
export async function until(check, what, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`timed out waiting for ${what} (last: ${describe(last)})`);
}

function describe(value) {
  return value instanceof Error ? value.message : JSON.stringify(value);
}

/**
 * One device's view of the demo: a browser context with its own IndexedDB and network switch.
 * `prefix` scopes the board to the tasks of one scenario (the server is shared by all of them).
 */
export class DemoPage {
  constructor(context, page, prefix) {
    this.context = context;
    this.page = page;
    this.prefix = prefix;
  }

  /** A new device (browser context) with the demo loaded and its store hydrated. */
  static async open(ctx, name, prefix) {
    const { context, page } = await ctx.newDevice(name); // waits for READY_SELECTOR
    return new DemoPage(context, page, prefix);
  }

  /** Waits until the app has loaded what this device stores (after a start or a reload). */
  async waitUntilReady() {
    const ready = this.page.locator(READY_SELECTOR);
    await until(async () => (await ready.count()) === 1, 'the app to load its data');
  }

  todo(title) {
    return this.page
      .getByTestId('todo')
      .filter({ has: this.page.getByTestId('todo-title').getByText(title, { exact: true }) });
  }

  async addTodo(title) {
    await this.page.getByLabel('New task').fill(title);
    await this.page.getByRole('button', { name: 'Add', exact: true }).click();
    await until(async () => (await this.todo(title).count()) === 1, `"${title}" on the board`);
  }

  /** Opens a task's editor, sets the given fields (title, notes, assignee, priority), saves. */
  async editTodo(title, changes) {
    const item = this.todo(title);
    await item.getByTestId('todo-edit').click();
    const editor = item.getByTestId('todo-editor');
    if (changes.title !== undefined) await editor.getByTestId('edit-title').fill(changes.title);
    if (changes.notes !== undefined) await editor.getByTestId('edit-notes').fill(changes.notes);
    if (changes.assignee !== undefined) {
      await editor.getByTestId('edit-assignee').fill(changes.assignee);
    }
    if (changes.priority !== undefined) {
      await editor.getByTestId('edit-priority').selectOption(changes.priority);
    }
    await editor.getByTestId('edit-save').click();
    await until(async () => (await editor.count()) === 0, `the editor of "${title}" to close`);
  }

  async deleteTodo(title) {
    await this.todo(title).getByTestId('todo-delete').click();
    await until(async () => (await this.todo(title).count()) === 0, `"${title}" to go`);
  }

  /** This scenario's tasks as `title|assignee|done`, sorted: what the user sees. */
  async board() {
    return this.page.evaluate((prefix) => {
      const rows = [...document.querySelectorAll('[data-testid="todo"]')].map((item) => {
        const title = item.querySelector('[data-testid="todo-title"]')?.textContent?.trim() ?? '';
        const assignee = item.querySelector('.assignee')?.textContent?.trim() ?? '';
        const done = item.querySelector('[data-testid="todo-done"]')?.checked ?? false;
        return { title, line: `${title}|${assignee}|${done}` };
      });
      return rows
        .filter((row) => row.title.startsWith(prefix))
        .map((row) => row.line)
        .sort();
    }, this.prefix);
  }

  async status(name) {
    return (await this.page.getByTestId(`status-${name}`).textContent())?.trim() ?? '';
  }

  async pending() {
    return Number(await this.page.getByTestId('status-pending').getAttribute('data-count'));
  }

  async pickStrategy(strategy) {
    await this.page.getByTestId('conflict-strategy').selectOption(strategy);
  }

  async offline() {
    await this.context.setOffline(true);
    await until(
      async () => (await this.status('online')) === 'offline',
      'the status to say offline'
    );
  }

  async online() {
    await this.context.setOffline(false);
    await until(async () => (await this.status('online')) === 'online', 'the status to say online');
  }

  /** Waits until nothing is pending and no sync is running. */
  async settled() {
    await until(
      async () =>
        (await this.pending()) === 0 &&
        !['pushing', 'pulling', 'hydrating'].includes(await this.status('phase')),
      'the device to settle'
    );
  }
}

/**
 * The server's tasks of one scenario, as `title|assignee|done`, sorted (read through the demo
 * server's /api, as the app does).
 */
export async function serverBoard(demoUrl, prefix) {
  const items = [];
  let cursor = '';
  for (;;) {
    const url = new URL(`api/todos?limit=1000&cursor=${encodeURIComponent(cursor)}`, demoUrl);
    const answer = await fetch(url);
    if (!answer.ok) throw new Error(`GET ${url} answered ${answer.status}`);
    const page = await answer.json();
    items.push(...page.items);
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return items
    .filter((todo) => !todo.deleted && String(todo.title ?? '').startsWith(prefix))
    .map((todo) => `${todo.title}|${todo.assignee ?? ''}|${Boolean(todo.done)}`)
    .sort();
}
