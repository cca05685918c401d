// Server→client WebSocket frames the fault proxy (scripts/fault-proxy.mjs) can slip into a tunnel:
// frames the reference server would never send (non-JSON text, binary, unknown types, broken
// change events, huge frames), to test how a client copes. The proxy otherwise carries a tunnel's
// bytes unchanged; this module reads the server's side of it just enough to know where one
// message ends, so an injected frame never lands inside a server frame or between the fragments
// of a server message (either would corrupt the stream instead of adding a message to it).
// Plain Node, no dependencies; RFC 6455 §5.2 framing, no extensions (the reference server turns
// permessage-deflate off, and an unflagged frame is valid under it anyway).
import { Buffer } from 'node:buffer';

const TEXT = 0x1;
const BINARY = 0x2;
const END_OF_HEAD = Buffer.from('\r\n\r\n');

/**
 * A frame to inject, as posted to `POST /__faults/websocket-frames` in `{ frames: [...] }`:
 * exactly one of `text` (sent as is in a text frame), `json` (serialized into a text frame) or
 * `binary` (base64, sent in a binary frame).
 *
 * @typedef {{ text: string } | { json: unknown } | { binary: string }} InjectedFrame
 */

/**
 * What is wrong with a list of frames to inject, or null.
 *
 * @example
 * framesProblem({ frames: [{ text: 'hello' }] }); // null
 *
 * @param {unknown} body
 * @returns {string | null}
 */
export function framesProblem(body) {
  const frames = body && typeof body === 'object' ? body.frames : undefined;
  if (!Array.isArray(frames) || frames.length === 0) {
    return 'the body must be { "frames": [{ "text" | "json" | "binary": ... }, ...] }';
  }
  for (const [i, frame] of frames.entries()) {
    const keys = frame && typeof frame === 'object' ? Object.keys(frame) : [];
    const kind = keys.length === 1 ? keys[0] : undefined;
    if (kind === 'text' && typeof frame.text === 'string') continue;
    if (kind === 'json') continue;
    if (kind === 'binary' && typeof frame.binary === 'string') continue;
    return `frames[${i}] needs exactly one of text (a string), json (any value), binary (base64)`;
  }
  return null;
}

/**
 * One unmasked, unfragmented server frame (servers never mask, RFC 6455 §5.1).
 *
 * @example
 * encodeServerFrame({ json: { type: 'surprise' } }); // <Buffer 81 12 7b 22 74 …>
 *
 * @param {InjectedFrame} frame
 * @returns {Buffer}
 */
export function encodeServerFrame(frame) {
  const binary = 'binary' in frame;
  const payload = binary
    ? Buffer.from(frame.binary, 'base64')
    : Buffer.from('text' in frame ? frame.text : JSON.stringify(frame.json), 'utf8');
  const length = payload.length;
  const head =
    length < 126
      ? Buffer.from([0x80 | (binary ? BINARY : TEXT), length])
      : length < 0x10000
        ? Buffer.alloc(4)
        : Buffer.alloc(10);
  if (length >= 126) {
    head[0] = 0x80 | (binary ? BINARY : TEXT);
    head[1] = length < 0x10000 ? 126 : 127;
    if (length < 0x10000) head.writeUInt16BE(length, 2);
    else head.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([head, payload]);
}

/**
 * The server→client half of a tunnel: `push` the server's bytes as they come, `inject` frames,
 * and everything reaches `write` in an order the client can read. Injected frames wait until the
 * server's upgrade answer (`101`) is through and the stream is between two messages.
 *
 * @example
 * const splicer = serverStreamSplicer((bytes) => clientSocket.write(bytes));
 * serverSocket.on('data', (chunk) => splicer.push(chunk));
 * splicer.inject([encodeServerFrame({ text: '<html>' })]);
 *
 * @param {(bytes: Buffer) => void} write
 */
export function serverStreamSplicer(write) {
  let head = Buffer.alloc(0); // the HTTP answer until its blank line; then null
  let upgraded = false;
  let header = Buffer.alloc(0); // a frame header that arrived in pieces
  let payloadLeft = 0;
  let inFragmentedMessage = false;
  /** @type {Buffer[]} */
  let waiting = [];

  const atBoundary = () =>
    upgraded && header.length === 0 && payloadLeft === 0 && !inFragmentedMessage;
  const flush = () => {
    if (!atBoundary() || waiting.length === 0) return;
    const frames = waiting;
    waiting = [];
    for (const frame of frames) write(frame);
  };

  /** Reads one frame header from the front of `bytes`; its length, or 0 while incomplete. */
  const readHeader = (bytes) => {
    if (bytes.length < 2) return 0;
    const size7 = bytes[1] & 0x7f;
    const masked = (bytes[1] & 0x80) !== 0;
    const extended = size7 === 126 ? 2 : size7 === 127 ? 8 : 0;
    const length = 2 + extended + (masked ? 4 : 0);
    if (bytes.length < length) return 0;
    payloadLeft =
      size7 === 126
        ? bytes.readUInt16BE(2)
        : size7 === 127
          ? Number(bytes.readBigUInt64BE(2))
          : size7;
    const fin = (bytes[0] & 0x80) !== 0;
    const opcode = bytes[0] & 0x0f;
    // Control frames (opcode ≥ 8) may come between fragments and never end a message.
    if (opcode < 8) inFragmentedMessage = !fin;
    return length;
  };

  const frames = (chunk) => {
    let rest = chunk;
    while (rest.length > 0) {
      if (payloadLeft > 0) {
        const take = Math.min(payloadLeft, rest.length);
        write(rest.subarray(0, take));
        payloadLeft -= take;
        rest = rest.subarray(take);
        flush();
        continue;
      }
      // Copied only when a header was split across chunks (rare): a copy per frame would not be.
      const joined = header.length > 0 ? Buffer.concat([header, rest]) : rest;
      const length = readHeader(joined);
      if (length === 0) {
        header = joined; // wait for the rest of the header before writing any of it
        return;
      }
      write(joined.subarray(0, length));
      header = Buffer.alloc(0);
      rest = joined.subarray(length);
      flush();
    }
  };

  return {
    /** The next bytes from the server. */
    push(chunk) {
      if (upgraded) return frames(chunk);
      if (head === null) return write(chunk); // not a WebSocket after all: pass it on
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(END_OF_HEAD);
      if (end < 0) return undefined;
      const answer = head.subarray(0, end + END_OF_HEAD.length);
      const after = head.subarray(end + END_OF_HEAD.length);
      write(answer);
      head = null;
      upgraded = answer.subarray(0, 12).toString('latin1') === 'HTTP/1.1 101';
      if (!upgraded) return after.length > 0 ? write(after) : undefined;
      flush();
      return frames(after);
    },
    /** Frames (encoded) to send at the next message boundary, in order. */
    inject(encoded) {
      waiting.push(...encoded);
      flush();
    },
  };
}
