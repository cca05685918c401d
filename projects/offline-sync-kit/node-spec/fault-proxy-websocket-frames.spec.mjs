/**
 * The fault proxy's injected WebSocket frames (scripts/fault-proxy.mjs, `POST
 * /__faults/websocket-frames`), where timing cannot decide the outcome: a fake server sends its
 * frames in pieces and waits, so an injection arrives inside one of its frames, or between the
 * fragments of one of its messages, on purpose. The client's bytes must still read as whole
 * frames, the server's messages intact and the injected ones after them. The browser spec
 * (src/testing-support/sync-server-under-test.spec.ts) checks the same route end to end.
 */
import { Buffer } from 'node:buffer';
import net from 'node:net';
import { setTimeout as wait } from 'node:timers/promises';
import { URL } from 'node:url';
import { createFaultProxy } from '../../../scripts/fault-proxy.mjs';
import { encodeServerFrame } from '../../../scripts/websocket-frames.mjs';

/** Reads whole frames `{ fin, opcode, text }` off a byte stream (client side: no masks). */
function readFrames(bytes) {
  const frames = [];
  let at = bytes.indexOf('\r\n\r\n') + 4;
  while (at + 2 <= bytes.length) {
    const size7 = bytes[at + 1] & 0x7f;
    const extra = size7 === 126 ? 2 : size7 === 127 ? 8 : 0;
    const length =
      size7 === 126
        ? bytes.readUInt16BE(at + 2)
        : size7 === 127
          ? Number(bytes.readBigUInt64BE(at + 2))
          : size7;
    const start = at + 2 + extra;
    if (start + length > bytes.length) break;
    const text = bytes.subarray(start, start + length).toString('utf8');
    frames.push({ fin: (bytes[at] & 0x80) !== 0, opcode: bytes[at] & 0x0f, text });
    at = start + length;
  }
  return { frames, rest: bytes.length - at };
}

describe('the fault proxy injecting WebSocket frames', () => {
  let fake;
  let serverSide;
  let proxy;
  let client;
  let received;
  let controlUrl;

  beforeEach(async () => {
    fake = net.createServer((socket) => {
      serverSide = socket;
      socket.once('data', () =>
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n')
      );
    });
    await new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
    proxy = createFaultProxy({ target: `http://127.0.0.1:${fake.address().port}` });
    const address = await proxy.listen();
    const url = address.url;
    controlUrl = address.controlUrl;
    client = net.connect(Number(new URL(url).port), '127.0.0.1');
    received = Buffer.alloc(0);
    client.on('data', (chunk) => (received = Buffer.concat([received, chunk])));
    client.write(
      'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'
    );
    while (!received.includes('\r\n\r\n')) await wait(5);
  });

  afterEach(async () => {
    client.destroy();
    await proxy.close();
    await new Promise((resolve) => fake.close(resolve));
  });

  it('waits for the end of a server frame that is under way, header split included', async () => {
    const big = encodeServerFrame({ text: 'x'.repeat(70_000) }); // a 64-bit length header
    serverSide.write(big.subarray(0, 5)); // part of the header only
    await wait(20);
    await postFrames([{ text: 'injected' }]);
    serverSide.write(big.subarray(5, 40_000));
    await wait(20);
    await postFrames([{ json: { type: 'second' } }]);
    serverSide.write(big.subarray(40_000));
    await until(() => readFrames(received).frames.length === 3);

    const { frames, rest } = readFrames(received);
    expect(rest).toBe(0);
    expect(frames.map((f) => f.text.slice(0, 16))).toEqual([
      'x'.repeat(16),
      'injected',
      '{"type":"second"}'.slice(0, 16),
    ]);
    expect(frames[0].text.length).toBe(70_000);
  });

  it('waits for the last fragment of a server message, passing control frames on', async () => {
    serverSide.write(Buffer.from([0x01, 3, ...Buffer.from('abc')])); // text, not final
    await wait(20);
    await postFrames([{ text: 'injected' }]);
    serverSide.write(Buffer.from([0x89, 0])); // a ping between the fragments
    await wait(20);
    serverSide.write(Buffer.from([0x80, 2, ...Buffer.from('de')])); // the final fragment
    await until(() => readFrames(received).frames.length === 4);

    expect(readFrames(received).frames).toEqual([
      { fin: false, opcode: 1, text: 'abc' },
      { fin: true, opcode: 9, text: '' },
      { fin: true, opcode: 0, text: 'de' },
      { fin: true, opcode: 1, text: 'injected' },
    ]);
  });

  it('sends at once while the server is quiet, binary frames too', async () => {
    expect(await postFrames([{ binary: Buffer.from([0, 1, 2]).toString('base64') }])).toEqual({
      tunnels: 1,
    });
    await until(() => readFrames(received).frames.length === 1);
    const [frame] = readFrames(received).frames;
    expect([frame.opcode, [...Buffer.from(frame.text, 'utf8')]]).toEqual([2, [0, 1, 2]]);
  });

  /** Posts frames to the proxy's control route; its JSON answer. */
  async function postFrames(frames) {
    const answer = await globalThis.fetch(`${controlUrl}/websocket-frames`, {
      method: 'POST',
      body: JSON.stringify({ frames }),
    });
    return answer.json();
  }

  async function until(predicate) {
    for (let i = 0; i < 500 && !predicate(); i++) await wait(5);
    expect(predicate()).toBeTrue();
  }
});
