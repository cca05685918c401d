// A reload while offline (the app shell comes from the service worker, the data from IndexedDB)
// keeps every task and every pending change; back online, they are pushed.
import assert from 'node:assert/strict';
import { DemoPage, serverBoard, until } from './demo-page.mjs';

export const tests = [
  {
    name: 'a reload while offline keeps data and pending changes, pushed once online',
    run: async (ctx) => {
      const prefix = `reload-${Date.now().toString(36)}`;
      const a = await DemoPage.open(ctx, 'a-reload', prefix);
      await a.addTodo(`${prefix} milk`);
      await a.settled();
      // The service worker has cached the shell once it controls the page.
      await a.page.evaluate(() => navigator.serviceWorker.ready);
      await a.page.reload();
      await until(
        () => a.page.evaluate(() => !!navigator.serviceWorker.controller),
        'the service worker to control the page'
      );
      await a.waitUntilReady();

      await a.offline();
      await a.addTodo(`${prefix} eggs`);
      await a.editTodo(`${prefix} milk`, { title: `${prefix} oat milk` });
      await a.page.reload();
      await a.waitUntilReady();
      assert.deepEqual(await a.board(), [`${prefix} eggs||false`, `${prefix} oat milk||false`]);
      assert.equal(await a.pending(), 2, 'both changes still waiting');
      await ctx.screenshot(a.page, 'offline-after-reload');

      await a.online();
      await a.settled();
      assert.deepEqual(await serverBoard(ctx.demoUrl, prefix), await a.board());
    },
  },
];
