/**
 * Close codes of the WebSocket protocol (docs/protocol.md, WebSocket) that mean the server will
 * not take these credentials: reconnecting with them would only be refused again. (4408, no auth
 * in time, is not one: a slow token provider may well be faster next time.)
 */
const AUTH_CLOSE_CODES: ReadonlySet<number> = new Set([4401, 4403]);

const MEANINGS: Readonly<Record<number, string>> = {
  1000: 'closed normally',
  1001: 'the server is going away (restart or shutdown)',
  1006: 'the connection was lost or could not be opened',
  1007: 'the server could not read a message of this client',
  1008: 'the server refused a message of this client (policy)',
  1009: 'a message of this client was too large for the server',
  1011: 'the server met an internal error',
  1012: 'the server is restarting',
  1013: 'the server is overloaded; try again later',
  4401: 'the server refused the credentials',
  4403: 'the user may not use this connection',
  4408: 'the client did not authenticate in time',
  4429: 'this client sent too many messages',
};

/**
 * Whether a close code means the credentials were refused (so reconnecting would not help).
 *
 * @example
 * isAuthClose(4401); // true
 * isAuthClose(1006); // false
 */
export function isAuthClose(code: number): boolean {
  return AUTH_CLOSE_CODES.has(code);
}

/**
 * A close in words: code, what it means and the server's reason.
 *
 * @example
 * closeProblem(1001, 'server shutting down');
 * // 'The WebSocket closed with code 1001 (the server is going away (restart or shutdown): server shutting down)'
 */
export function closeProblem(code: number, reason: string): string {
  const meaning = MEANINGS[code] ?? 'no standard meaning';
  const detail = reason ? `: ${reason.slice(0, 200)}` : '';
  return `The WebSocket closed with code ${code} (${meaning}${detail})`;
}
