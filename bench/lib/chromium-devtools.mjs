// @ts-check
// What the benchmarks ask Chromium's DevTools protocol: the JS heap after a full GC, and the
// longest main-thread task of a traced stretch.
import { Buffer } from 'node:buffer';

/**
 * The page's used JS heap in bytes, after a forced full garbage collection.
 *
 * @param {import('playwright-core').CDPSession} cdp
 * @example
 *   const cdp = await page.context().newCDPSession(page);
 *   const bytes = await heapAfterGc(cdp);
 */
export async function heapAfterGc(cdp) {
  // Twice: the first pass may only queue finalizers whose objects the second one frees.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

/**
 * Traces `work()` and resolves with the durations (ms) of the tasks the page's renderer main
 * thread ran meanwhile (Chromium's `RunTask` events), longest first.
 *
 * @param {import('playwright-core').CDPSession} cdp
 * @param {() => Promise<unknown>} work
 * @example
 *   const [longest] = await mainThreadTasks(cdp, () => page.evaluate(() => doSomething()));
 */
export async function mainThreadTasks(cdp, work) {
  await cdp.send('Tracing.start', {
    transferMode: 'ReturnAsStream',
    traceConfig: {
      includedCategories: [
        'disabled-by-default-devtools.timeline',
        'devtools.timeline',
        '__metadata',
      ],
    },
  });
  /** @type {TraceEvent[]} */
  let events = [];
  try {
    await work();
  } finally {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    const { stream } = /** @type {{ stream: string }} */ (await complete);
    events = await readTrace(cdp, stream);
  }
  return renderMainTasks(events);
}

/** @param {import('playwright-core').CDPSession} cdp @param {string} handle */
async function readTrace(cdp, handle) {
  let text = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle, size: 1 << 20 });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle });
  const parsed = JSON.parse(text);
  return /** @type {TraceEvent[]} */ (Array.isArray(parsed) ? parsed : parsed.traceEvents);
}

/**
 * @typedef {{ name: string, ph: string, pid: number, tid: number, dur?: number,
 *   args?: { name?: string, data?: { frames?: { processId?: number }[] } } }} TraceEvent
 */

/** @param {TraceEvent[]} events */
function renderMainTasks(events) {
  // The traced page's renderer: named by the browser when tracing starts.
  const pagePids = new Set(
    events
      .filter((event) => event.name === 'TracingStartedInBrowser')
      .flatMap((event) => event.args?.data?.frames ?? [])
      .map((frame) => frame.processId)
      .filter((pid) => pid !== undefined)
  );
  const mainThreads = new Set(
    events
      .filter((event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain')
      .filter((event) => pagePids.size === 0 || pagePids.has(event.pid))
      .map((event) => `${event.pid}:${event.tid}`)
  );
  return events
    .filter((event) => event.name === 'RunTask' && event.ph === 'X')
    .filter((event) => mainThreads.has(`${event.pid}:${event.tid}`))
    .map((event) => (event.dur ?? 0) / 1000)
    .sort((a, b) => b - a);
}
