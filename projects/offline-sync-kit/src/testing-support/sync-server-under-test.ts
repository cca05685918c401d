/**
 * The reference sync server for integration specs, and the fault proxy in front of it.
 *
 * The library's Karma run starts both (the `sync-server` framework in scripts/karma-shared.cjs,
 * so `npm test` and `ng test offline-sync-kit` alike): a fresh server on a temporary SQLite file
 * and a proxy that forwards to it, on 127.0.0.1 and free ports, stopped when Karma exits. Their
 * URLs reach the page as `__karma__.config.syncServer`. To use servers of your own instead, set
 * SYNC_SERVER_URL and SYNC_PROXY_URL (and SYNC_PROXY_CONTROL_URL if the control API is not at
 * `${SYNC_PROXY_URL}/__faults`) before `ng test`.
 *
 * The database is shared by every spec of the run and never reset: give each spec its own
 * collection with `uniqueCollection()` (the server creates it on the first write). Fault rules
 * are global too: set them in the spec that needs them and `clearFaults()` in `afterEach`.
 *
 * @example
 * const { proxyUrl } = syncServer();
 * const todos = uniqueCollection('todos');
 * await setFaults([{ match: { method: 'POST', pathPrefix: `/${todos}` }, dropResponse: true }]);
 * await expectAsync(fetch(`${proxyUrl}/${todos}`, { method: 'POST', … })).toBeRejected();
 */

/** Where the servers of this test run are. */
export interface SyncServerUnderTest {
  /** The sync server itself, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The same server through the fault proxy: point the code under test here. */
  proxyUrl: string;
  /** The proxy's control API, `${proxyUrl}/__faults`. */
  controlUrl: string;
  /**
   * A server that needs bearer tokens: `alice-token` (user alice) or `bob-token` (bob); each user
   * sees only their own records. Absent when the servers were started by hand.
   */
  securedUrl?: string;
  /**
   * A server whose WebSocket change events are named `record.created`, `record.changed` and
   * `record.removed`, and that answers every app message `m` with `{type: 'echo', message: m}`.
   */
  renamedUrl?: string;
}

/** Which requests a rule applies to; all given fields must hold. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** A plain prefix of the path with its query string, e.g. `/todos` or `/sync/batch`. */
  pathPrefix?: string;
}

interface FaultRuleBase {
  /** Default: every request (CORS preflights excepted; they are always forwarded). */
  match?: FaultMatch;
  /** How many matching requests the rule applies to: a positive integer (default 1) or always. */
  times?: number | 'always';
}

/**
 * One fault. The first rule (in order) that matches a request and has uses left applies to it;
 * other requests are forwarded unchanged.
 *
 * - `dropResponse` — forwarded, the server answers (and commits), then the connection is cut
 *   without an answer: the lost response after commit. `fetch` rejects with a `TypeError`.
 * - `failWith` — answered by the proxy without forwarding: `status`, `headers` (readable by the
 *   page, e.g. `Retry-After`), `body` (a string as text/plain, anything else as JSON; default
 *   `{ error: { code: 'injected_fault', message } }`).
 * - `delay` — forwarded after `ms` milliseconds.
 * - `delayResponse` — forwarded at once; the server's answer reaches the client `ms` later (an
 *   answer overtaken by later changes on the server).
 * - `resetConnection` — the request is read, not forwarded, and the connection cut.
 * - `dropRequest` — the request is read, not forwarded, and the connection cut after `ms`.
 * - `duplicate` — forwarded twice, one after the other; the client gets the second answer. A
 *   second success the server did not mark `Idempotent-Replayed` counts as `duplicateApplied`.
 * - `replaceAnswer` — forwarded; the server answers (and commits), and the client gets this
 *   instead: `status` (default the server's), `body` and `headers` as for `failWith`. A write
 *   the server stored whose answer arrives garbled.
 */
export type FaultRule = FaultRuleBase & FaultEffect;

/** What a {@link FaultRule} does to the requests it matches: exactly one fault. */
export type FaultEffect =
  | { dropResponse: true }
  | { failWith: { status: number; body?: unknown; headers?: Record<string, string> } }
  | { delay: { ms: number } }
  | { delayResponse: { ms: number } }
  | { resetConnection: true }
  | { dropRequest: { ms: number } }
  | { duplicate: true }
  | { replaceAnswer: { status?: number; body: unknown; headers?: Record<string, string> } };

/** What the proxy counted since the last `clearFaults()`. */
export interface FaultStats {
  readonly requests: number;
  /** Faults applied, by kind; `webSocketFrame`: frames injected, counted per connection. */
  readonly faults: Readonly<Record<string, number>>;
  /** Writes a `duplicate` fault saw the server apply twice (a broken idempotency). */
  readonly duplicateApplied: number;
  /** WebSocket connections carried. */
  readonly webSockets: number;
}

/** The kinds of {@link FaultRule}. */
export type FaultKind =
  | 'dropResponse'
  | 'failWith'
  | 'delay'
  | 'delayResponse'
  | 'resetConnection'
  | 'dropRequest'
  | 'duplicate'
  | 'replaceAnswer';

/** A request the proxy saw (CORS preflights are not listed). */
export interface FaultLogEntry {
  /** Increasing over the whole run. */
  seq: number;
  method: string;
  /** Path with query string, as requested. */
  path: string;
  /** Index of the rule that applied, or null when the request was just forwarded. */
  rule: number | null;
  fault: FaultKind | null;
  /** The status the client got; null when the connection was cut (or it is still in flight). */
  status: number | null;
  /** The status the server answered; null when the request was not forwarded. */
  serverStatus: number | null;
}

interface KarmaWindow {
  __karma__?: { config?: { syncServer?: Partial<SyncServerUnderTest> & { error?: string } } };
}

/**
 * The URLs of this run's sync server and fault proxy.
 *
 * @throws Error when the page was not started by the library's Karma run (no server running), or
 *   the server failed to start (the reason is in the message and in the Karma output).
 */
export function syncServer(): SyncServerUnderTest {
  const found = (globalThis as KarmaWindow).__karma__?.config?.syncServer;
  if (found?.error) {
    throw new Error(`the reference sync server did not start: ${found.error}`);
  }
  if (!found?.url || !found.proxyUrl || !found.controlUrl) {
    throw new Error(
      'the reference sync server is not running; run the library tests with npm test ' +
        '(or ng test offline-sync-kit, whose Karma config starts it)'
    );
  }
  const { url, proxyUrl, controlUrl, securedUrl, renamedUrl } = found;
  return {
    url,
    proxyUrl,
    controlUrl,
    ...(securedUrl ? { securedUrl } : {}),
    ...(renamedUrl ? { renamedUrl } : {}),
  };
}

/**
 * Closes the main sync server (its WebSockets see close code 1001) and starts it again on the
 * same port and database; resolves once it accepts connections again.
 */
export async function restartSyncServer(): Promise<void> {
  await control('POST', '/restart-server');
}

/**
 * Replaces the proxy's fault rules with `rules`, and clears its request log.
 *
 * @example
 * await setFaults([
 *   { match: { method: 'POST', pathPrefix: '/sync/batch' }, times: 2, failWith: { status: 503,
 *     headers: { 'Retry-After': '1' } } },
 * ]);
 */
export async function setFaults(rules: readonly FaultRule[]): Promise<void> {
  await control('POST', '', { rules });
}

/** Adds `rules` after the active ones, keeping the request log and the counts. */
export async function addFaults(rules: readonly FaultRule[]): Promise<void> {
  await control('POST', '/rules', { rules });
}

/** Cuts every WebSocket connection the proxy carries (clients see close code 1006). */
export async function closeProxiedWebSockets(): Promise<void> {
  await control('POST', '/close-websockets');
}

/**
 * A server→client WebSocket frame for {@link injectWebSocketFrames}: `text` as is in a text
 * frame, `json` serialized into a text frame, or `binary` (base64) in a binary frame.
 *
 * @example
 * const frames: InjectedFrame[] = [{ text: '<html>' }, { json: { type: 'surprise' } }, { binary: 'AAEC' }];
 */
export type InjectedFrame = { text: string } | { json: unknown } | { binary: string };

/**
 * Sends `frames` to the client of every WebSocket the proxy carries, as if the server had sent
 * them: unmasked and unfragmented, each at the next point between two of the server's own
 * messages (the proxy reads the frame headers of the server's stream, so an injected frame never
 * lands inside one of its frames or between the fragments of one of its messages). Resolves
 * with the number of connections that got them, once they are queued; the client reads them
 * soon after, so wait for what they cause.
 *
 * @example
 * await injectWebSocketFrames([{ json: { type: 'change', event: 'updated' } }]); // no id: broken
 * await eventually(() => problems.length === 1, 'the problem report');
 */
export async function injectWebSocketFrames(frames: readonly InjectedFrame[]): Promise<number> {
  const answer = (await control('POST', '/websocket-frames', { frames })) as { tunnels: number };
  return answer.tunnels;
}

/** What the proxy counted since the last `clearFaults()`. */
export async function faultStats(): Promise<FaultStats> {
  return (await control('GET', '/stats')) as FaultStats;
}

/**
 * Removes every fault rule and clears the request log and counts: the proxy forwards everything
 * again.
 */
export async function clearFaults(): Promise<void> {
  await control('DELETE', '');
}

/** The requests the proxy saw since the last `setFaults` / `clearFaults`, oldest first. */
export async function faultLog(): Promise<FaultLogEntry[]> {
  const answer = await control('GET', '/log');
  return (answer as { requests: FaultLogEntry[] }).requests;
}

let collections = 0;

/**
 * A collection name no other spec uses (all specs of a run share the server's database):
 * `prefix` plus a unique suffix, at most 64 characters from `A-Z a-z 0-9 _ -`, starting with a
 * letter, as the server requires.
 *
 * @example
 * const todos = uniqueCollection('todos'); // 'todos_m3k2x1a_1_4fz9q'
 */
export function uniqueCollection(prefix = 'spec'): string {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(prefix)) {
    throw new Error(`'${prefix}' cannot start a collection name (a letter, then A-Z a-z 0-9 _ -)`);
  }
  const suffix = `_${Date.now().toString(36)}_${++collections}_${Math.random().toString(36).slice(2, 7)}`;
  return `${prefix.slice(0, 64 - suffix.length)}${suffix}`;
}

async function control(method: string, path: string, body?: unknown): Promise<unknown> {
  const { controlUrl } = syncServer();
  const response = await fetch(`${controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(
      `fault proxy: ${method} ${controlUrl}${path} answered ${response.status} ${text}`
    );
  }
  return text ? JSON.parse(text) : undefined;
}
