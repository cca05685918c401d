import { parseArgs } from 'node:util';
import { isLogLevel, type LogLevel } from './logger';
import type { SyncServerOptions } from './options';

/** What the command line asks for. */
export interface CliConfig {
  options: SyncServerOptions;
  logLevel: LogLevel;
  help: boolean;
}

/** The `--help` text; also printed after a usage error. */
export const USAGE = `Usage: npm run server -- [options]

  --port <n>             TCP port (default 8787; 0 picks a free one)
  --host <host>          interface to bind (default 127.0.0.1)
  --db <path>            SQLite file, created if missing (default ./data/sync.sqlite)
  --collections <a,b>    allowed collections (default: any valid name)
  --token <token=user>   accept a bearer token for a user; repeat for more users.
                         With at least one token, every request but /health needs one
  --shared-records       with tokens: all users share one set of records
  --max-body-bytes <n>   largest request body (default 1048576)
  --cors-origin <url>    allowed CORS origin; repeat for more (default *)
  --log-level <level>    info | warn | error | silent (default info)
  --help                 print this text
`;

/**
 * Parses the server's command line into `createSyncServer` options; throws an Error whose
 * message says what is wrong (the CLI prints it with the usage).
 *
 * @example
 * parseCliArgs(['--port', '9000', '--token', 'secret=alice']).options.auth;
 * // { tokens: { secret: 'alice' }, scopeRecords: true }
 */
export function parseCliArgs(argv: readonly string[]): CliConfig {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      db: { type: 'string', default: './data/sync.sqlite' },
      collections: { type: 'string' },
      token: { type: 'string', multiple: true },
      'shared-records': { type: 'boolean', default: false },
      'max-body-bytes': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', default: false },
    },
  });

  const options: SyncServerOptions = {
    dbPath: values.db,
    port: integer('--port', values.port),
    host: values.host,
  };
  if (values.collections !== undefined) {
    options.collections = values.collections
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
  }
  if (values.token?.length) {
    options.auth = { tokens: tokenMap(values.token), scopeRecords: !values['shared-records'] };
  }
  if (values['max-body-bytes'] !== undefined) {
    options.maxBodyBytes = integer('--max-body-bytes', values['max-body-bytes']);
  }
  if (values['cors-origin']?.length) options.corsOrigins = values['cors-origin'];
  const logLevel = values['log-level'];
  if (!isLogLevel(logLevel)) throw new Error(`--log-level must be info, warn, error or silent`);
  return { options, logLevel, help: values.help };
}

function integer(flag: string, text: string): number {
  if (!/^[0-9]{1,10}$/.test(text)) throw new Error(`${flag} must be a whole number, not '${text}'`);
  return Number(text);
}

function tokenMap(pairs: readonly string[]): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    if (at <= 0 || at === pair.length - 1) {
      throw new Error(`--token takes token=user, not '${pair}'`);
    }
    tokens[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return tokens;
}
