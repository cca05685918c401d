/**
 * Encryption-at-rest benchmark: what `SyncStorage` costs per record with encryption off and on,
 * against raw Dexie doing the same IndexedDB work, in headless Chromium (see
 * `bench/encryption.entry.ts` for the scenarios).
 *
 * Bundles the entry with esbuild, serves it from 127.0.0.1 (IndexedDB needs a real origin), runs
 * it in Chromium (CHROME_BIN or the usual paths, as `npm test` finds it) with a throw-away on-disk
 * profile, prints a table and writes `bench/results/encryption.json` (see
 * `scripts/browser-harness.mjs`). Not part of CI: it exits non-zero only when the harness itself
 * breaks; a failed measurement is reported in the table and the JSON.
 *
 * async/await stays native, as a zoneless Angular app ships it; `--downlevel-async` compiles it
 * to generators instead, as the Angular builder does for the kit's Karma specs.
 *
 *   npm run bench:encryption                 # N = 5,000 records, 5 runs
 *   node bench/encryption.mjs --quick        # N = 200, 2 runs
 *   node bench/encryption.mjs --records 2000 --runs 3
 *   node bench/encryption.mjs --in-memory    # off-the-record context: IndexedDB kept in memory
 *   node bench/encryption.mjs --downlevel-async # async/await as generators (a zone.js app)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import {
  bundleForBrowser,
  forwardPageLogs,
  launchChromium,
  loadPage,
  servePage,
} from '../scripts/browser-harness.mjs';
import { ensureChromium } from '../scripts/setup.mjs';
import { prettierFormat } from '../scripts/prettier-format.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const resultsFile = join(here, 'results', 'encryption.json');

function parseArgs(argv) {
  const options = { records: 5_000, runs: 5, inMemory: false, nativeAsync: true };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => {
      const raw = inline ?? argv[++i];
      const number = Number(raw);
      if (!Number.isInteger(number) || number < 1) {
        throw new Error(`${flag} needs a positive integer, got "${raw}"`);
      }
      return number;
    };
    if (flag === '--quick') Object.assign(options, { records: 200, runs: 2 });
    else if (flag === '--records') options.records = value();
    else if (flag === '--runs') options.runs = value();
    else if (flag === '--in-memory') options.inMemory = true;
    else if (flag === '--downlevel-async') options.nativeAsync = false;
    else {
      throw new Error(
        `unknown option ${argv[i]} (use --quick, --records N, --runs R, --in-memory, --downlevel-async)`
      );
    }
  }
  return options;
}

/** Warns when Angular code got into the bundle: the bench measures the storage layer alone. */
function warnAboutAngular(metafile) {
  const angular = Object.keys(metafile.inputs).filter((input) => input.includes('@angular'));
  if (angular.length > 0) {
    console.warn(`warning: Angular code in the bundle's import graph:\n  ${angular.join('\n  ')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Output.

const VARIANTS = ['baseline', 'kitOff', 'kitOn'];

function formatMs(ms) {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function formatVariant(variant) {
  if (variant.medianMs === null) return variant.error ? 'FAILED' : 'n/a';
  const cell =
    `${formatMs(variant.medianMs)} ms [${formatMs(variant.minMs)}–${formatMs(variant.maxMs)}]` +
    ` ${variant.usPerRecord.toFixed(1)} µs/rec`;
  return variant.error ? `${cell} (partial)` : cell;
}

function formatRatio(ratios) {
  if (ratios.onVsOffTime === null) return 'n/a';
  return `${ratios.onVsOffTime.toFixed(2)}× time (${ratios.onVsOffThroughput.toFixed(2)}× thr.)`;
}

function formatAdded(ratios) {
  const added = ratios.usPerRecordAddedByEncryption;
  return added === null ? 'n/a' : `${added >= 0 ? '+' : ''}${added.toFixed(1)} µs`;
}

function table(results) {
  const header = [
    'scenario',
    'baseline (raw Dexie)',
    'kit (off)',
    'kit (encrypted)',
    'encrypted/off',
    'off/baseline',
    'µs/record added by encryption',
  ];
  const rows = results.scenarios.map((scenario) => [
    scenario.label,
    ...VARIANTS.map((id) => formatVariant(scenario.variants[id])),
    formatRatio(scenario.ratios),
    scenario.ratios.offVsBaselineTime === null
      ? 'n/a'
      : `${scenario.ratios.offVsBaselineTime.toFixed(2)}×`,
    formatAdded(scenario.ratios),
  ]);
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((row) => row[c].length)));
  const line = (row) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const { code, metafile } = await bundleForBrowser(join(here, 'encryption.entry.ts'), {
    nativeAsync: options.nativeAsync,
  });
  warnAboutAngular(metafile);
  const server = await servePage(code, { title: 'offline-sync-kit encryption bench' });
  let browser = null;
  try {
    browser = await launchChromium({
      executablePath: ensureChromium(),
      inMemory: options.inMemory,
    });
    const { page } = browser;
    forwardPageLogs(page);
    await loadPage(page, server.url, 'runEncryptionBench');
    const setup =
      `Chromium ${browser.version}, IndexedDB ${options.inMemory ? 'in memory' : 'on disk'}, ` +
      `async/await ${options.nativeAsync ? 'native' : 'downleveled'}`;
    console.error(`Running: ${options.records} records, ${options.runs} runs, ${setup}`);
    const results = await page.evaluate(
      (benchOptions) => globalThis.runEncryptionBench(benchOptions),
      { records: options.records, runs: options.runs }
    );
    const report = {
      generatedAt: new Date().toISOString(),
      chromium: browser.version,
      indexedDb: options.inMemory ? 'in-memory' : 'on-disk',
      asyncAwait: options.nativeAsync ? 'native' : 'downleveled',
      ...results,
    };

    const { config } = results;
    console.log('');
    console.log(
      `offline-sync-kit encryption at rest: ${config.records.toLocaleString('en-US')} records ` +
        `of ~${config.recordBytes} bytes, ${config.runs} runs (median ms [min–max], µs/record ` +
        `of the median), ${setup}`
    );
    console.log('');
    console.log(table(results));
    console.log('');
    console.log(
      'encrypted/off: kit encrypted ÷ kit off in time (thr. = throughput ratio, its inverse); ' +
        'off/baseline: kit off ÷ raw Dexie in time.'
    );
    for (const check of results.checks) console.log(`check: ${check}`);
    for (const id of VARIANTS) {
      const error = results.scenarios[0]?.variants[id].error;
      if (error) console.log(`FAILED ${id}: ${error}`);
    }

    await mkdir(dirname(resultsFile), { recursive: true });
    await writeFile(resultsFile, await prettierFormat(JSON.stringify(report), resultsFile));
    console.log(
      `\nWrote ${relative(root, resultsFile)} in ${((Date.now() - started) / 1000).toFixed(1)} s.`
    );
  } finally {
    await browser?.close().catch(() => undefined);
    await server.close();
  }
}

main().catch((error) => {
  console.error(`bench/encryption.mjs: ${error?.stack ?? error}`);
  process.exit(1);
});
