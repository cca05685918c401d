import { recordReliabilityFigures } from '../../../scripts/reliability/figures.cjs';
import { exposeGc, heapAfterGc, megabytes } from './support/heap';
import { TestServer } from './support/test-server';
import { connect, eventually, type TestSocket } from './support/ws-client';

const ROUNDS = 20;
const CLIENTS = 500;
const USERS = 10;
const tokens = Object.fromEntries(
  Array.from({ length: USERS }, (_, u) => [`storm-token-${u}`, `user${u}`])
);
const tokenOf = (client: number) => `storm-token-${client % USERS}`;

/**
 * Issue 10, security: 500 clients connect, authenticate and subscribe at once, get a write
 * each, then all drop (half with a close frame, half cut without one, as a network would) and
 * come back, 20 times. The server must forget every one of them each time (no session or
 * subscription left), and its heap after forced GC must stay flat from the first round (the
 * warm-up: code compiled, pools and caches filled) to the last.
 *
 * Tolerances, chosen from measurements on this machine (2 shared cores, in the whole suite and
 * alone): from round 1 to round 20 the heap grew 0.4 to 1.3 MB, most of it in rounds 2 to 4
 * (V8 still optimizing), and less than 0.2 MB from round 10 to 20. So: under 3 MB from the
 * warm-up to the last round, and under 1 MB over the last ten rounds, where 5,000 connections
 * leaking 200 bytes each would already add 1 MB. A server that kept each closed session (the
 * subscription registry not letting go of its client, say) grows about 2 MB a round and fails
 * both at once, although its connection and subscription counts read 0. No timings are
 * asserted.
 */
describe('WebSocket reconnect storm', () => {
  const toleranceBytes = 3e6;
  const lateToleranceBytes = 1e6;
  const heaps: number[] = [];
  const problems: string[] = [];
  const left: string[] = [];
  let t: TestServer;
  let connections = 0;
  let events = 0;
  let passed = false;

  beforeAll(async () => {
    t = await new TestServer({ auth: { tokens } }).start();
  });

  afterAll(async () => {
    await t.stop();
    const [warm, middle, last] = [heaps[0], heaps[9], heaps.at(-1)];
    if (warm === undefined || middle === undefined || last === undefined) return;
    recordReliabilityFigures({
      id: 'server-reconnect-storm',
      title: 'Server: WebSocket reconnect storm (heap after GC)',
      size: `${ROUNDS} rounds × ${CLIENTS} clients reconnecting at once`,
      command: 'npm run test:server',
      figures: {
        rounds: ROUNDS,
        'clients per round': CLIENTS,
        'connections made': connections,
        'change events received': events,
        'subscriptions made': 2 * connections,
        'rounds that left sessions or subscriptions behind': left.length,
        'heap after round 1 (warm-up), MB': megabytes(warm),
        [`heap after round ${ROUNDS}, MB`]: megabytes(last),
        'growth, MB': megabytes(last - warm),
        'tolerance, MB': megabytes(toleranceBytes),
        [`growth over rounds 10–${ROUNDS}, MB`]: megabytes(last - middle),
        [`tolerance over rounds 10–${ROUNDS}, MB`]: megabytes(lateToleranceBytes),
      },
      passed,
    });
  });

  it('forgets every client each time, and its heap after GC stays flat', async () => {
    const gc = exposeGc();
    for (let round = 1; round <= ROUNDS; round++) {
      await stormRound(round);
      // Nothing of the 500 may stay in the server's books once they are gone.
      await eventually(() => t.server.webSocketStats().connections === 0, 10_000);
      const { connections: open, subscriptions } = t.server.webSocketStats();
      if (open + subscriptions > 0)
        left.push(`round ${round}: ${open} open, ${subscriptions} subscriptions`);
      heaps.push(await heapAfterGc(gc));
    }
    expect(problems).toEqual([]);
    expect(left).toEqual([]);
    expect(events).toBe(ROUNDS * CLIENTS);
    const perRound = `heap after GC per round, MB: ${heaps.map(megabytes).join(', ')}`;
    const growth = heaps.at(-1)! - heaps[0]!;
    const lateGrowth = heaps.at(-1)! - heaps[9]!;
    expect(growth).withContext(perRound).toBeLessThan(toleranceBytes);
    expect(lateGrowth).withContext(perRound).toBeLessThan(lateToleranceBytes);
    passed =
      problems.length === 0 &&
      left.length === 0 &&
      growth < toleranceBytes &&
      lateGrowth < lateToleranceBytes;
  }, 300_000);

  /**
   * One round: all connect, authenticate and subscribe at once, get a write, then drop. It
   * notes problems instead of calling `expect`: Jasmine keeps every passed expectation, and
   * thousands of them would be a heap growth of the test's own.
   */
  async function stormRound(round: number): Promise<void> {
    const sockets: TestSocket[] = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const socket = await connect(t);
        const answer = await socket.request({ type: 'auth', token: tokenOf(i) }, 'auth_ok');
        if (answer.userId !== `user${i % USERS}`)
          problems.push(`round ${round}: auth ${JSON.stringify(answer)}`);
        await socket.subscribe('todos');
        await socket.subscribe('notes', { done: false });
        return socket;
      })
    );
    connections += sockets.length;
    const stats = t.server.webSocketStats();
    if (stats.connections !== CLIENTS || stats.subscriptions !== 2 * CLIENTS) {
      problems.push(`round ${round}: ${JSON.stringify(stats)} with all connected`);
    }
    // The same record each round: the database stays the same size, only the heap is measured.
    for (let u = 0; u < USERS; u++) {
      const res = await t.put('/todos/storm', { round }, { token: tokenOf(u) });
      if (res.status >= 300) problems.push(`round ${round}: PUT answered ${res.status}`);
    }
    const received = await Promise.all(sockets.map((s) => s.nextOf('change')));
    events += received.filter((m) => m.data?.round === round).length;
    sockets.forEach((s, i) => (i % 2 ? s.ws.terminate() : s.ws.close()));
    await Promise.all(sockets.map((s) => s.closed));
  }
});
