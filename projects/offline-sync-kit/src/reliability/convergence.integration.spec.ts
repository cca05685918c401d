import { ConvergenceReport, runConvergence } from './convergence-run';

interface ConvergenceConfig {
  /** Runs in this browser (scripts/reliability/convergence.mjs gives each browser a batch). */
  readonly runs: number;
  /** Runs of the whole command the batch belongs to (200 for `npm test`, 5,000 for the soak). */
  readonly total: number;
  /** First seed; random when null (printed, so a failure can be replayed). */
  readonly seed: number | null;
  readonly actions: number;
}

interface KarmaWindow {
  __karma__?: { config?: { convergence?: Partial<ConvergenceConfig> } };
}

const CLIENTS = 3;
/**
 * Runs per spec: each spec reports on its own, so a long run shows progress, and three runs stuck
 * to their 30 s deadline still report within Karma's 120 s without news from the browser.
 */
const RUNS_PER_SPEC = 3;

const given = (globalThis as KarmaWindow).__karma__?.config?.convergence ?? {};
const config: ConvergenceConfig = {
  runs: given.runs ?? 0,
  total: given.total ?? given.runs ?? 0,
  seed: given.seed ?? null,
  actions: given.actions ?? 50,
};
const firstSeed = config.seed ?? Math.floor(Math.random() * 1_000_000_000);
const reports: ConvergenceReport[] = [];

/** How to run one seed again (what a failure prints). */
function replay(seed: number): string {
  return `npm run convergence -- --seed ${seed}`;
}

// Only when runs are asked for (`npm test`, `npm run convergence`, `npm run soak`): Jasmine refuses
// an empty suite.
if (config.runs > 0) {
  describe(`randomized convergence with faults (${CLIENTS} clients × ${config.actions} actions, seeds from ${firstSeed})`, () => {
    // Several clients, many actions and healing per run: well over Jasmine's default per spec.
    const timeout = 10_000 + RUNS_PER_SPEC * 35_000;

    for (let start = 0; start < config.runs; start += RUNS_PER_SPEC) {
      const seeds = Array.from(
        { length: Math.min(RUNS_PER_SPEC, config.runs - start) },
        (_, i) => firstSeed + start + i
      );
      it(
        `converges with nothing lost, doubled or resurrected: seeds ${seeds[0]}–${seeds.at(-1)}`,
        async () => {
          for (const seed of seeds) {
            let report: ConvergenceReport;
            try {
              report = await runConvergence(seed, { clients: CLIENTS, actions: config.actions });
            } catch (error) {
              fail(`seed ${seed} could not run (${String(error)}); replay: ${replay(seed)}`);
              continue;
            }
            reports.push(report);
            if (report.violations.length > 0) {
              fail(
                `seed ${seed}: ${report.violations.length} violations; replay: ${replay(seed)}\n` +
                  report.violations.slice(0, 20).join('\n')
              );
            }
          }
        },
        timeout
      );
    }

    afterAll(() => {
      const sum = (pick: (r: ConvergenceReport) => number) =>
        reports.reduce((total, r) => total + pick(r), 0);
      const faults: Record<string, number> = {};
      for (const report of reports) {
        for (const [kind, n] of Object.entries(report.faults))
          faults[kind] = (faults[kind] ?? 0) + n;
      }
      const failedRuns = reports.filter((r) => r.violations.length > 0).length;
      // Replays and small runs leave the report alone: it shows the CI size and the soak. Each
      // batch reports its part; scripts/reliability/convergence.mjs adds the parts up.
      if (config.total < 200) return;
      console.log(
        `[reliability-figures] ${JSON.stringify({
          id: `convergence-part-${firstSeed}`,
          title: 'part of a convergence run',
          size: `${config.runs} runs`,
          command: 'scripts/reliability/convergence.mjs',
          figures: {
            runs: reports.length,
            'runs failed': failedRuns + (config.runs - reports.length),
            'faults injected': Object.values(faults).reduce((a, b) => a + b, 0),
            ...Object.fromEntries(Object.entries(faults).map(([k, n]) => [`faults: ${k}`, n])),
            'durable writes checked': sum((r) => r.durableWrites),
            'single-writer records checked exactly': sum((r) => r.recordsChecked),
            losses: sum((r) => r.losses),
            duplicates: sum((r) => r.duplicates),
            resurrections: sum((r) => r.resurrections),
            'encryption turned on/off or key changed': sum((r) => r.encryptionChanges),
            'reloads with a wrong key (locked, nothing written)': sum((r) => r.wrongKeyReloads),
            'encrypted rows checked sealed': sum((r) => r.sealedRowsChecked),
            'plaintext found (rows in clear, titles readable on disk)': sum(
              (r) => r.plaintextFindings
            ),
          },
          passed: failedRuns === 0 && reports.length === config.runs,
        })}`
      );
    });
  });
}
