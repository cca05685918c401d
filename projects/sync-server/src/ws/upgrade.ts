import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorInfo } from '../model';

/**
 * Refuses an upgrade request with a plain HTTP answer (`{ error: { code, message } }`, as
 * REST errors look) and closes the socket. A 401 names the scheme, as HTTP requires.
 *
 * @example
 * rejectUpgrade(socket, 404, { code: 'not_found', message: 'There is no WebSocket endpoint at /x' });
 */
export function rejectUpgrade(socket: Duplex, status: number, error: ErrorInfo): void {
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
  ];
  if (status === 401) head.push('WWW-Authenticate: Bearer');
  // Destroy only once the answer is flushed; destroying at once could drop it.
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/**
 * The path of an upgrade request, without its query: `/ws?v=1` is `/ws`.
 *
 * @example
 * upgradePath(request) === options.webSocket.path;
 */
export function upgradePath(request: IncomingMessage): string {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Keeps a socket error during an async upgrade step (the header auth) from crashing the
 * process: Node's HTTP server has removed its own error handler once it emitted 'upgrade'.
 * Returns the function that removes the guard before `ws` takes over the socket.
 *
 * @example
 * const unguard = guardSocket(socket);
 * await authenticate(header);
 * unguard();
 */
export function guardSocket(socket: Duplex): () => void {
  const onError = () => socket.destroy();
  socket.on('error', onError);
  return () => socket.off('error', onError);
}
