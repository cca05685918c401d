// @ts-check
// The scenarios of `npm run bench` (the table of issue 9): each runs its variants interleaved,
// run after run, so drift (GC, disk caches, the other core's load) hits all of them alike, and
// returns per-variant summaries, the ratio the target is about and whether it was met.
import { heapAfterGc, mainThreadTasks } from './chromium-devtools.mjs';
import { percentile, perSecond, summarize } from './stats.mjs';

/**
 * @typedef {{ median: number, min: number, max: number, runs: number, values: number[] }} Summary
 * @typedef {{ id: string, title: string, unit: string, kit: Record<string, Summary>,
 *   baseline: Record<string, Summary> | null, peers: Record<string, Record<string, Summary>>,
 *   ratio: number | null, ratioText: string, target: string, met: boolean | null,
 *   failed: boolean, notes: string[] }} ScenarioResult
 *   `failed`: the scenario, or one of its variants (a peer's included), could not run.
 * @typedef {{ name: string, version: string, apiUrl: string, note?: string,
 *   call: (name: string, args?: object) => Promise<any> }} Peer
 * @typedef {{ call: (name: string, args?: object) => Promise<any>, peers: Peer[],
 *   page: import('playwright-core').Page, cdp: import('playwright-core').CDPSession,
 *   reload: () => Promise<void>, runs: number, sizes: Sizes, log: (line: string) => void }} Context
 * @typedef {{ burst: number, single: number, stored: number, push: number, pull: number,
 *   realtime: number, mainThread: number, batchSize: number, pageSize: number }} Sizes
 */

/** The server collections the runner seeds before the scenarios. */
export const SEEDED = { pull: 'todos', mainThread: 'main-thread' };

/**
 * Runs `runOne(variant, run)` for every run and variant, interleaved; one failing variant is
 * dropped from later runs and its error kept.
 *
 * @template T
 * @param {Context} ctx
 * @param {string} scenario
 * @param {string[]} variants
 * @param {(variant: string, run: number) => Promise<T>} runOne
 * @returns {Promise<{ values: Record<string, T[]>, errors: Record<string, string> }>}
 */
async function interleaved(ctx, scenario, variants, runOne) {
  /** @type {Record<string, T[]>} */
  const values = Object.fromEntries(variants.map((variant) => [variant, []]));
  /** @type {Record<string, string>} */
  const errors = {};
  for (let run = 1; run <= ctx.runs; run++) {
    for (const variant of variants) {
      if (errors[variant]) continue;
      try {
        const value = await runOne(variant, run);
        values[variant]?.push(value);
        ctx.log(
          `${scenario} run ${run}/${ctx.runs} ${variant}: ${JSON.stringify(value).slice(0, 60)}`
        );
      } catch (error) {
        errors[variant] = `run ${run}: ${error instanceof Error ? error.message : String(error)}`;
        ctx.log(`${scenario} ${variant} FAILED ${errors[variant]}`);
      }
    }
  }
  return { values, errors };
}

/** Throws the first error of `errors` for the variants a scenario cannot do without. */
function need(errors, ...variants) {
  for (const variant of variants) {
    if (errors[variant]) throw new Error(`${variant}: ${errors[variant]}`);
  }
}

/** @param {Summary | undefined} a @param {Summary | undefined} b */
const ratioOf = (a, b) => (a && b ? a.median / b.median : null);

/** @param {number | null} ratio @param {'>=' | '<='} op @param {number} limit */
const meets = (ratio, op, limit) =>
  ratio === null ? null : op === '>=' ? ratio >= limit : ratio <= limit;

/** @param {number | null} ratio */
const times = (ratio) => (ratio === null ? 'n/a' : `${ratio.toFixed(2)}×`);

/**
 * @param {Record<string, number[]>} values
 * @param {(value: number) => number} [map]
 * @returns {Record<string, Summary>}
 */
function summaries(values, map = (value) => value) {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, list]) => list.length > 0)
      .map(([variant, list]) => [variant, summarize(list.map(map))])
  );
}

/** @param {Context} ctx */
async function burstWrite(ctx) {
  const n = ctx.sizes.burst;
  const variants = ['raw', 'kit', 'kitEncrypted', ...ctx.peers.map((peer) => peer.name)];
  const { values, errors } = await interleaved(
    ctx,
    'burst write',
    variants,
    async (variant, run) => {
      const peer = peerNamed(ctx, variant);
      if (!peer) return ctx.call('burstWrite', { variant, n, run: String(run) });
      const dbName = `${peer.name}-burst-${run}`;
      const ms = await peer.call('burstWrite', { dbName, n, prefix: dbName });
      await peer.call('remove', { dbName });
      return ms;
    }
  );
  need(errors, 'raw', 'kit');
  const rate = summaries(values, (ms) => perSecond(n, ms));
  return { rate, errors };
}

/** @param {Context} ctx @param {string} name */
const peerNamed = (ctx, name) => ctx.peers.find((peer) => peer.name === name);

/** @param {Record<string, Summary>} summaries @param {Context} ctx */
const peerColumns = (summaries, ctx) =>
  Object.fromEntries(
    ctx.peers
      .filter((peer) => summaries[peer.name])
      .map((peer) => [peer.name, { value: /** @type {Summary} */ (summaries[peer.name]) }])
  );

/**
 * p50 and p99 of each run's samples (ms), for the kit and the raw baseline: the page function
 * `name` returns one run's samples.
 *
 * @param {Context} ctx @param {string} label @param {string} name @param {number} n
 */
async function latencies(ctx, label, name, n) {
  const { values, errors } = await interleaved(ctx, label, ['raw', 'kit'], async (variant, run) => {
    /** @type {number[]} */
    const samples = await ctx.call(name, { variant, n, run: String(run) });
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  });
  need(errors, 'raw', 'kit');
  return percentiles(values);
}

/** @param {Record<string, { p50: number, p99: number }[]>} values */
function percentiles(values) {
  /** @param {string} variant */
  const of = (variant) => ({
    p50: summarize((values[variant] ?? []).map((v) => v.p50)),
    p99: summarize((values[variant] ?? []).map((v) => v.p99)),
  });
  return { kit: of('kit'), raw: of('raw') };
}

/** @param {Context} ctx */
async function push(ctx) {
  const n = ctx.sizes.push;
  const { values, errors } = await interleaved(ctx, 'push', ['raw', 'kit'], (variant, run) =>
    ctx.call('push', {
      variant,
      n,
      run: String(run),
      endpoint: `push-${variant}-${run}`,
      batchSize: ctx.sizes.batchSize,
    })
  );
  need(errors, 'raw', 'kit');
  return summaries(values, (ms) => perSecond(n, ms));
}

/** @param {Context} ctx */
async function pull(ctx) {
  const n = ctx.sizes.pull;
  const pageSize = ctx.sizes.pageSize;
  const variants = ['raw', 'kit', ...ctx.peers.map((peer) => peer.name)];
  const { values, errors } = await interleaved(ctx, 'initial pull', variants, (variant, run) => {
    const peer = peerNamed(ctx, variant);
    return peer
      ? peer.call('initialPull', {
          dbName: `${peer.name}-pull-${run}`,
          n,
          apiUrl: peer.apiUrl,
          pageSize,
        })
      : ctx.call('pull', {
          variant,
          n,
          run: String(run),
          endpoint: SEEDED.pull,
          batchSize: pageSize,
        });
  });
  need(errors, 'raw', 'kit');
  return { rate: summaries(values, (ms) => perSecond(n, ms)), errors };
}

/**
 * The databases the cold-start and memory scenarios read: pulled once by the kit (encryption off
 * and on), untimed; RxDB seeds its own.
 *
 * @param {Context} ctx
 */
async function storeForColdStart(ctx) {
  const n = ctx.sizes.stored;
  /** @type {Record<string, string>} */
  const databases = {};
  for (const variant of ['kit', 'kitEncrypted']) {
    const options = {
      variant,
      n,
      run: 'stored',
      endpoint: SEEDED.pull,
      batchSize: ctx.sizes.pageSize,
      keep: true,
    };
    await ctx.call('pull', options);
    databases[variant] = await ctx.call('pulledDatabase', options);
  }
  for (const peer of ctx.peers) {
    await peer.call('seed', { dbName: `${peer.name}-stored`, n, prefix: 'stored' });
  }
  return databases;
}

/** @param {Context} ctx @param {Record<string, string>} databases */
async function coldStart(ctx, databases) {
  const n = ctx.sizes.stored;
  const variants = ['raw', 'kit', 'kitEncrypted', ...ctx.peers.map((peer) => peer.name)];
  const { values, errors } = await interleaved(ctx, 'cold start', variants, (variant) => {
    const peer = peerNamed(ctx, variant);
    return peer
      ? peer.call('coldStart', { dbName: `${peer.name}-stored`, n })
      : ctx.call('coldStart', {
          databaseName: databases[variant === 'raw' ? 'kit' : variant],
          n,
          variant,
        });
  });
  need(errors, 'raw', 'kit');
  return { ms: summaries(values), errors };
}

/**
 * JS heap held per record: after a full GC, the heap with the records held minus the heap before,
 * each on a freshly loaded page.
 *
 * @param {Context} ctx @param {string} databaseName
 */
async function memory(ctx, databaseName) {
  const n = ctx.sizes.stored;
  const { values, errors } = await interleaved(ctx, 'memory', ['raw', 'kit'], async (variant) => {
    await ctx.reload();
    const before = await heapAfterGc(ctx.cdp);
    await ctx.call(variant === 'raw' ? 'holdPlainArray' : 'holdHydratedKit', {
      databaseName,
      n,
      variant,
    });
    const after = await heapAfterGc(ctx.cdp);
    await ctx.call('releaseHeld');
    return (after - before) / n;
  });
  need(errors, 'raw', 'kit');
  await ctx.reload();
  return summaries(values);
}

/** @param {Context} ctx */
async function delta(ctx) {
  const { values, errors } = await interleaved(ctx, 'delta', ['kit'], (_variant, run) =>
    ctx.call('delta', { run: String(run) })
  );
  need(errors, 'kit');
  const runs = values['kit'] ?? [];
  return {
    kit: summarize(runs.map((r) => r.kit)),
    fullPut: summarize(runs.map((r) => r.fullPut)),
    recordBytes: runs[0]?.recordBytes ?? 0,
  };
}

/** @param {Context} ctx */
async function mainThread(ctx) {
  const n = ctx.sizes.mainThread;
  const { values, errors } = await interleaved(
    ctx,
    'main thread',
    ['kit'],
    async (_variant, run) => {
      const options = {
        variant: 'kit',
        n,
        run: String(run),
        endpoint: SEEDED.mainThread,
        batchSize: 100,
      };
      await ctx.call('preparePull', options);
      const tasks = await mainThreadTasks(ctx.cdp, () => ctx.call('runPreparedPull', options));
      return { longest: tasks[0] ?? 0, over50: tasks.filter((ms) => ms >= 50).length };
    }
  );
  need(errors, 'kit');
  const runs = values['kit'] ?? [];
  return {
    longest: summarize(runs.map((r) => r.longest)),
    over50: summarize(runs.map((r) => r.over50)),
  };
}

/**
 * A row comparing the kit's figure (`figures.kit`) with the baseline's (`figures.raw`) and the
 * peers', its target met when `kit ÷ raw` is `op` `limit`.
 *
 * @param {Context} ctx
 * @param {{ title: string, unit: string, figures: Record<string, Summary>, op: '>=' | '<=',
 *   limit: number, errors?: Record<string, string>, notes?: string[] }} row
 * @returns {Omit<ScenarioResult, 'id'>}
 */
function versusBaseline(ctx, { title, unit, figures, op, limit, errors = {}, notes = [] }) {
  const ratio = ratioOf(figures['kit'], figures['raw']);
  return {
    title,
    unit,
    kit: { value: /** @type {Summary} */ (figures['kit']) },
    baseline: { value: /** @type {Summary} */ (figures['raw']) },
    peers: peerColumns(figures, ctx),
    ratio,
    ratioText: times(ratio),
    target: `${op === '>=' ? '≥' : '≤'} ${limit}×`,
    met: meets(ratio, op, limit),
    failed: Object.keys(errors).length > 0,
    notes: [...errorNotes(errors), ...notes],
  };
}

/**
 * Runs every scenario (or those whose id is in `only`) and returns their rows.
 *
 * @param {Context} ctx
 * @param {Set<string> | null} only ids like '1', '10'
 * @returns {Promise<ScenarioResult[]>}
 */
export async function runScenarios(ctx, only) {
  /** @type {ScenarioResult[]} */
  const results = [];
  const wanted = (/** @type {string[]} */ ...ids) => !only || ids.some((id) => only.has(id));
  /** @param {string} id @param {() => Promise<Omit<ScenarioResult, 'id'>>} build */
  const row = async (id, build) => {
    try {
      results.push({ id, ...(await build()) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.log(`scenario ${id} FAILED: ${message}`);
      results.push({
        id,
        title: `scenario ${id}`,
        unit: '',
        kit: {},
        baseline: null,
        peers: {},
        ratio: null,
        ratioText: 'n/a',
        target: '',
        met: null,
        failed: true,
        notes: [`FAILED: ${message}`],
      });
    }
  };
  const { sizes } = ctx;
  const fmt = (/** @type {number} */ n) => n.toLocaleString('en-US');

  /** @type {Awaited<ReturnType<typeof burstWrite>> | null} */
  let burst = null;
  if (wanted('1', '10')) {
    await row('1', async () => {
      burst = await burstWrite(ctx);
      const { rate, errors } = burst;
      return versusBaseline(ctx, {
        title: `burst write: ${fmt(sizes.burst)} saveModel calls together, until all durable`,
        unit: 'records/s',
        figures: rate,
        op: '>=',
        limit: 0.7,
        errors,
      });
    });
  }
  if (wanted('2')) {
    await row('2', async () => {
      const { kit, raw } = await latencies(ctx, 'single write', 'singleWrites', sizes.single);
      const ratio = ratioOf(kit.p50, raw.p50);
      return {
        title: `single write latency: ${fmt(sizes.single)} sequential saveModel → durable`,
        unit: 'ms',
        kit,
        baseline: raw,
        peers: {},
        ratio,
        ratioText: `p50 ${times(ratio)}`,
        target: 'p50 ≤ 1.5×',
        met: meets(ratio, '<=', 1.5),
        failed: false,
        notes: [],
      };
    });
  }
  /** @type {Record<string, string> | null} */
  let databases = null;
  if (wanted('3', '9', '10')) {
    try {
      databases = await storeForColdStart(ctx);
    } catch (error) {
      ctx.log(`storing ${fmt(sizes.stored)} records for scenarios 3, 9, 10 FAILED: ${error}`);
    }
  }
  /** @type {Awaited<ReturnType<typeof coldStart>> | null} */
  let cold = null;
  if (wanted('3', '10')) {
    await row('3', async () => {
      if (!databases) throw new Error('no stored database (see the log above)');
      cold = await coldStart(ctx, databases);
      const { ms, errors } = cold;
      return versusBaseline(ctx, {
        title: `cold start: ${fmt(sizes.stored)} stored records → selectIsHydrated`,
        unit: 'ms',
        figures: ms,
        op: '<=',
        limit: 1.3,
        errors,
      });
    });
  }
  if (wanted('4')) {
    await row('4', async () => {
      const rate = await push(ctx);
      return versusBaseline(ctx, {
        title: `push: ${fmt(sizes.push)} pending changes → all acknowledged (batches of ${sizes.batchSize})`,
        unit: 'records/s',
        figures: rate,
        op: '>=',
        limit: 0.8,
      });
    });
  }
  if (wanted('5')) {
    await row('5', async () => {
      const { rate, errors } = await pull(ctx);
      return versusBaseline(ctx, {
        title: `initial pull: ${fmt(sizes.pull)} server records → stored and in state (pages of ${sizes.pageSize})`,
        unit: 'records/s',
        figures: rate,
        op: '>=',
        limit: 0.7,
        errors,
        notes: [...ctx.peers.flatMap((peer) => (peer.note ? [peer.note] : []))],
      });
    });
  }
  if (wanted('6')) {
    await row('6', async () => {
      const { kit, raw } = await latencies(ctx, 'real time', 'realtime', sizes.realtime);
      return {
        title: `real time: write on A → in B's store (${fmt(sizes.realtime)} writes per run)`,
        unit: 'ms',
        kit,
        baseline: raw,
        peers: {},
        ratio: ratioOf(kit.p99, raw.p99),
        ratioText: `p99 ${times(ratioOf(kit.p99, raw.p99))}`,
        target: 'p99 ≤ 50 ms',
        met: kit.p99.median <= 50,
        failed: false,
        notes: ['kit: pushDebounce 0 and pushOverWebSocket (the default debounce waits 300 ms)'],
      };
    });
  }
  if (wanted('7')) {
    await row('7', async () => {
      const { kit, fullPut, recordBytes } = await delta(ctx);
      const ratio = ratioOf(kit, fullPut);
      return {
        title: `delta: one field of a ${fmt(recordBytes)}-byte record → request body bytes`,
        unit: 'bytes',
        kit: { value: kit },
        baseline: { value: fullPut },
        peers: {},
        ratio,
        ratioText: times(ratio),
        target: '≤ 0.15×',
        met: meets(ratio, '<=', 0.15),
        failed: false,
        notes: [],
      };
    });
  }
  if (wanted('8')) {
    await row('8', async () => {
      const { longest, over50 } = await mainThread(ctx);
      return {
        title: `main thread: longest task while pulling ${fmt(sizes.mainThread)} records`,
        unit: 'ms',
        kit: { value: longest, tasksOver50ms: over50 },
        baseline: null,
        peers: {},
        ratio: null,
        ratioText: '—',
        target: '< 50 ms',
        met: longest.median < 50,
        failed: false,
        notes: [],
      };
    });
  }
  if (wanted('9')) {
    await row('9', async () => {
      if (!databases?.['kit']) throw new Error('no stored database (see the log above)');
      const perRecord = await memory(ctx, databases['kit']);
      return versusBaseline(ctx, {
        title: `memory: JS heap after hydrating ${fmt(sizes.stored)} records`,
        unit: 'bytes/record',
        figures: perRecord,
        op: '<=',
        limit: 1.5,
      });
    });
  }
  if (wanted('10')) {
    await row('10', async () => {
      const burstRate = /** @type {any} */ (burst)?.rate ?? {};
      const coldMs = /** @type {any} */ (cold)?.ms ?? {};
      const writeRatio = ratioOf(burstRate['kitEncrypted'], burstRate['kit']);
      // Time is the inverse of throughput: encrypted throughput ÷ off = off time ÷ encrypted time.
      const startRatio = ratioOf(coldMs['kit'], coldMs['kitEncrypted']);
      if (writeRatio === null || startRatio === null)
        throw new Error('scenarios 1 and 3 did not both run');
      return {
        title: 'encryption: scenarios 1 and 3 with encryption on (throughput vs off)',
        unit: 'records/s | ms',
        kit: { burst: burstRate['kitEncrypted'], coldStart: coldMs['kitEncrypted'] },
        baseline: { burst: burstRate['kit'], coldStart: coldMs['kit'] },
        peers: {},
        ratio: Math.min(writeRatio, startRatio),
        ratioText: `write ${times(writeRatio)}, cold start ${times(startRatio)}`,
        target: '≥ 0.5×',
        met: writeRatio >= 0.5 && startRatio >= 0.5,
        failed: false,
        notes: [],
      };
    });
  }
  return results.sort((a, b) => Number(a.id) - Number(b.id));
}

/** @param {Record<string, string>} errors */
function errorNotes(errors) {
  return Object.entries(errors).map(([variant, error]) => `${variant} FAILED: ${error}`);
}
