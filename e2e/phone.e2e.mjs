// Usable on a phone-sized screen and with the keyboard alone; every control has a label.
import assert from 'node:assert/strict';
import { DemoPage, until } from './demo-page.mjs';

export const tests = [
  {
    name: 'fits a phone screen, works from the keyboard, labels every control',
    run: async (ctx) => {
      const prefix = `phone-${Date.now().toString(36)}`;
      const { context, page } = await ctx.newDevice('phone', {
        contextOptions: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
      });
      const phone = new DemoPage(context, page, prefix);

      // Keyboard only: focus the new-task field, type, Enter.
      await page.getByLabel('New task').focus();
      await page.keyboard.type(`${prefix} call the plumber`);
      await page.keyboard.press('Enter');
      await until(
        async () => (await phone.board()).length === 1,
        'the task added from the keyboard'
      );
      await phone.addTodo(
        `${prefix} a title long enough to need wrapping on a small screen, surely`
      );

      // Against the layout viewport: a mobile browser zooms out to fit, widening innerWidth.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth
      );
      assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px too wide)`);
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea, button')]
          .filter((control) => !control.closest('dialog:not([open])'))
          .filter((control) => {
            const named =
              control.labels?.length ||
              control.getAttribute('aria-label') ||
              (control.tagName === 'BUTTON' && control.textContent.trim());
            return !named;
          })
          .map((control) => control.outerHTML.slice(0, 80))
      );
      assert.deepEqual(unlabelled, [], 'every control has a label or a name');
      await ctx.screenshot(page, 'phone');
    },
  },
];
