import type { VirtualClock } from '../expiring-tokens';
import type { TestServer } from '../test-server';
import {
  connect,
  refusedUpgrade,
  type Closed,
  type ConnectInit,
  type TestSocket,
} from '../ws-client';

/**
 * What became of one hostile WebSocket client:
 * - `closed`: the server closed it; `error` is the code of the last `error`/`auth_error` frame
 *   it sent before, if any;
 * - `refused`: the upgrade was answered with an HTTP error (`code` from its JSON body);
 * - `subscriptions`: it stayed open by design, and this many subscribes were taken and refused;
 * - `open`: it was still open at the deadline, which for a hostile client is a failure.
 */
export type Outcome =
  | { closed: Closed; error?: string }
  | { refused: number; code?: string }
  | { subscriptions: { accepted: number; refused: number } }
  | { open: true };

/** The static token of the suite's one static user, alice. */
export const ALICE = 'alice-token';
/** Clients per category; the costlier ones (floods, big frames, subscribers) are fewer. */
export const CROWD = 50;
export const SMALL_CROWD = 20;

/** How long the server has to close a client before it counts as left open. */
const CLOSE_DEADLINE_MS = 5000;

/**
 * Waits for the server to close `socket`, up to a deadline (generous: it only decides "left
 * open", no timing is asserted). A socket still open then is closed by the client.
 *
 * @example
 * const outcome = await closeOutcome(socket); // { closed: { code: 4408, … }, error: 'auth_timeout' }
 */
export async function closeOutcome(socket: TestSocket): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'open'>((resolve) => {
    timer = setTimeout(() => resolve('open'), CLOSE_DEADLINE_MS);
  });
  const closed = await Promise.race([socket.closed, deadline]);
  clearTimeout(timer);
  if (closed === 'open') {
    await socket.close();
    return { open: true };
  }
  const errors = socket.takeAll().filter((m) => m.type === 'error' || m.type === 'auth_error');
  const error: string | undefined = errors.at(-1)?.error?.code;
  return error === undefined ? { closed } : { closed, error };
}

/**
 * Connects (authenticated when `init.token` is given), sends `frames`, and waits for the
 * server to close the connection: the life of most unwelcome clients.
 *
 * @example
 * await outcomeOfSending(t, [{ type: 'subscribe', channel: 'todos' }]); // before auth
 */
export async function outcomeOfSending(
  t: TestServer,
  frames: unknown[],
  init: ConnectInit = {}
): Promise<Outcome> {
  const socket = await connect(t, init);
  for (const frame of frames) socket.send(frame);
  return closeOutcome(socket);
}

/**
 * Tries an upgrade that must be refused; an accepted one counts as `open` (and is closed).
 *
 * @example
 * await upgradeOutcome(t, { headers: { authorization: 'Bearer nope' } }); // { refused: 401, code: 'unauthorized' }
 */
export async function upgradeOutcome(t: TestServer, init: ConnectInit): Promise<Outcome> {
  try {
    const { status, body } = await refusedUpgrade(t, init);
    return { refused: status, code: body?.error?.code };
  } catch {
    return { open: true };
  }
}

/**
 * A judge of outcomes: closed with `code` (and, when given, after an error frame `error`).
 *
 * @example
 * closedWith(4408, 'auth_timeout')(outcome); // true or false
 */
export function closedWith(code: number, error?: string): (outcome: Outcome) => boolean {
  return (o) =>
    'closed' in o && o.closed.code === code && (error === undefined || o.error === error);
}

/** A judge: the upgrade answered `status` with `code`. */
export function refusedWith(status: number, code: string): (outcome: Outcome) => boolean {
  return (o) => 'refused' in o && o.refused === status && o.code === code;
}

/**
 * Runs `n` clients at once (as a crowd of them would arrive), in client order.
 *
 * @example
 * const outcomes = await clients(20, async (i) => closeOutcome(await connect(t)));
 */
export function clients<T>(n: number, run: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => run(i)));
}

/** The servers and clock the categories run against (see `websocket-security.spec.ts`). */
export interface SecurityEnv {
  /** Auth with `alice-token` and expiring tokens, authTimeoutMs 300, maxSubscriptions 5. */
  t: TestServer;
  /** The same auth, maxConnections 20. */
  crowded: TestServer;
  clock: VirtualClock;
  /** The limits `t` and `crowded` were started with. */
  limits: { maxSubscriptions: number; maxConnections: number; maxFrameBytes: number };
}

/**
 * One kind of unwelcome client: how many, how they misbehave, and what the server must do
 * about each.
 */
export interface SecurityCategory {
  name: string;
  /** What must happen, in words, for the report. */
  expected: string;
  run(env: SecurityEnv): Promise<Outcome[]>;
  matches(outcome: Outcome, env: SecurityEnv): boolean;
}
