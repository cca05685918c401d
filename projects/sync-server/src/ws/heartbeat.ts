import type { SyncLogger } from '../logger';
import type { ClientSession } from './client-session';

/**
 * Pings every connection each `intervalMs` and drops the ones that did not answer the
 * previous ping. A client whose network vanished (a laptop lid closed, a phone in a tunnel)
 * never sends a close frame: without this its connection and subscriptions would stay until
 * the TCP stack gives up, which can take hours. The timer does not keep the process alive.
 * Returns the function that stops it.
 *
 * @example
 * const stop = startHeartbeat(sessions, 30_000, logger);
 * stop();
 */
export function startHeartbeat(
  sessions: Iterable<ClientSession>,
  intervalMs: number,
  logger: SyncLogger
): () => void {
  const timer = setInterval(() => heartbeatRound(sessions, logger), intervalMs).unref();
  return () => clearInterval(timer);
}

/**
 * One heartbeat round: terminates sessions still marked not alive since the last round, marks
 * the others not alive and pings them (their `pong` marks them alive again).
 *
 * @example
 * heartbeatRound(sessions, logger);
 */
export function heartbeatRound(sessions: Iterable<ClientSession>, logger: SyncLogger): void {
  for (const session of sessions) {
    if (!session.alive) {
      logger.warn(`WS #${session.id} ${session.userLabel} dropped: no pong to the last heartbeat`);
      session.terminate();
      continue;
    }
    session.alive = false;
    session.ping();
  }
}
