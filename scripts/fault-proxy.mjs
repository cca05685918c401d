// A fault-injecting HTTP proxy for the library's integration specs: it forwards every request to
// the reference sync server unchanged and can, on command, lose an answer after the server
// committed, answer with an error itself, delay a request or its answer, send it twice, hold it and
// cut the connection, answer something else after the server committed, close every WebSocket it
// carries, and slip frames of its own into them (scripts/websocket-frames.mjs).
// Plain Node `http`, no dependencies. Started by scripts/test-servers.mjs.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import net from 'node:net';
import { clearTimeout, setTimeout } from 'node:timers';
import { URL } from 'node:url';
import { encodeServerFrame, framesProblem, serverStreamSplicer } from './websocket-frames.mjs';

/** Where the control API lives; requests under it are answered here, never forwarded. */
export const CONTROL_PATH = '/__faults';

const FAULTS = [
  'dropResponse',
  'failWith',
  'delay',
  'delayResponse',
  'resetConnection',
  'dropRequest',
  'duplicate',
  'replaceAnswer',
];
const RULE_KEYS = new Set(['match', 'times', ...FAULTS]);
/** Answer headers a page may read on answers the proxy makes itself (the server lists its own). */
const EXPOSED_HEADERS = ['ETag', 'Date', 'Retry-After', 'Idempotent-Replayed', 'WWW-Authenticate'];
/** Connection-level headers: they describe one hop, so they are not copied to the next. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);
const MAX_LOG = 1000;

/**
 * A fault rule, as posted to `POST /__faults` in `{ rules: [...] }`. Exactly one fault key:
 *
 * - `dropResponse: true` — forward, let the server answer (and commit), then destroy the client's
 *   socket without answering: the browser sees a network error.
 * - `failWith: { status, body?, headers? }` — answer this without forwarding. `body`: a string
 *   is sent as is (text/plain unless `headers` say otherwise), anything else as JSON; default a
 *   protocol error `{ error: { code: 'injected_fault', message } }`.
 * - `delay: { ms }` — wait, then forward.
 * - `delayResponse: { ms }` — forward, let the server answer (and commit), then hold its answer
 *   for `ms` before sending it on: an answer that arrives after later changes on the server.
 * - `resetConnection: true` — read the request, then destroy the socket without forwarding.
 * - `dropRequest: { ms }` — read the request, never forward it, cut the connection after `ms`
 *   (a request lost on the way: the client waits, then sees a network error).
 * - `duplicate: true` — forward the request, and once answered forward it again (a retrying
 *   middlebox); the client gets the second answer. A write the server applied again instead of
 *   replaying its first answer is counted as `duplicateApplied` (see `appliedTwice`).
 * - `replaceAnswer: { status?, body, headers? }` — forward, let the server answer (and commit),
 *   then answer the client this instead (`status` defaults to the server's; `body` and `headers`
 *   as for `failWith`): a committed write whose answer arrives garbled.
 *
 * `match` (optional, all given fields must hold): `method` (case-insensitive) and `pathPrefix`
 * (a plain string prefix of the path with its query, e.g. `/todos`). `times`: how many matching
 * requests the rule applies to, a positive integer (default 1) or `'always'`. The first rule in
 * the list that matches and has uses left applies; CORS preflights never match.
 *
 * @typedef {{
 *   match?: { method?: string, pathPrefix?: string },
 *   times?: number | 'always',
 *   dropResponse?: true,
 *   failWith?: { status: number, body?: unknown, headers?: Record<string, string> },
 *   delay?: { ms: number },
 *   delayResponse?: { ms: number },
 *   resetConnection?: true,
 *   dropRequest?: { ms: number },
 *   duplicate?: true,
 *   replaceAnswer?: { status?: number, body: unknown, headers?: Record<string, string> },
 * }} FaultRule
 */

/**
 * Creates the proxy in front of `target` (e.g. `http://127.0.0.1:41234`). Every answer it sends
 * carries `Connection: close`, so the browser never reuses a connection to it: a dropped or
 * reset connection is then always reported as a network error, never silently retried.
 *
 * Control API (CORS open, not forwarded):
 * - `POST /__faults` `{ rules: FaultRule[] }` replaces the rules and clears the log (400 with a
 *   message when a rule is malformed); `POST /__faults/rules` adds rules after the active ones and
 *   keeps the log;
 * - `GET /__faults/stats` `{ requests, faults: { <kind>: n }, duplicateApplied, webSockets }`:
 *   counts since the last `DELETE /__faults` (they survive `POST /__faults`);
 * - `DELETE /__faults` removes every rule and clears the log;
 * - `GET /__faults` the active rules with their uses left (`remaining`);
 * - `GET /__faults/log` `{ requests: [...] }`, the requests seen since the last reset, oldest first,
 *   each `{ seq, method, path, rule, fault, status, serverStatus }`: `rule` is the index of the
 *   rule that applied (or null), `fault` its kind, `status` what the client got (null when the
 *   connection was cut), `serverStatus` what the server answered (null when not forwarded).
 *   CORS preflights are forwarded but not logged: the browser caches them, so they come and go.
 * - `POST /__faults/close-websockets` cuts every WebSocket connection the proxy carries (the
 *   client sees 1006, the server a closed socket);
 * - `POST /__faults/websocket-frames` `{ frames: [{ text } | { json } | { binary: base64 }] }`
 *   sends these frames, as the server would (unmasked, unfragmented), to the client of every
 *   WebSocket the proxy carries, each at the next point between two of the server's messages
 *   (never inside a frame or between fragments); answers `{ tunnels }`, how many got them;
 * - `POST /__faults/<name>` runs `actions[name]` (e.g. `restart-server`, given by
 *   scripts/test-servers.mjs) and answers 204 once it finished, 500 with the error if it failed.
 *
 * WebSocket upgrades are forwarded byte for byte (no faults inside the stream), apart from the
 * frames `websocket-frames` adds to the server's side.
 *
 * @param {{ target: string, host?: string, port?: number,
 *   actions?: Record<string, () => Promise<void>> }} options
 * @returns {{ listen(): Promise<{ url: string, controlUrl: string }>, close(): Promise<void> }}
 */
export function createFaultProxy({ target, host = '127.0.0.1', port = 0, actions = {} }) {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: false });
  const timers = new Set();
  /** @type {{ rule: FaultRule, remaining: number }[]} */
  let rules = [];
  let log = [];
  let seq = 0;
  /** Open WebSocket tunnels: the client's socket and the server's. */
  const tunnels = new Set();
  const emptyStats = () => ({ requests: 0, faults: {}, duplicateApplied: 0, webSockets: 0 });
  let stats = emptyStats();

  const server = http.createServer((req, res) => {
    res.setHeader('Connection', 'close');
    const path = req.url ?? '/';
    const pathname = path.split('?')[0];
    if (pathname === CONTROL_PATH || pathname.startsWith(`${CONTROL_PATH}/`)) {
      control(req, res, pathname);
      return;
    }
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'];
    if (preflight) {
      forward(req, res, null);
      return;
    }
    const entry = {
      seq: ++seq,
      method: req.method,
      path,
      rule: null,
      fault: null,
      status: null,
      serverStatus: null,
    };
    log.push(entry);
    if (log.length > MAX_LOG) log.shift();
    stats.requests++;
    const index = rules.findIndex((r) => r.remaining > 0 && matches(r.rule, req));
    const active = index >= 0 ? rules[index] : undefined;
    if (active) {
      active.remaining--;
      entry.rule = index;
      entry.fault = FAULTS.find((key) => key in active.rule);
      stats.faults[entry.fault] = (stats.faults[entry.fault] ?? 0) + 1;
    }
    const rule = active?.rule;
    if (rule?.failWith) {
      req.resume();
      req.on('end', () => answer(res, entry, rule.failWith));
    } else if (rule?.resetConnection) {
      req.resume();
      req.on('end', () => req.socket.destroy());
    } else if (rule?.dropRequest) {
      req.resume();
      req.on('end', () => later(rule.dropRequest.ms, () => req.socket.destroy()));
    } else if (rule?.duplicate) {
      duplicate(req, res, entry);
    } else if (rule?.delay) {
      later(rule.delay.ms, () => forward(req, res, entry, false));
    } else if (rule?.delayResponse) {
      holdAnswer(req, res, entry, rule.delayResponse.ms);
    } else if (rule?.replaceAnswer) {
      replaceAnswer(req, res, entry, rule.replaceAnswer);
    } else {
      forward(req, res, entry, Boolean(rule?.dropResponse));
    }
  });

  /** Runs `fn` after `ms`, unless the proxy closes first. */
  function later(ms, fn) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  }

  /**
   * Where `req` goes on the server, with its headers less the hop-by-hop ones (`keep`: one that
   * still holds, as `transfer-encoding` for a body piped through unchanged).
   */
  function upstreamOptions(req, keep = null) {
    const headers = { ...req.headers };
    for (const name of HOP_BY_HOP) if (name !== keep) delete headers[name];
    const { protocol, hostname, port } = upstream;
    return { agent, protocol, hostname, port, method: req.method, path: req.url, headers };
  }

  /** Answers the client with the server's status and headers (hop-by-hop ones left out). */
  function writeServerHead(res, incoming) {
    const headers = {};
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    }
    res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, headers);
  }

  /** The server could not be reached or broke off: a 502 the client can read. */
  function badGateway(res, entry, error) {
    const message = `fault proxy: the server at ${upstream.origin} failed: ${error.message}`;
    answer(res, entry, { status: 502, body: { error: { code: 'bad_gateway', message } } });
  }

  /** Sends `req` with its body in hand to the server; its whole answer. */
  function upstreamRequest(req, body) {
    const options = upstreamOptions(req);
    options.headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const outgoing = http.request(options, (incoming) => {
        const chunks = [];
        incoming.on('data', (chunk) => chunks.push(chunk));
        incoming.on('end', () => resolve({ incoming, body: Buffer.concat(chunks) }));
        incoming.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /** The request's whole body. */
  function readBody(req) {
    return new Promise((resolve, reject) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  /** Answers the client with an answer the server gave earlier (unless the client left). */
  function relay(res, entry, reply) {
    entry.status = reply.incoming.statusCode ?? null;
    if (res.destroyed) return;
    writeServerHead(res, reply.incoming);
    res.end(reply.body);
  }

  /** Forwards the request twice, one after the other, and answers with the second answer. */
  async function duplicate(req, res, entry) {
    try {
      const body = await readBody(req);
      const first = await upstreamRequest(req, body);
      const second = await upstreamRequest(req, body);
      if (req.method !== 'GET') stats.duplicateApplied += appliedTwice(first, second);
      entry.serverStatus = second.incoming.statusCode ?? null;
      relay(res, entry, second);
    } catch (error) {
      badGateway(res, entry, error);
    }
  }

  /** Forwards the request and sends the server's answer `ms` after it came. */
  async function holdAnswer(req, res, entry, ms) {
    try {
      const reply = await upstreamRequest(req, await readBody(req));
      entry.serverStatus = reply.incoming.statusCode ?? null;
      later(ms, () => relay(res, entry, reply));
    } catch (error) {
      badGateway(res, entry, error);
    }
  }

  /** Forwards the request and, once the server answered, answers the client `replacement`. */
  async function replaceAnswer(req, res, entry, replacement) {
    try {
      const reply = await upstreamRequest(req, await readBody(req));
      entry.serverStatus = reply.incoming.statusCode ?? null;
      if (res.destroyed) return;
      answer(res, entry, { ...replacement, status: replacement.status ?? entry.serverStatus });
    } catch (error) {
      badGateway(res, entry, error);
    }
  }

  /** A WebSocket upgrade: a raw tunnel to the server, cut by `close-websockets`. */
  server.on('upgrade', (req, socket, head) => {
    const serverSocket = net.connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      serverSocket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) serverSocket.write(head);
      socket.pipe(serverSocket);
      // The server's side goes through a splicer, so `websocket-frames` can add messages to it.
      serverSocket.on('data', (chunk) => splicer.push(chunk));
    });
    const splicer = serverStreamSplicer((bytes) => {
      if (!socket.destroyed && !socket.write(bytes)) {
        serverSocket.pause();
        socket.once('drain', () => serverSocket.resume());
      }
    });
    const tunnel = { socket, serverSocket, splicer };
    tunnels.add(tunnel);
    stats.webSockets++;
    const end = () => cut(tunnel);
    socket.on('error', end);
    socket.on('close', end);
    serverSocket.on('error', end);
    serverSocket.on('close', end);
  });

  /** A tunnel's two sockets closed (both ends see the connection go). */
  function cut(tunnel) {
    tunnels.delete(tunnel);
    tunnel.socket.destroy();
    tunnel.serverSocket.destroy();
  }

  /** Sends the request on to the server and its answer back (or, to drop it, nothing). */
  function forward(req, res, entry, drop = false) {
    if (res.destroyed) return; // the client gave up while the request was delayed
    const outgoing = http.request(upstreamOptions(req, 'transfer-encoding'), (incoming) => {
      if (entry) entry.serverStatus = incoming.statusCode ?? null;
      if (drop) {
        // Read the whole answer, so the server is done, then hang up without a word.
        incoming.resume();
        incoming.on('end', () => req.socket.destroy());
        return;
      }
      if (entry) entry.status = incoming.statusCode ?? null;
      writeServerHead(res, incoming);
      incoming.pipe(res);
    });
    outgoing.on('error', (error) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      badGateway(res, entry, error);
    });
    res.on('close', () => {
      if (!res.writableFinished && !drop) outgoing.destroy();
    });
    req.pipe(outgoing);
  }

  /** Answers a request here, readable from any origin. */
  function answer(res, entry, { status, body, headers = {} }) {
    if (entry) entry.status = status;
    const own = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const text =
      body === undefined
        ? JSON.stringify({
            error: { code: 'injected_fault', message: `fault proxy: failWith ${status}` },
          })
        : typeof body === 'string'
          ? body
          : JSON.stringify(body);
    const contentType =
      typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    const exposed = [...new Set([...EXPOSED_HEADERS, ...Object.keys(headers)])].join(', ');
    res.writeHead(status, {
      'content-type': contentType,
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
      'access-control-expose-headers': exposed,
      ...own,
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  /** The control API under /__faults. */
  function control(req, res, pathname) {
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers': 'Content-Type',
      'access-control-max-age': '600',
    };
    const reply = (status, body) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        ...cors,
        'cache-control': 'no-store',
        ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const route = `${req.method} ${pathname}`;
      if (req.method === 'OPTIONS') return reply(204);
      if (route === `GET ${CONTROL_PATH}/log`) return reply(200, { requests: log });
      if (route === `GET ${CONTROL_PATH}/stats`) return reply(200, stats);
      if (route === `POST ${CONTROL_PATH}/close-websockets`) {
        for (const tunnel of [...tunnels]) cut(tunnel);
        return reply(204);
      }
      if (route === `POST ${CONTROL_PATH}/websocket-frames`) {
        let parsed;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          parsed = undefined;
        }
        const problem = framesProblem(parsed);
        if (problem) return reply(400, { error: problem });
        const encoded = parsed.frames.map(encodeServerFrame);
        for (const tunnel of tunnels) tunnel.splicer.inject(encoded);
        const injected = encoded.length * tunnels.size;
        stats.faults.webSocketFrame = (stats.faults.webSocketFrame ?? 0) + injected;
        return reply(200, { tunnels: tunnels.size });
      }
      if (route === `GET ${CONTROL_PATH}`) {
        return reply(200, {
          rules: rules.map(({ rule, remaining }) => ({
            ...rule,
            remaining: remaining === Infinity ? 'always' : remaining,
          })),
        });
      }
      if (route === `DELETE ${CONTROL_PATH}`) {
        rules = [];
        log = [];
        stats = emptyStats();
        return reply(204);
      }
      const adding = route === `POST ${CONTROL_PATH}/rules`;
      if (route === `POST ${CONTROL_PATH}` || adding) {
        let parsed;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return reply(400, { error: 'the body must be JSON: { "rules": [...] }' });
        }
        const problem = rulesProblem(parsed);
        if (problem) return reply(400, { error: problem });
        const parsedRules = parsed.rules.map((rule) => ({
          rule,
          remaining: rule.times === 'always' ? Infinity : (rule.times ?? 1),
        }));
        if (adding) {
          // Spent rules go: a long run adding one at a time would otherwise grow the list.
          rules = [...rules.filter((r) => r.remaining > 0), ...parsedRules];
          return reply(200, { rules: rules.length });
        }
        rules = parsedRules;
        log = [];
        return reply(200, { rules: parsed.rules.length });
      }
      const name = pathname.slice(CONTROL_PATH.length + 1);
      const action = req.method === 'POST' && Object.hasOwn(actions, name) && actions[name];
      if (action) {
        action().then(
          () => reply(204),
          (error) => reply(500, { error: String(error?.message ?? error) })
        );
        return undefined;
      }
      return reply(404, { error: `the fault proxy has no ${route}` });
    });
  }

  let address;
  return {
    async listen() {
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const bound = server.address();
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}`;
      address = { url, controlUrl: `${url}${CONTROL_PATH}` };
      return address;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const tunnel of [...tunnels]) cut(tunnel);
      return new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
    },
  };
}

/**
 * How many writes of a request sent twice the server applied twice: an idempotent server answers
 * the repeat of an applied write with the first answer, byte for byte (a single write also marked
 * `Idempotent-Replayed`); in a batch, per applied item.
 */
function appliedTwice(first, second) {
  const json = (body) => {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      return null;
    }
  };
  const [a, b] = [json(first.body), json(second.body)];
  if (Array.isArray(a?.results)) {
    const repeats = Array.isArray(b?.results) ? b.results : [];
    // Applied again: the repeat says `applied` too, but not with the first answer's record.
    return a.results.filter((item, i) => {
      const repeat = repeats[i];
      const again = item?.status === 'applied' && repeat?.status === 'applied';
      return again && JSON.stringify(repeat) !== JSON.stringify(item);
    }).length;
  }
  const succeeded = (answer) => (answer.incoming.statusCode ?? 500) < 300;
  if (!succeeded(first) || !succeeded(second)) return 0; // a refused repeat wrote nothing
  const replayed = second.incoming.headers['idempotent-replayed'] === 'true';
  return replayed && first.body.equals(second.body) ? 0 : 1;
}

function matches(rule, req) {
  const { method, pathPrefix } = rule.match ?? {};
  if (method && method.toUpperCase() !== req.method) return false;
  if (pathPrefix && !(req.url ?? '').startsWith(pathPrefix)) return false;
  return true;
}

/** What is wrong with a `POST /__faults` body, or null. */
function rulesProblem(body) {
  if (!body || typeof body !== 'object' || !Array.isArray(body.rules)) {
    return 'the body must be { "rules": [...] }';
  }
  for (const [i, rule] of body.rules.entries()) {
    const at = `rules[${i}]`;
    if (!rule || typeof rule !== 'object' || Array.isArray(rule)) return `${at} is not an object`;
    const unknown = Object.keys(rule).filter((key) => !RULE_KEYS.has(key));
    if (unknown.length) return `${at} has unknown fields ${unknown.join(', ')}`;
    const faults = FAULTS.filter((key) => key in rule);
    if (faults.length !== 1) return `${at} needs exactly one of ${FAULTS.join(', ')}`;
    const { match, times, failWith, replaceAnswer, delay, delayResponse } = rule;
    if (match !== undefined) {
      if (!match || typeof match !== 'object') return `${at}.match must be an object`;
      const extra = Object.keys(match).filter((key) => key !== 'method' && key !== 'pathPrefix');
      if (extra.length) return `${at}.match has unknown fields ${extra.join(', ')}`;
      if (match.method !== undefined && typeof match.method !== 'string') {
        return `${at}.match.method must be a string`;
      }
      if (match.pathPrefix !== undefined && typeof match.pathPrefix !== 'string') {
        return `${at}.match.pathPrefix must be a string`;
      }
    }
    if (times !== undefined && times !== 'always' && !(Number.isInteger(times) && times > 0)) {
      return `${at}.times must be a positive integer or 'always'`;
    }
    if (faults[0] === 'dropResponse' && rule.dropResponse !== true) {
      return `${at}.dropResponse must be true`;
    }
    if (faults[0] === 'resetConnection' && rule.resetConnection !== true) {
      return `${at}.resetConnection must be true`;
    }
    if (faults[0] === 'duplicate' && rule.duplicate !== true) return `${at}.duplicate must be true`;
    const { dropRequest } = rule;
    if (dropRequest !== undefined && !(dropRequest && Number.isFinite(dropRequest.ms))) {
      return `${at}.dropRequest.ms must be a number of milliseconds`;
    }
    if (failWith !== undefined) {
      const problem = answerProblem(failWith, `${at}.failWith`, true);
      if (problem) return problem;
    }
    if (replaceAnswer !== undefined) {
      const problem = answerProblem(replaceAnswer, `${at}.replaceAnswer`, false);
      if (problem) return problem;
      if (!('body' in replaceAnswer)) return `${at}.replaceAnswer needs a body`;
    }
    for (const [name, wait] of Object.entries({ delay, delayResponse })) {
      if (wait !== undefined && !(wait && Number.isFinite(wait.ms) && wait.ms >= 0)) {
        return `${at}.${name}.ms must be a number of milliseconds`;
      }
    }
  }
  return null;
}

/** What is wrong with an answer to give (`failWith`, `replaceAnswer`), or null. */
function answerProblem(given, at, statusRequired) {
  if (!given || typeof given !== 'object') return `${at} must be an object`;
  const { status, headers } = given;
  const statusOk = Number.isInteger(status) && status >= 200 && status <= 599;
  if ((statusRequired || status !== undefined) && !statusOk) {
    return `${at}.status must be an HTTP status (200–599)`;
  }
  if (headers !== undefined) {
    const valid =
      headers && typeof headers === 'object' && Object.values(headers).every(isHeaderValue);
    if (!valid) return `${at}.headers must map names to strings`;
  }
  return null;
}

function isHeaderValue(value) {
  return typeof value === 'string' || typeof value === 'number';
}
