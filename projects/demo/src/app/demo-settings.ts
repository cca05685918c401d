import { ConflictResolutionStrategy } from 'offline-sync-kit';

const STRATEGY_KEY = 'offline-sync-demo:conflict-strategy';

/** The strategies the demo's switch offers (`custom` needs code, so it is not among them). */
export const STRATEGIES: readonly ConflictResolutionStrategy[] = [
  'mergeFields',
  'lastUpdateWins',
  'serverWins',
  'clientWins',
  'manual',
];

/** The conflict strategy picked on this device (kept across reloads), `mergeFields` at first. */
export function savedStrategy(): ConflictResolutionStrategy {
  const saved = globalThis.localStorage?.getItem(STRATEGY_KEY);
  return STRATEGIES.find((strategy) => strategy === saved) ?? 'mergeFields';
}

/** Keeps the picked strategy for the next start. */
export function saveStrategy(strategy: ConflictResolutionStrategy): void {
  globalThis.localStorage?.setItem(STRATEGY_KEY, strategy);
}
