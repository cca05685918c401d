import { getRequestListener, RequestError, type HttpBindings } from '@hono/node-server';
import { createServer, type Server, type ServerResponse } from 'node:http';
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
 *   broken chunk, headers over the size limit): `clientError`, answered on the socket once
 *   the answers to the requests before it are out; and `CONNECT`, which Node would drop
 *   without an answer.
 * - The Hono adapter, which turns the parsed request into a `Request` (a bad `Host`, a
 *   backslash in the path, `OPTIONS *`): its `errorHandler`.
 *
 * An answer given before its request body arrived in full says `Connection: close`.
 *
 * @example
 * const server = createNodeServer(app.fetch, logger);
 * server.listen(8787);
 */
export function createNodeServer(
  fetch: (request: Request, env: HttpBindings) => Response | Promise<Response>,
  logger: SyncLogger
): Server {
  const listener = getRequestListener(
    async (request, env) => {
      const { incoming } = env as HttpBindings;
      const response = await fetch(request, env as HttpBindings);
      // Answered before the body was in (413, 415, 401, an unknown collection): the adapter
      // gives the rest half a second to drain and then cuts the socket, so a client that kept
      // the connection for its next request would see that one fail.
      if (!incoming.complete) response.headers.set('Connection', 'close');
      return response;
    },
    {
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
    }
  );
  // Without Host, Node itself would answer a bare 400; the adapter refuses it as JSON instead.
  const server = createServer({ requireHostHeader: false }, listener);
  // Node reports the parser error again for each later packet on the socket: answer once.
  const refused = new WeakSet<Duplex>();
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    if (refused.has(socket)) return;
    refused.add(socket);
    logger.info(`malformed HTTP request refused: ${err.code ?? err.message}`);
    const [status, error] = parserRefusal(err.code);
    afterAnswersInFlight(socket, () => answerOnSocket(socket, status, error));
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

/**
 * Runs `answer` once the answers to the requests before the broken one are written: the
 * broken bytes may follow a valid request in the same packet (pipelining), whose write is
 * already stored, and answering at once would cut its answer off. Node puts the answer being
 * written on `socket._httpMessage` and, when it finishes, the next queued one.
 */
function afterAnswersInFlight(socket: Duplex, answer: () => void): void {
  const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  // An answer still waiting for the very body that broke would never finish: refuse now.
  if (!inFlight || inFlight.writableFinished || (!inFlight.req.complete && !inFlight.headersSent)) {
    answer();
    return;
  }
  // Node's own 'finish' listener ran first: the socket now carries the next answer, if any.
  inFlight.once('finish', () => afterAnswersInFlight(socket, answer));
}

/** The status and error for a request Node's HTTP parser refused, by its error code. */
function parserRefusal(code: string | undefined): [number, ErrorInfo] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, { code: 'invalid_request', message: 'The request headers are too large' }];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      // As Node answers it; the protocol's code for a 413.
      return [
        413,
        { code: 'payload_too_large', message: 'The chunk extensions of the body are too large' },
      ];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, { code: 'invalid_request', message: 'The request did not arrive in time' }];
    default:
      return [
        400,
        {
          code: 'invalid_request',
          message: `The request is not valid HTTP (${code ?? 'parse error'})`,
        },
      ];
  }
}

function jsonError(status: number, error: ErrorInfo): Response {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
  });
}
