// The lazy projects route (an NgModule with OfflineSyncModule.forFeature) registers its type when it
// loads; the conflict strategy picked on the board survives a reload.
import assert from 'node:assert/strict';
import { DemoPage, until } from './demo-page.mjs';

export const tests = [
  {
    name: 'projects load lazily and sync; the picked strategy survives a reload',
    run: async (ctx) => {
      const prefix = `proj-${Date.now().toString(36)}`;
      const a = await DemoPage.open(ctx, 'a-projects', prefix);
      await a.pickStrategy('lastUpdateWins');
      await a.page.getByRole('link', { name: 'Projects' }).click();
      await a.page.getByLabel('New project').fill(`${prefix} garden`);
      await a.page.getByRole('button', { name: 'Add', exact: true }).click();
      const project = a.page.getByTestId('project').filter({ hasText: `${prefix} garden` });
      await until(async () => (await project.count()) === 1, 'the project listed');
      // Listed before it is durable (the store shows a write at once), so the device may look
      // settled before the write is even queued: wait for the server to have it.
      const onServer = async () => {
        const stored = await fetch(`${ctx.demoUrl}/api/projects?limit=1000`).then((r) => r.json());
        return stored.items.some((item) => item.name === `${prefix} garden`);
      };
      await until(onServer, 'the server to have the project');
      await a.settled();

      await a.page.reload();
      await a.waitUntilReady();
      await until(async () => (await project.count()) === 1, 'the project after a reload');
      assert.equal(await a.page.getByTestId('conflict-strategy').inputValue(), 'lastUpdateWins');
    },
  },
];
