import { getRequestListener, RequestError } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SyncLogger } from '../logger';
import type { ErrorInfo } from '../model';
import { answerOnSocket } from './socket-answer';

/**
 * The Node HTTP server in front of the app. Two layers answer before the app sees a request,
 * and both would answer a bad one with an empty or text body; here every refusal is the
 * protocol's JSON error:
 *
 * - Node's parser (a CR or NUL in a header, `Content-Length` with `Transfer-Encoding`, a
 *   broken chunk, headers over the size limit): `clientError`, answered on the socket; and
 *   `CONNECT`, which Node would drop without an answer.
 * - The Hono adapter, which turns the parsed request into a `Request` (a bad `Host`, a
 *   backslash in the path, `OPTIONS *`): its `errorHandler`.
 *
 * @example
 * const server = createNodeServer(app.fetch, logger);
 * server.listen(8787);
 */
export function createNodeServer(
  fetch: (request: Request) => Response | Promise<Response>,
  logger: SyncLogger
): Server {
  const listener = getRequestListener(fetch, {
    errorHandler: (err) => {
      if (err instanceof RequestError) {
        logger.info(`request refused before routing: ${err.message}`);
        return jsonError(400, { code: 'invalid_request', message: err.message });
      }
      logger.error('request failed outside the app', err);
      return jsonError(500, {
        code: 'internal',
        message: 'The server failed to handle this request',
      });
    },
  });
  // Without Host, Node itself would answer a bare 400; the adapter refuses it as JSON instead.
  const server = createServer({ requireHostHeader: false }, listener);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // An answer already under way cannot be followed by another: cut the connection.
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    logger.info(`malformed HTTP request refused: ${err.code ?? err.message}`);
    const [status, message] = parserRefusal(err.code);
    answerOnSocket(socket, status, { code: 'invalid_request', message });
  });
  // Node hands CONNECT (a proxy tunnel request) to this event and, with no listener, drops
  // the connection without a word. This is no proxy: say so, as any other method would.
  server.on('connect', (_request, socket: Duplex) => {
    answerOnSocket(
      socket,
      405,
      { code: 'method_not_allowed', message: 'CONNECT is not supported: this is no proxy' },
      { Allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' }
    );
  });
  return server;
}

/** The status and message for a request Node's HTTP parser refused, by its error code. */
function parserRefusal(code: string | undefined): [number, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'The request headers are too large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'The request did not arrive in time'];
    default:
      return [400, `The request is not valid HTTP (${code ?? 'parse error'})`];
  }
}

function jsonError(status: number, error: ErrorInfo): Response {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
}
