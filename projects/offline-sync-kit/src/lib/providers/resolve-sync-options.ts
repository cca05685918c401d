import { DEFAULT_RETRY_POLICY } from '../core/backoff';
import { withoutUndefined } from '../core/without-undefined';
import { conflictPolicyProblem, DEFAULT_CONFLICT_POLICY } from '../core/conflict-policy';
import { OfflineSyncError } from '../model/sync-error';
import { RetryPolicy, SyncOptions } from '../model/sync-options';

/**
 * {@link SyncOptions} with every default applied.
 *
 * @example
 * const options: ResolvedSyncOptions = resolveSyncOptions({ serverUrl: 'https://api.example.com' });
 */
export type ResolvedSyncOptions = Required<Omit<SyncOptions, 'retry'>> & {
  readonly retry: RetryPolicy;
};

/**
 * The defaults every {@link SyncOptions} is merged over.
 *
 * @example
 * provideOfflineSync({ sync: { ...DEFAULT_SYNC_OPTIONS, serverUrl: '/api' } });
 */
export const DEFAULT_SYNC_OPTIONS: ResolvedSyncOptions = {
  serverUrl: null,
  batchSize: 50,
  useBatchEndpoint: false,
  useDeltaSync: true,
  bidirectionalSync: true,
  syncInterval: 60_000,
  pushDebounce: 300,
  pullPageSize: 100,
  requestTimeout: 30_000,
  retry: DEFAULT_RETRY_POLICY,
  conflicts: DEFAULT_CONFLICT_POLICY,
};

/**
 * Merges sync options over a base (the defaults, or the options in force) and checks them,
 * throwing a `config` {@link OfflineSyncError} that names the bad field.
 *
 * @example
 * resolveSyncOptions({ batchSize: 0 }); // throws: batchSize must be a whole number ≥ 1
 */
export function resolveSyncOptions(
  options: SyncOptions = {},
  base: ResolvedSyncOptions = DEFAULT_SYNC_OPTIONS
): ResolvedSyncOptions {
  const resolved: ResolvedSyncOptions = {
    ...base,
    ...withoutUndefined(options),
    retry: { ...base.retry, ...withoutUndefined(options.retry) },
    conflicts: { ...base.conflicts, ...withoutUndefined(options.conflicts) },
  };
  const fail = (problem: string): never => {
    throw new OfflineSyncError('config', `sync options: ${problem}`);
  };
  const { serverUrl, retry } = resolved;
  if (serverUrl !== null && (typeof serverUrl !== 'string' || serverUrl.trim() === '')) {
    fail('`serverUrl` must be a URL such as "https://api.example.com", or null to stay offline.');
  }
  const wholeNumbers = { batchSize: 1, pullPageSize: 1, maxAttempts: 1 } as const;
  for (const [field, min] of Object.entries(wholeNumbers)) {
    const value =
      field === 'maxAttempts' ? retry.maxAttempts : resolved[field as 'batchSize' | 'pullPageSize'];
    if (!Number.isInteger(value) || value < min)
      fail(`\`${field}\` must be a whole number ≥ ${min}.`);
  }
  const durations = {
    syncInterval: resolved.syncInterval,
    pushDebounce: resolved.pushDebounce,
    requestTimeout: resolved.requestTimeout,
    initialDelay: retry.initialDelay,
    maxDelay: retry.maxDelay,
  };
  for (const [field, value] of Object.entries(durations)) {
    if (!Number.isFinite(value) || value < 0)
      fail(`\`${field}\` must be a number of milliseconds ≥ 0.`);
  }
  if (!Number.isFinite(retry.multiplier) || retry.multiplier < 1)
    fail('`retry.multiplier` must be ≥ 1.');
  const conflictProblem = conflictPolicyProblem(options.conflicts, '`conflicts`');
  if (conflictProblem) fail(conflictProblem);
  return resolved;
}
