import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorInfo } from '../model';
import { bearerChallenge } from './auth';

/**
 * Answers on a bare socket, where no `Response` exists: a refused WebSocket upgrade, or a
 * request Node's HTTP parser could not read. The body is `{ error: { code, message } }`, as
 * REST errors look, so a client sees one error shape whatever layer refused it. The socket is
 * closed once the answer is flushed. A 401 names the scheme, as HTTP requires.
 *
 * @example
 * answerOnSocket(socket, 404, { code: 'not_found', message: 'There is no WebSocket endpoint at /x' });
 */
export function answerOnSocket(
  socket: Duplex,
  status: number,
  error: ErrorInfo,
  headers: Readonly<Record<string, string>> = {}
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  if (status === 401) head.push(`WWW-Authenticate: ${bearerChallenge(error.code)}`);
  // Destroy only once the answer is flushed; destroying at once could drop it.
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
