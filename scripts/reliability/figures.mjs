// @ts-check
// ES module face of figures.cjs (one implementation for Karma's CommonJS and the ESM/TS suites).
import figures from './figures.cjs';

export const { FIGURES_DIR, recordReliabilityFigures } = figures;
