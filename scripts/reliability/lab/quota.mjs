// @ts-check
// Quota test of issue 10: the site's storage quota is lowered through the DevTools protocol
// (`Storage.overrideQuotaForOrigin`) while the app writes offline. The write that no longer fits
// must reject with a typed `quota` error (and a failure action say so), the store must roll back
// to what is stored, nothing stored before may be lost (also after a reload), and once online the
// stored records must still sync, with the quota still lowered.
import { SeededRandom } from '../../../projects/offline-sync-kit/src/testing-support/seeded-random.ts';
import { checkOutbox } from './outbox-invariants.mjs';
import { readServerFeed } from './server-feed.mjs';
import { show } from './write-model.mjs';

/** The site's quota: a hundred or so of the records below. */
const QUOTA_BYTES = 1024 * 1024;

/**
 * @param {import('./lab-tab.mjs').LabTab} tab
 * @param {{ serverUrl: string }} options
 * @example
 * const { figures, violations } = await quotaExceeded(tab, { serverUrl });
 */
export async function quotaExceeded(tab, { serverUrl }) {
  const collection = `quota_${Date.now()}`;
  const options = { databaseName: 'quota', serverUrl, collection, online: false };
  /** @type {string[]} */
  const violations = [];
  /** @type {Map<string, import('./write-model.mjs').LabItem>} */
  const stored = new Map();
  const item = (/** @type {number} */ i) => ({
    id: `q${i}`,
    title: `quota ${i}`,
    n: i,
    body: body(i),
  });

  // Chromium applies a quota to the connections opened after it was set: before the app starts.
  const quota = await lowerQuota(tab);
  await tab.start(options);
  let next = 0;

  /** @type {import('./lab.entry.ts').LabResult[]} */
  const refusals = [];
  for (let tries = 0; tries < 2000 && refusals.length < 5; tries++, next++) {
    const result = await tab.write(`q${next}`, item(next));
    if (result.ok) stored.set(`q${next}`, item(next));
    else refusals.push(result);
  }
  if (refusals.length === 0) violations.push('the lowered quota never refused a write');
  for (const refusal of refusals) {
    if (!refusal.ok && refusal.kind !== 'quota') {
      violations.push(
        `a write refused for lack of space is kind ${refusal.kind}: ${refusal.message}`
      );
    }
  }
  const reported = (await tab.reportedErrors()).filter((error) => error.kind === 'quota');
  if (reported.length === 0) violations.push('no failure action carried a quota error');
  compare('store before the reload', await tab.records(), stored, violations);

  await tab.restart('reload', options);
  const raw = await tab.raw(options.databaseName);
  const rows = raw.records.map((row) => /** @type {any} */ (row.data));
  compare('database after the reload', rows, stored, violations);
  const outbox = checkOutbox(raw);
  violations.push(...outbox.orphanEntries, ...outbox.recordsWithoutEntry);
  if (raw.outbox.length !== stored.size) {
    violations.push(`${raw.outbox.length} outbox entries for ${stored.size} stored creates`);
  }

  // Still short of space: sending what is stored must work (it frees outbox rows as it goes).
  await tab.setOnline(true);
  for (let round = 0; round < 20 && (await tab.counts()).pending > 0; round++) await tab.syncAll();
  const { pending } = await tab.counts();
  if (pending > 0) {
    const last = (await tab.reportedErrors()).at(-1);
    violations.push(
      `${pending} changes still pending after syncing under the quota (last error: ${last?.kind}: ${last?.message})`
    );
  }
  const onServer = await readServerFeed(`${serverUrl}/${collection}`);
  compare('server', [...onServer.values()], stored, violations);

  // With room again, a pull gives the records sent under the full quota their server version.
  await quota.restore();
  await tab.syncAll();
  const after = await tab.raw(options.databaseName);
  const healed = checkOutbox(after);
  violations.push(...healed.orphanEntries, ...healed.recordsWithoutEntry);
  if (after.outbox.length > 0) violations.push(`${after.outbox.length} outbox entries left`);
  const unsynced = after.records.filter((row) => row.meta.state !== 'synced').length;
  if (unsynced > 0) violations.push(`${unsynced} records not synced once there was room again`);
  const write = await tab.write(`q${next}`, item(next));
  if (!write.ok) violations.push(`a write after the quota was restored failed: ${write.message}`);

  return {
    figures: {
      'records stored before the quota ran out': stored.size,
      'quota set (bytes)': quota.bytes,
      'writes refused': refusals.length,
      'refusals typed quota': refusals.filter((r) => !r.ok && r.kind === 'quota').length,
      'failure actions with a quota error': reported.length,
      'stored records lost (store or database)': violations.filter((v) =>
        /^(store|database).* lacks /.test(v)
      ).length,
      'stored records missing on the server after syncing': violations.filter((v) =>
        v.startsWith('server lacks ')
      ).length,
      'changes pending after syncing under the quota': pending,
      'records not synced once there was room': unsynced,
    },
    violations,
  };
}

/** Lowers the page origin's quota to {@link QUOTA_BYTES}. */
async function lowerQuota(/** @type {import('./lab-tab.mjs').LabTab} */ tab) {
  const cdp = await tab.page.context().newCDPSession(tab.page);
  const origin = new URL(tab.url).origin;
  const bytes = QUOTA_BYTES;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: bytes });
  return {
    bytes,
    /** Back to the browser's own quota (no `quotaSize`). */
    restore: () => cdp.send('Storage.overrideQuotaForOrigin', { origin }),
  };
}

/**
 * ~8 KB that do not compress (Chromium compresses IndexedDB values: a repeated letter would take
 * almost no space), the same for the same `i`.
 */
function body(/** @type {number} */ i) {
  const random = new SeededRandom(i);
  return Array.from({ length: 8 * 1024 }, () => String.fromCharCode(random.int(33, 126))).join('');
}

/**
 * Adds a violation for every record of `expected` that `actual` lacks or holds otherwise, and for
 * every record `actual` holds beyond them (a refused write that stayed).
 */
function compare(
  /** @type {string} */ where,
  /** @type {{ id: string }[]} */ actual,
  /** @type {Map<string, object>} */ expected,
  /** @type {string[]} */ violations
) {
  const byId = new Map(actual.map((record) => [record.id, show(record)]));
  for (const [id, record] of expected) {
    if (byId.get(id) !== show(record)) violations.push(`${where} lacks ${id} as it was stored`);
  }
  for (const id of byId.keys()) {
    if (!expected.has(id)) violations.push(`${where} holds ${id}, whose write was refused`);
  }
}
