import { connect } from 'node:net';
import type { SyncServerHandle } from '../../../src';
import type { HostileBody, HostileCase, HostileRequest } from './cases';

/** What came back: the status line and body, or why nothing usable came back. */
export interface Outcome {
  status: number;
  contentType: string;
  text: string;
  /** Set when there was no answer: the request threw, timed out, or the socket closed. */
  failure?: string;
}

/** Where a case is sent: the in-process handler, the URL and the port of the same server. */
export interface Target {
  server: SyncServerHandle;
  url: string;
  port: number;
}

const TIMEOUT_MS = 20_000;

/** Sends one case the way it says (in-process, fetch over a socket, raw bytes). */
export async function send(c: HostileCase, target: Target): Promise<Outcome> {
  try {
    if (c.via === 'raw') return await sendRaw(c.raw!, target.port);
    const init = requestInit(c.request!);
    if (c.via === 'socket') {
      const res = await fetch(target.url + c.request!.path, {
        ...init,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      return await outcomeOf(res);
    }
    const req = new Request(`http://127.0.0.1${c.request!.path}`, init);
    return await outcomeOf(await withTimeout(target.server.fetch(req)));
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : '';
    return { status: 0, contentType: '', text: '', failure: `${String(err)}${why}` };
  }
}

function requestInit(req: HostileRequest): RequestInit & { duplex?: 'half' } {
  const body = req.body === undefined ? undefined : bodyOf(req.body);
  return {
    method: req.method,
    headers: new Headers(req.headers),
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  };
}

function bodyOf(body: HostileBody): string | Uint8Array | ReadableStream<Uint8Array> {
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  const chunks = [...body.chunks];
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next !== undefined) controller.enqueue(new TextEncoder().encode(next));
      else if (body.breaks) controller.error(new Error('the client went away'));
      else controller.close();
    },
  });
}

async function outcomeOf(res: Response): Promise<Outcome> {
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    text: await res.text(),
  };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Writes raw bytes to the server and reads the first answer: status line, headers, and the
 * body as long as `Content-Length` says (or until the server closes).
 *
 * @example
 * const { status, text } = await sendRaw(Buffer.from('GET / HTTP/1.1\r\n\r\n'), port);
 */
export function sendRaw(bytes: Buffer, port: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (failure?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const answer = parseAnswer(Buffer.concat(chunks));
      resolve(answer ?? { status: 0, contentType: '', text: '', failure: failure ?? 'no answer' });
    };
    const timer = setTimeout(() => finish(`no answer in ${TIMEOUT_MS} ms`), TIMEOUT_MS);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (parseAnswer(Buffer.concat(chunks))?.complete) finish();
    });
    socket.on('error', (err) => finish(err.message));
    socket.on('close', () => finish());
    // Half-close after the bytes: a request that promised more body than it sent then ends
    // (as a client that hung up would) instead of leaving the server waiting.
    socket.on('connect', () => socket.end(bytes));
  });
}

function parseAnswer(data: Buffer): (Outcome & { complete: boolean }) | undefined {
  const text = data.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const header = (name: string) =>
    lines
      .find((line) => line.toLowerCase().startsWith(`${name}:`))
      ?.slice(name.length + 1)
      .trim();
  const length = Number(header('content-length') ?? NaN);
  // Latin-1 maps bytes to characters one to one: the header ends at the same offset.
  const body = data.subarray(end + 4);
  return {
    status,
    contentType: header('content-type') ?? '',
    text: body.toString('utf8'),
    complete: Number.isFinite(length) && body.length >= length,
  };
}
