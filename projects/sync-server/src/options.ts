import { createConsoleLogger, type SyncLogger } from './logger';
import { isValidCollectionName } from './mutations/validate';
import {
  resolveWebSocketOptions,
  webSocketProblems,
  type ResolvedWebSocketOptions,
  type SyncWebSocketOptions,
} from './ws/ws-options';

/**
 * What `verify` may return for a token it accepts: the user and, for tokens that expire (a
 * JWT's `exp`), when. `expiresAt` is a `Date` or epoch milliseconds; null or absent: never.
 *
 * @example
 * const verified: VerifiedToken = { userId: claims.sub, expiresAt: claims.exp * 1000 };
 */
export interface VerifiedToken {
  userId: string;
  expiresAt?: Date | number | null;
}

/**
 * Bearer-token authentication. With it, every request except `GET /health` needs
 * `Authorization: Bearer <token>`; the token's user owns the records it writes.
 *
 * A token with an expiry answers 401 `token_expired` from the moment it expires, and a
 * WebSocket authenticated with it is closed then (`auth_error` `token_expired`, close 4401)
 * unless it sent `auth` with a fresh token before.
 *
 * @example
 * // the demo: static tokens (they never expire)
 * auth: { tokens: { 'alice-token': 'alice', 'bob-token': 'bob' } }
 * // an embedder: your own check (session store, …)
 * auth: { verify: async (token) => (await sessions.lookup(token))?.userId ?? null }
 * // a JWT: the user and the expiry (`exp` is in seconds, expiresAt in milliseconds)
 * auth: {
 *   verify: async (token) => {
 *     const claims = await verifyJwt(token); // your library; null when the signature is bad
 *     return claims && { userId: claims.sub, expiresAt: claims.exp * 1000 };
 *   },
 * }
 */
export interface SyncAuthOptions {
  /** Static tokens, token → user id. Checked before `verify`; they never expire. */
  tokens?: Readonly<Record<string, string>>;
  /**
   * Resolves a token to a user id, or to `{ userId, expiresAt }` for a token that expires;
   * null or undefined refuses it with 401.
   */
  verify?: (
    token: string
  ) =>
    string | VerifiedToken | null | undefined | Promise<string | VerifiedToken | null | undefined>;
  /**
   * Give each user their own records (default true): a user never lists, reads or writes
   * another's. False makes all users share one set of records.
   */
  scopeRecords?: boolean;
}

/**
 * Options of `createSyncServer`; only `dbPath` is required.
 *
 * @example
 * createSyncServer({ dbPath: './data/sync.sqlite', port: 8787, collections: ['todos', 'notes'] });
 */
export interface SyncServerOptions {
  /** SQLite file; created with its directory if missing. */
  dbPath: string;
  /** TCP port; 0 (the default) picks a free one, see the handle's `port`/`url`. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Allowed collection names; others answer 404. Default: any valid name. */
  collections?: readonly string[];
  /** Bearer-token auth; default none (every request is anonymous, records shared). */
  auth?: SyncAuthOptions;
  /** Largest accepted request body in bytes; default 1 MiB. */
  maxBodyBytes?: number;
  /** Most mutations in one `POST /sync/batch`; default 1000. */
  maxBatchSize?: number;
  /** Longest record id; default 128. */
  maxIdLength?: number;
  /** Change-feed page size when the request gives no `limit`; default 100. */
  defaultPageSize?: number;
  /** Largest page the change feed returns, whatever `limit` asks; default 1000. */
  maxPageSize?: number;
  /** How long idempotency keys are remembered; default 7 days. */
  idempotencyRetentionMs?: number;
  /** Origins allowed by CORS; default '*' (bearer tokens travel in a header, not cookies). */
  corsOrigins?: string | readonly string[];
  /** Where log lines go; default console at info level. */
  logger?: SyncLogger;
  /** The server clock, for `updatedAt` and the `Date` header; default the system clock. */
  now?: () => Date;
  /** The WebSocket endpoint (`/ws`, on by default); see `DEFAULT_WEB_SOCKET_OPTIONS`. */
  webSocket?: SyncWebSocketOptions;
}

/** Defaults of every optional `SyncServerOptions` field. */
export const DEFAULT_SYNC_SERVER_OPTIONS = {
  port: 0,
  host: '127.0.0.1',
  maxBodyBytes: 1024 * 1024,
  maxBatchSize: 1000,
  maxIdLength: 128,
  defaultPageSize: 100,
  maxPageSize: 1000,
  idempotencyRetentionMs: 7 * 24 * 60 * 60 * 1000,
  corsOrigins: '*',
} as const;

/** Options with defaults applied, as the rest of the server reads them. */
export interface ResolvedOptions {
  dbPath: string;
  port: number;
  host: string;
  collections: ReadonlySet<string> | null;
  auth: SyncAuthOptions | null;
  maxBodyBytes: number;
  maxBatchSize: number;
  maxIdLength: number;
  defaultPageSize: number;
  maxPageSize: number;
  idempotencyRetentionMs: number;
  corsOrigins: string | string[];
  logger: SyncLogger;
  now: () => Date;
  webSocket: ResolvedWebSocketOptions;
}

/** Applies the defaults and refuses a configuration that cannot work, before anything starts. */
export function resolveOptions(options: SyncServerOptions): ResolvedOptions {
  const d = DEFAULT_SYNC_SERVER_OPTIONS;
  const resolved: ResolvedOptions = {
    dbPath: options.dbPath,
    port: options.port ?? d.port,
    host: options.host ?? d.host,
    collections: options.collections ? new Set(options.collections) : null,
    auth: options.auth ?? null,
    maxBodyBytes: options.maxBodyBytes ?? d.maxBodyBytes,
    maxBatchSize: options.maxBatchSize ?? d.maxBatchSize,
    maxIdLength: options.maxIdLength ?? d.maxIdLength,
    defaultPageSize: options.defaultPageSize ?? d.defaultPageSize,
    maxPageSize: options.maxPageSize ?? d.maxPageSize,
    idempotencyRetentionMs: options.idempotencyRetentionMs ?? d.idempotencyRetentionMs,
    corsOrigins:
      typeof options.corsOrigins === 'object'
        ? [...options.corsOrigins]
        : (options.corsOrigins ?? d.corsOrigins),
    logger: options.logger ?? createConsoleLogger('info'),
    now: options.now ?? (() => new Date()),
    webSocket: resolveWebSocketOptions(options.webSocket),
  };
  const problems = configProblems(resolved);
  if (problems.length > 0) throw new Error(`Invalid sync server options: ${problems.join('; ')}`);
  return resolved;
}

const POSITIVE_INTEGERS = [
  'maxBodyBytes',
  'maxBatchSize',
  'maxIdLength',
  'defaultPageSize',
  'maxPageSize',
  'idempotencyRetentionMs',
] as const;

function configProblems(options: ResolvedOptions): string[] {
  const problems: string[] = [];
  if (!options.dbPath) problems.push('dbPath is required');
  const { port } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`port must be 0–65535, not ${port}`);
  }
  for (const name of options.collections ?? []) {
    if (!isValidCollectionName(name)) {
      problems.push(`'${name}' cannot be a collection (letters, digits, _, -; not sync or health)`);
    }
  }
  for (const key of POSITIVE_INTEGERS) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 1) {
      problems.push(`${key} must be a positive integer`);
    }
  }
  if (options.defaultPageSize > options.maxPageSize) {
    problems.push('defaultPageSize exceeds maxPageSize');
  }
  if (options.auth && !options.auth.tokens && !options.auth.verify) {
    problems.push('auth needs tokens or verify');
  }
  problems.push(...webSocketProblems(options.webSocket));
  return problems;
}
