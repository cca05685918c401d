// Types of figures.cjs, for the TypeScript specs that report reliability figures.

/** What one reliability test reports (see figures.cjs). */
export interface ReliabilityFigures {
  id: string;
  title: string;
  size: string;
  command: string;
  figures: Record<string, number | string>;
  passed: boolean;
}

/** Where the figures of the current run are written. */
export const FIGURES_DIR: string;

/** Writes one test's figures for the report; the same `id` replaces the last ones. */
export function recordReliabilityFigures(entry: ReliabilityFigures): void;
