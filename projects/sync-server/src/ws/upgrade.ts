import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

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
