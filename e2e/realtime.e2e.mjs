// Real time: a task added on one device shows on the other without a reload.
import assert from 'node:assert/strict';
import { DemoPage, until } from './demo-page.mjs';

export const tests = [
  {
    name: "B sees A's new task without reloading",
    run: async (ctx) => {
      const prefix = `live-${Date.now().toString(36)}`;
      const a = await DemoPage.open(ctx, 'a-live', prefix);
      const b = await DemoPage.open(ctx, 'b-live', prefix);
      await until(async () => (await b.status('websocket')) === 'live: connected', 'B live');
      const navigations = [];
      b.page.on(
        'framenavigated',
        (frame) => frame === b.page.mainFrame() && navigations.push(frame.url())
      );
      await a.addTodo(`${prefix} from A`);
      await until(async () => (await b.board()).length === 1, "A's task on B");
      assert.deepEqual(navigations, [], 'B never reloaded');
      await ctx.screenshot(b.page, 'realtime-b');
    },
  },
];
