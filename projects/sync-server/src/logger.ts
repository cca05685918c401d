/**
 * Where the server writes its log lines. Pass your own to route them into an existing
 * logging setup; `info` gets one line per request.
 *
 * @example
 * const logger: SyncLogger = { info: pino.info.bind(pino), warn: pino.warn.bind(pino), error: pino.error.bind(pino) };
 */
export interface SyncLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

/** How chatty `createConsoleLogger` is: each level includes those after it. */
export type LogLevel = 'info' | 'warn' | 'error' | 'silent';

const RANK: Record<LogLevel, number> = { info: 0, warn: 1, error: 2, silent: 3 };

/**
 * A logger that writes timestamped lines to stdout (info) and stderr (warn, error).
 *
 * @example
 * createSyncServer({ dbPath, logger: createConsoleLogger('warn') });
 */
export function createConsoleLogger(level: LogLevel = 'info'): SyncLogger {
  const enabled = (at: LogLevel) => RANK[at] >= RANK[level];
  const line = (at: string, message: string) => `${new Date().toISOString()} ${at} ${message}`;
  return {
    info: (message) => {
      if (enabled('info')) process.stdout.write(line('info', message) + '\n');
    },
    warn: (message) => {
      if (enabled('warn')) process.stderr.write(line('warn', message) + '\n');
    },
    error: (message, err) => {
      if (!enabled('error')) return;
      const detail =
        err instanceof Error ? `: ${err.stack ?? err.message}` : err ? `: ${String(err)}` : '';
      process.stderr.write(line('error', message + detail) + '\n');
    },
  };
}

/** A logger that drops everything; the default in tests. */
export const silentLogger: SyncLogger = createConsoleLogger('silent');

/** True for the names `createConsoleLogger` accepts. */
export function isLogLevel(value: string): value is LogLevel {
  return value in RANK;
}
