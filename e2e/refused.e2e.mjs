// A change the server refuses for good shows in the list of refused changes; discarding it puts
// the task back as the server has it.
import assert from 'node:assert/strict';
import { DemoPage, serverBoard, until } from './demo-page.mjs';

export const tests = [
  {
    name: 'a refused change is listed; discard restores the server version',
    run: async (ctx) => {
      const prefix = `refused-${Date.now().toString(36)}`;
      const a = await DemoPage.open(ctx, 'a-refused', prefix);
      await a.addTodo(`${prefix} report`);
      await a.settled();
      // Notes over the server's 1 MiB body limit: refused with 413, for good.
      await a.editTodo(`${prefix} report`, { notes: 'x'.repeat(1_100_000) });
      const failed = a.page.getByTestId('failed-change');
      await until(async () => (await failed.count()) === 1, 'the refused change in the list');
      assert.equal(await a.page.getByTestId('status-failed').getAttribute('data-count'), '1');
      await ctx.screenshot(a.page, 'refused-change', { fullPage: false });
      await failed.getByTestId('failed-discard').click();
      await until(async () => (await failed.count()) === 0, 'the list to empty');
      await until(
        async () => (await a.todo(`${prefix} report`).locator('.notes').count()) === 0,
        'the notes to be gone again'
      );
      assert.deepEqual(await serverBoard(ctx.demoUrl, prefix), [`${prefix} report||false`]);
    },
  },
];
