// @ts-check
// The outputs of `npm run bench`: the table (console and BENCHMARKS.md) and the JSON.

/** @typedef {import('./scenarios.mjs').ScenarioResult} ScenarioResult */
/** @typedef {import('./scenarios.mjs').Summary} Summary */

/** @param {number} value @param {string} unit */
function amount(value, unit) {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  const number = value.toLocaleString('en-US', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
  if (unit === 'records/s') return `${number}/s`;
  if (unit === 'ms') return `${number} ms`;
  if (unit === 'bytes') return `${number} B`;
  if (unit === 'bytes/record') return `${number} B/rec`;
  return number;
}

/** A unit per part of scenario 10, whose parts differ. */
const PART_UNITS = /** @type {Record<string, string>} */ ({
  burst: 'records/s',
  coldStart: 'ms',
  tasksOver50ms: '',
});

/** @param {Summary} summary @param {string} unit */
function cell(summary, unit) {
  const spread =
    summary.runs > 1
      ? ` [${amount(summary.min, unit).replace(/[^\d.,]+$/, '')}–${amount(summary.max, unit)}]`
      : '';
  return `${amount(summary.median, unit)}${spread}`;
}

/** @param {Record<string, Summary> | null | undefined} parts @param {string} unit */
function cells(parts, unit) {
  if (!parts) return '—';
  const entries = Object.entries(parts).filter(([, summary]) => summary);
  if (entries.length === 0) return 'n/a';
  return entries
    .map(([part, summary]) => {
      const partUnit = PART_UNITS[part] ?? unit;
      return part === 'value' ? cell(summary, unit) : `${part} ${cell(summary, partUnit)}`;
    })
    .join(', ');
}

/**
 * The results as rows of cells: #, scenario, kit, baseline, ratio, target, met, and one column
 * per peer (its figure and the kit's ratio to it).
 *
 * @param {ScenarioResult[]} results
 * @param {string[]} peers
 */
function rows(results, peers) {
  const header = [
    '#',
    'scenario',
    'kit',
    'baseline (same run)',
    'kit ÷ baseline',
    'target',
    'met',
    ...peers.map((p) => `${p} (kit ÷ ${p})`),
  ];
  const body = results.map((result) => [
    result.id,
    result.title,
    cells(result.kit, result.unit),
    cells(result.baseline, result.unit),
    result.ratioText,
    result.target,
    result.met === null ? (result.failed ? 'FAILED' : '—') : result.met ? 'yes' : 'NO',
    ...peers.map((peer) => peerCell(result, peer)),
  ]);
  return { header, body };
}

/** @param {ScenarioResult} result @param {string} peer */
function peerCell(result, peer) {
  const figure = result.peers[peer]?.['value'];
  const kit = result.kit['value'];
  if (!figure || !kit) return '—';
  const ratio = kit.median / figure.median;
  const faster = result.unit === 'ms' ? 1 / ratio : ratio;
  return `${cell(figure, result.unit)} (${ratio.toFixed(2)}×; kit ${faster >= 1 ? `${faster.toFixed(1)}× faster` : `${(1 / faster).toFixed(1)}× slower`})`;
}

/**
 * A fixed-width table for the console.
 *
 * @param {ScenarioResult[]} results
 * @param {string[]} peers
 * @example
 *   console.log(consoleTable(results, ['RxDB']));
 */
export function consoleTable(results, peers) {
  const { header, body } = rows(results, peers);
  const widths = header.map((_, c) =>
    Math.max(...[header, ...body].map((row) => String(row[c]).length))
  );
  const line = (/** @type {string[]} */ row) =>
    `| ${row.map((text, c) => String(text).padEnd(widths[c] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/**
 * The same table in Markdown, notes below it.
 *
 * @param {ScenarioResult[]} results
 * @param {string[]} peers
 * @example
 *   const markdown = markdownTable(results, ['RxDB']);
 */
export function markdownTable(results, peers) {
  const { header, body } = rows(results, peers);
  const escape = (/** @type {string} */ text) => String(text).replaceAll('|', '\\|');
  const line = (/** @type {string[]} */ row) => `| ${row.map(escape).join(' | ')} |`;
  const notes = results.flatMap((result) => result.notes.map((note) => `- ${result.id}: ${note}`));
  return [
    line(header),
    `|${header.map(() => '---').join('|')}|`,
    ...body.map(line),
    '',
    ...notes,
  ].join('\n');
}

const START = '<!-- bench:latest:start -->';
const END = '<!-- bench:latest:end -->';

/**
 * Puts `section` between the markers of BENCHMARKS.md, keeping the text around them.
 *
 * @param {string} document
 * @param {string} section
 * @example
 *   writeFileSync('BENCHMARKS.md', replaceLatest(readFileSync('BENCHMARKS.md', 'utf8'), text));
 */
export function replaceLatest(document, section) {
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  if (start < 0 || end < start)
    throw new Error(`BENCHMARKS.md lacks the markers ${START} … ${END}`);
  return `${document.slice(0, start + START.length)}\n${section}\n${document.slice(end)}`;
}
