// Two devices edit the same tasks, one of them offline; back online, both boards, and the server,
// agree, with the conflicts settled by the strategy picked in the demo.
import assert from 'node:assert/strict';
import { DemoPage, serverBoard, until } from './demo-page.mjs';

async function convergence(ctx, strategy) {
  const prefix = `conv-${strategy}-${Date.now().toString(36)}`;
  const a = await DemoPage.open(ctx, `a-${strategy}`, prefix);
  const b = await DemoPage.open(ctx, `b-${strategy}`, prefix);
  await a.pickStrategy(strategy);
  await b.pickStrategy(strategy);
  const titles = Array.from(
    { length: 12 },
    (_, i) => `${prefix} task ${String(i).padStart(2, '0')}`
  );
  for (const title of titles) await a.addTodo(title);
  await a.settled();
  await until(async () => (await b.board()).length === 12, 'B to receive the 12 tasks');

  // A, offline: edits 10 tasks and deletes 2.
  await a.offline();
  for (const title of titles.slice(0, 10)) await a.editTodo(title, { title: `${title} (A)` });
  await a.deleteTodo(titles[10]);
  await a.deleteTodo(titles[11]);
  assert.equal(await a.pending(), 12, 'A keeps its 12 changes in the outbox while offline');
  await ctx.screenshot(a.page, `${strategy}-a-offline`);

  // B, online: edits 3 of the same tasks, two on another field, one on the same field.
  await b.editTodo(titles[0], { assignee: 'Bea' });
  await b.editTodo(titles[1], { assignee: 'Bea' });
  await b.editTodo(titles[2], { title: `${titles[2]} (B)` });
  await b.settled();

  await a.online();
  if (strategy === 'manual') {
    await until(
      async () => (await a.page.getByTestId('conflict').count()) === 3,
      'three conflicts on A'
    );
    await ctx.screenshot(a.page, 'manual-conflicts');
    // The picture in the README's tour: what the first screen shows.
    await a.page.evaluate(() => window.scrollTo(0, 0));
    await ctx.screenshot(a.page, 'demo-tour', { fullPage: false });
    // "Keep the server's" for the first, "Keep mine" for the other two.
    const keepServer = a.page.getByTestId('conflict').filter({ hasText: `${titles[0]} (A)` });
    await keepServer.getByTestId('keep-server').click();
    for (let left = 2; left >= 0; left--) {
      await until(
        async () => (await a.page.getByTestId('conflict').count()) === left,
        'a conflict to go'
      );
      if (left > 0) await a.page.getByTestId('conflict').first().getByTestId('keep-local').click();
    }
  }
  await a.settled();
  const expected =
    strategy === 'mergeFields'
      ? [
          // Different fields merge; on the same field the server's (B's, first there) value wins.
          `${titles[0]} (A)|Bea|false`,
          `${titles[1]} (A)|Bea|false`,
          `${titles[2]} (B)||false`,
          ...titles.slice(3, 10).map((title) => `${title} (A)||false`),
        ]
      : [
          // The server's version kept whole, and A's versions kept whole (B's assignee gone).
          `${titles[0]}|Bea|false`,
          `${titles[1]} (A)||false`,
          `${titles[2]} (A)||false`,
          ...titles.slice(3, 10).map((title) => `${title} (A)||false`),
        ];
  // Polled until the last push is in, then compared whole.
  const server = await until(async () => {
    const board = await serverBoard(ctx.demoUrl, prefix);
    return same(board, [...expected].sort()) && board;
  }, `the server to hold the 10 remaining tasks as ${strategy} settles them`);
  await until(async () => same(await a.board(), server), 'A to show what the server has');
  await until(async () => same(await b.board(), server), 'B to show what the server has');
  await ctx.screenshot(b.page, `${strategy}-converged`);
}

function same(board, server) {
  return JSON.stringify(board) === JSON.stringify(server);
}

export const tests = [
  {
    name: 'offline edits converge under mergeFields',
    run: (ctx) => convergence(ctx, 'mergeFields'),
  },
  {
    name: 'offline edits converge under manual, conflicts resolved in the panel',
    run: (ctx) => convergence(ctx, 'manual'),
  },
];
