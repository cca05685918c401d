// @ts-check
// Serves the built demo (`dist/demo/browser`) and proxies `/api/*` to the sync server, so the
// browser talks only to the demo's own origin (no CORS; the demo uses `serverUrl: '/api'`).
//
// - Static files with their content type; a path without a file extension that matches no file
//   gets index.html (the router's deep links), a missing file a 404. index.html and the service
//   worker's files (ngsw.json, ngsw-worker.js, …) are `Cache-Control: no-cache`; hashed bundles
//   (`main-ABCD1234.js`) are immutable; everything else revalidates (ETag).
// - `/api/<path>` → `<syncServerUrl>/<path>`: any method, headers and body streamed both ways,
//   status and headers passed back. WebSocket upgrades the same way (`/api/ws` → `/ws`), piped
//   byte for byte once the sync server has answered 101.
//
//   const demo = await startDemoServer({ root: 'dist/demo/browser', port: 4200,
//     syncServerUrl: 'http://127.0.0.1:8787' });
//   console.log(demo.url); // http://127.0.0.1:4200
//   await demo.close();
//
// As a program:
//   node scripts/demo-server.mjs [--root dist/demo/browser] [--port 4200] [--host 127.0.0.1]
//     [--sync-server http://127.0.0.1:8787]
// (defaults from DEMO_PORT, SYNC_SERVER_URL or SYNC_SERVER_PORT). Ctrl-C stops it.
import { Buffer } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Socket } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { parseArgs } from 'node:util';

const API_PREFIX = '/api';

/** @type {Record<string, string>} */
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** Files a browser must always revalidate: the page and the Angular service worker's. */
const NO_CACHE_FILES = new Set([
  'index.html',
  'ngsw.json',
  'ngsw-worker.js',
  'safety-worker.js',
  'worker-basic.min.js',
  'manifest.webmanifest',
]);
/** Angular's output hashing: `name-XXXXXXXX.ext` (8 upper-case letters or digits). */
const HASHED_FILE = /-[A-Z0-9]{8}\.(?:js|css|mjs)$/;

/** Connection-level headers that a proxy must not forward (RFC 9110 § 7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Starts the demo server.
 *
 * @param {{ root: string, port?: number, host?: string, syncServerUrl: string,
 *   onError?: (message: string) => void }} options `root`: the built app
 *   (`dist/demo/browser`); `port` 0 (the default) picks a free one; `syncServerUrl`: where
 *   `/api/*` goes (may carry a path prefix); `onError`: proxy failures (default: stderr).
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>} `url` without a
 *   trailing slash (`http://127.0.0.1:4200`); `close()` stops listening and ends every open
 *   connection, WebSockets included; it is idempotent.
 */
export async function startDemoServer({
  root,
  port = 0,
  host = '127.0.0.1',
  syncServerUrl,
  onError = (message) => console.error(`[demo-server] ${message}`),
}) {
  const rootDir = resolve(root);
  const indexFile = join(rootDir, 'index.html');
  if (!(await isFile(indexFile))) {
    throw new Error(`${indexFile} does not exist: build the demo first (ng build demo)`);
  }
  const target = new URL(syncServerUrl);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new Error(`syncServerUrl must be http(s)://…, not ${syncServerUrl}`);
  }
  const targetBase = target.pathname.replace(/\/+$/, '');
  const sendRequest = target.protocol === 'https:' ? httpsRequest : httpRequest;

  /**
   * Every socket, client side and sync-server side, so close() can end upgraded ones too.
   *
   * @type {Set<import('node:stream').Duplex>}
   */
  const sockets = new Set();
  const track = (/** @type {import('node:stream').Duplex} */ socket) => {
    if (sockets.has(socket)) return; // a kept-alive upstream socket, reused
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  /** `/api/todos?x=1` → `/todos?x=1` on the sync server; null when not under /api. */
  const upstreamPath = (/** @type {string} */ rawUrl) => {
    if (
      rawUrl !== API_PREFIX &&
      !rawUrl.startsWith(`${API_PREFIX}/`) &&
      !rawUrl.startsWith(`${API_PREFIX}?`)
    ) {
      return null;
    }
    const rest = rawUrl.slice(API_PREFIX.length);
    return `${targetBase}${rest.startsWith('/') ? rest : `/${rest}`}`;
  };

  const upstreamHeaders = (/** @type {import('node:http').IncomingMessage} */ request) => {
    const headers = { ...request.headers };
    for (const name of connectionHeaders(request.headers)) delete headers[name];
    headers.host = target.host;
    const forwardedFor = request.headers['x-forwarded-for'];
    const client = request.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${client}` : client;
    headers['x-forwarded-host'] = request.headers.host ?? '';
    headers['x-forwarded-proto'] = 'http';
    return headers;
  };

  /**
   * A request to the sync server, its socket tracked so `close()` ends it.
   * @param {string | undefined} method
   * @param {string} path
   * @param {import('node:http').OutgoingHttpHeaders} headers
   */
  const requestUpstream = (method, path, headers) => {
    const upstream = sendRequest({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method,
      path,
      headers,
    });
    upstream.on('socket', track);
    return upstream;
  };

  /**
   * @param {import('node:http').IncomingMessage} request
   * @param {import('node:http').ServerResponse} response
   * @param {string} path
   */
  const proxyHttp = (request, response, path) => {
    const upstream = requestUpstream(request.method, path, upstreamHeaders(request));
    upstream.on('response', (answer) => {
      const headers = { ...answer.headers };
      for (const name of connectionHeaders(answer.headers)) delete headers[name];
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      answer.pipe(response);
      answer.on('error', () => response.destroy());
    });
    upstream.on('error', (error) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      onError(`${request.method} ${request.url} → ${target.origin}${path}: ${error.message}`);
      sendJson(response, 502, {
        error: { code: 'bad_gateway', message: `The sync server did not answer: ${error.message}` },
      });
    });
    // The browser went away (or aborted): stop the upstream request too.
    request.on('error', () => upstream.destroy());
    response.on('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  };

  /**
   * @param {import('node:http').IncomingMessage} request
   * @param {import('node:http').ServerResponse} response
   */
  const serveStatic = async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    } catch {
      response.writeHead(400).end();
      return;
    }
    let file = resolve(rootDir, `.${pathname}`);
    if (file !== rootDir && !file.startsWith(rootDir + sep)) {
      response.writeHead(404).end();
      return;
    }
    let info = await statOrNull(file);
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await statOrNull(file);
    }
    if (!info?.isFile()) {
      // A deep link (`/projects/42`) is the app's; a missing asset (`/x.js`) is a 404.
      if (extname(pathname) !== '') {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
        return;
      }
      file = indexFile;
      info = await statOrNull(file);
      if (!info) {
        response.writeHead(404).end();
        return;
      }
    }
    const name = file.slice(file.lastIndexOf(sep) + 1);
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    const headers = {
      'content-type': CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
      'cache-control':
        HASHED_FILE.test(name) && !NO_CACHE_FILES.has(name)
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
      etag,
      'last-modified': info.mtime.toUTCString(),
      'x-content-type-options': 'nosniff',
    };
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, headers).end();
      return;
    }
    response.writeHead(200, { ...headers, 'content-length': info.size });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  };

  const server = createServer((request, response) => {
    const path = upstreamPath(request.url ?? '/');
    if (path !== null) {
      proxyHttp(request, response, path);
      return;
    }
    serveStatic(request, response).catch((error) => {
      onError(`${request.method} ${request.url}: ${error.message}`);
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  server.on('connection', track);

  server.on('upgrade', (request, socket, head) => {
    const path = upstreamPath(request.url ?? '/');
    socket.on('error', () => socket.destroy());
    if (path === null) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const headers = upstreamHeaders(request);
    // Hop-by-hop headers were dropped above; an upgrade needs these two back.
    headers.connection = 'Upgrade';
    headers.upgrade = request.headers.upgrade ?? 'websocket';
    const upstream = requestUpstream(request.method, path, headers);
    upstream.on('upgrade', (answer, upstreamSocket, upstreamHead) => {
      track(upstreamSocket);
      upstreamSocket.on('error', () => socket.destroy());
      socket.on('error', () => upstreamSocket.destroy());
      upstreamSocket.on('close', () => socket.destroy());
      socket.on('close', () => upstreamSocket.destroy());
      for (const s of [socket, upstreamSocket]) {
        if (!(s instanceof Socket)) continue; // always a net.Socket for http(s)
        s.setTimeout(0);
        s.setNoDelay(true);
        s.setKeepAlive(true, 0);
      }
      socket.write(rawHead(answer));
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      upstreamSocket.pipe(socket);
      socket.pipe(upstreamSocket);
    });
    // The sync server refused the upgrade (404, 401, 503…): pass its answer on as it is.
    upstream.on('response', (answer) => {
      socket.write(rawHead(answer, { close: true }));
      answer.pipe(socket);
    });
    upstream.on('error', (error) => {
      onError(`WebSocket ${request.url} → ${target.origin}${path}: ${error.message}`);
      const body = JSON.stringify({
        error: { code: 'bad_gateway', message: `The sync server did not answer: ${error.message}` },
      });
      socket.end(
        'HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Type: application/json\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
      );
    });
    socket.on('close', () => upstream.destroy());
    upstream.end();
  });

  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done(undefined);
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing;
  return {
    url: `http://${urlHost}:${actualPort}`,
    port: actualPort,
    close() {
      closing ??= new Promise((done) => {
        server.close(() => done(undefined));
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/**
 * The status line and headers of `answer`, as text for a socket. With `close`, for an answer
 * whose (decoded) body follows and then the connection ends: no framing headers of its own.
 *
 * @param {import('node:http').IncomingMessage} answer
 * @param {{ close?: boolean }} [options]
 */
function rawHead(answer, { close = false } = {}) {
  let head = `HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}\r\n`;
  for (let i = 0; i < answer.rawHeaders.length; i += 2) {
    const name = answer.rawHeaders[i] ?? '';
    if (close && /^(?:connection|transfer-encoding|keep-alive)$/i.test(name)) continue;
    head += `${name}: ${answer.rawHeaders[i + 1]}\r\n`;
  }
  if (close) head += 'Connection: close\r\n';
  return `${head}\r\n`;
}

/**
 * The hop-by-hop headers plus any that `Connection` names.
 *
 * @param {import('node:http').IncomingHttpHeaders} headers
 */
function connectionHeaders(headers) {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return [...HOP_BY_HOP, ...named];
}

/**
 * @param {import('node:http').ServerResponse} response
 * @param {number} status
 * @param {unknown} body
 */
function sendJson(response, status, body) {
  const text = JSON.stringify(body);
  response
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}

/** @param {string} file */
async function statOrNull(file) {
  try {
    return await stat(file);
  } catch {
    return null;
  }
}

/** @param {string} file */
async function isFile(file) {
  return (await statOrNull(file))?.isFile() ?? false;
}

async function main() {
  const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
  const { values } = parseArgs({
    options: {
      root: { type: 'string', default: join(repo, 'dist', 'demo', 'browser') },
      port: { type: 'string', default: process.env.DEMO_PORT ?? '4200' },
      host: { type: 'string', default: '127.0.0.1' },
      'sync-server': {
        type: 'string',
        default:
          process.env.SYNC_SERVER_URL ??
          `http://127.0.0.1:${process.env.SYNC_SERVER_PORT ?? '8787'}`,
      },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'Usage: node scripts/demo-server.mjs [--root dist/demo/browser] [--port 4200] ' +
        '[--host 127.0.0.1] [--sync-server http://127.0.0.1:8787]'
    );
    return;
  }
  const demo = await startDemoServer({
    root: values.root,
    port: Number(values.port),
    host: values.host,
    syncServerUrl: values['sync-server'],
  });
  console.log(`demo-server listening on ${demo.url} (/api → ${values['sync-server']})`);
  const stop = () => demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`[demo-server] ${error.message}`);
    process.exit(1);
  });
}
