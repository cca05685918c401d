import { connect } from 'node:net';
import type { SyncServerHandle } from '../../../src';
import type { HostileBody, HostileCase, HostileRequest } from './cases';

/** What came back: the status line, headers and body, or why nothing usable came back. */
export interface Outcome {
  status: number;
  contentType: string;
  headers: Headers;
  text: string;
  /** Set when there was no answer: the request threw, timed out, or the socket closed. */
  failure?: string;
  /** Raw bytes holding several requests: the answers that came after this one, in order. */
  later?: Outcome[];
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
    if (c.via === 'raw') {
      return await sendRaw(c.raw!, target.port, { every: c.answers !== undefined });
    }
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
    return noAnswer(`${String(err)}${why}`);
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
    headers: res.headers,
    text: await res.text(),
  };
}

function noAnswer(failure: string): Outcome {
  return { status: 0, contentType: '', headers: new Headers(), text: '', failure };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** How `sendRaw` treats the connection. */
export interface RawOptions {
  /**
   * Keep the write side open and read every answer until the server closes, instead of
   * half-closing after the bytes and stopping at the first answer. For pipelined requests:
   * Node drops the answers still due when a client half-closes.
   */
  every?: boolean;
}

/**
 * Writes raw bytes to the server and reads the first answer (status line, headers, and the
 * body as long as `Content-Length` says, or until the server closes); with `every`, also the
 * answers after it, in `later`.
 *
 * @example
 * const { status, text } = await sendRaw(Buffer.from('GET / HTTP/1.1\r\n\r\n'), port);
 */
export function sendRaw(bytes: Buffer, port: number, options: RawOptions = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (failure?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const [first, ...later] = parseAnswers(Buffer.concat(chunks)).map(
        ({ complete: _, ...answer }) => answer
      );
      if (!first) return resolve(noAnswer(failure ?? 'no answer'));
      resolve(options.every ? { ...first, later } : first);
    };
    const timer = setTimeout(() => finish(`no answer in ${TIMEOUT_MS} ms`), TIMEOUT_MS);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (!options.every && parseAnswers(Buffer.concat(chunks))[0]?.complete) finish();
    });
    socket.on('error', (err) => finish(err.message));
    socket.on('close', () => finish());
    socket.on('connect', () => {
      if (options.every) socket.write(bytes);
      // Half-close after the bytes: a request that promised more body than it sent then ends
      // (as a client that hung up would) instead of leaving the server waiting.
      else socket.end(bytes);
    });
  });
}

/** The answers in `data`, one after another; the last may be cut off (`complete` false). */
function parseAnswers(data: Buffer): (Outcome & { complete: boolean })[] {
  const answers: (Outcome & { complete: boolean })[] = [];
  let rest = data;
  for (;;) {
    // Latin-1 maps bytes to characters one to one: the header ends at the same offset.
    const end = rest.toString('latin1').indexOf('\r\n\r\n');
    if (end < 0) return answers;
    const [statusLine = '', ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const headers = new Headers();
    for (const line of lines) {
      const colon = line.indexOf(':');
      try {
        headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      } catch {
        // Not a header line (no colon, a space in the name): there is nothing to look up.
      }
    }
    const length = Number(headers.get('content-length') ?? NaN);
    const complete = Number.isFinite(length) && rest.length - end - 4 >= length;
    // Without a length, the body runs until the server closes.
    const body = rest.subarray(end + 4, complete ? end + 4 + length : undefined);
    answers.push({
      status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0),
      contentType: headers.get('content-type') ?? '',
      headers,
      text: body.toString('utf8'),
      complete,
    });
    if (!complete) return answers;
    rest = rest.subarray(end + 4 + length);
  }
}
