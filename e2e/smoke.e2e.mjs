// @ts-check
// The harness itself: a device loads the production build through the demo server, the app
// hydrates its store and shows the sync status bar.
import assert from 'node:assert/strict';

/** @type {import('./run.mjs').E2ETest[]} */
export const tests = [
  {
    name: 'device A loads the app and shows the sync status',
    run: async (ctx) => {
      const { page } = await ctx.newDevice('A');
      const status = page.getByTestId('sync-status');
      await status.waitFor({ state: 'visible' });
      assert.equal(await status.getAttribute('data-status-hydrated'), 'true');
      await ctx.screenshot(page, 'smoke-loaded');
    },
  },
];
