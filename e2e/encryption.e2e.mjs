// Encryption on: IndexedDB, read from the page without the kit, holds no plaintext titles; after a
// reload the device asks for the passphrase and opens with it.
import assert from 'node:assert/strict';
import { DemoPage, until } from './demo-page.mjs';

/** Every row of the demo's database as text (binary as Latin-1), read with plain IndexedDB. */
function rawDatabaseText() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('offline-sync-demo');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const names = [...db.objectStoreNames];
      const tx = db.transaction(names, 'readonly');
      const rows = [];
      for (const name of names) {
        const request = tx.objectStore(name).getAll();
        request.onsuccess = () => rows.push(...request.result);
      }
      tx.oncomplete = () => {
        db.close();
        resolve(
          JSON.stringify(rows, (_key, value) =>
            value instanceof ArrayBuffer || ArrayBuffer.isView(value)
              ? String.fromCharCode(...new Uint8Array(value.buffer ?? value))
              : value
          )
        );
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

export const tests = [
  {
    name: 'encryption on: no plaintext titles in IndexedDB; the passphrase opens it after a reload',
    run: async (ctx) => {
      const prefix = `secret-${Date.now().toString(36)}`;
      const a = await DemoPage.open(ctx, 'a-encrypted', prefix);
      await a.addTodo(`${prefix} salary review`);
      await a.addTodo(`${prefix} doctor appointment`);
      assert.ok((await a.page.evaluate(rawDatabaseText)).includes(`${prefix} salary review`));

      await a.page.getByTestId('encryption-toggle').click();
      await a.page.getByTestId('passphrase-input').fill('correct horse battery staple');
      await a.page.getByTestId('passphrase-confirm').fill('correct horse battery staple');
      await ctx.screenshot(a.page, 'encryption-dialog', { fullPage: false });
      await a.page.getByTestId('passphrase-submit').click();
      const state = () => a.page.getByTestId('status-encryption').getAttribute('data-state');
      await until(async () => (await state()) === 'on', 'encryption on');
      await a.addTodo(`${prefix} written after`);
      const raw = await a.page.evaluate(rawDatabaseText);
      assert.ok(!raw.includes(prefix), 'no title of this scenario is stored in the clear');

      await a.page.reload();
      await until(() => a.page.getByTestId('passphrase-input').isVisible(), 'the unlock prompt');
      assert.equal(await state(), 'locked');
      assert.deepEqual(await a.board(), [], 'nothing shows while locked');
      await ctx.screenshot(a.page, 'encryption-locked', { fullPage: false });
      await a.page.getByTestId('passphrase-input').fill('not the passphrase');
      await a.page.getByTestId('passphrase-submit').click();
      await until(
        () => a.page.getByTestId('passphrase-error').isVisible(),
        'the wrong-passphrase message'
      );
      await a.page.getByTestId('passphrase-input').fill('correct horse battery staple');
      await a.page.getByTestId('passphrase-submit').click();
      await until(async () => (await a.board()).length === 3, 'the tasks after unlocking');
      assert.equal(await state(), 'on');
    },
  },
];
