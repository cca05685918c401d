import { WS_CLOSE_CODES } from '../../../src';
import { connect } from '../ws-client';
import {
  ALICE,
  clients,
  closedWith,
  outcomeOfSending,
  CROWD,
  refusedWith,
  SMALL_CROWD,
  upgradeOutcome,
  type SecurityCategory,
} from './outcome';

const MALFORMED: unknown[] = [
  'not json',
  '[1]',
  'null',
  '{"type":7}',
  Buffer.from('{"type":"ping"}'),
];

/** Authenticated clients that go over a limit: rate, connections, subscriptions, frames. */
export const LIMIT_CATEGORIES: readonly SecurityCategory[] = [
  {
    name: 'over the message rate (300 pings at once)',
    expected: 'error rate_limited, close 4429',
    run: ({ t }) =>
      clients(SMALL_CROWD, async () => {
        const pings = Array.from({ length: 300 }, (_, id) => ({ type: 'ping', id }));
        return outcomeOfSending(t, pings, { token: ALICE });
      }),
    matches: closedWith(WS_CLOSE_CODES.rateLimited, 'rate_limited'),
  },
  {
    name: 'over maxConnections',
    expected: 'upgrade answered 503 too_many_connections',
    run: async ({ crowded, limits }) => {
      const full = await clients(limits.maxConnections, () => connect(crowded, { token: ALICE }));
      const outcomes = await clients(CROWD, () => upgradeOutcome(crowded, {}));
      await Promise.all(full.map((s) => s.close()));
      return outcomes;
    },
    matches: refusedWith(503, 'too_many_connections'),
  },
  {
    name: 'over maxSubscriptions (3 channels too many)',
    expected: 'subscribe_error too_many_subscriptions for each one over; stays open',
    run: ({ t, limits }) =>
      clients(SMALL_CROWD, async () => {
        const socket = await connect(t, { token: ALICE });
        const tally = { accepted: 0, refused: 0 };
        for (let n = 0; n < limits.maxSubscriptions + 3; n++) {
          socket.send({ type: 'subscribe', channel: `channel${n}` });
          const answer = await socket.next((m) => m.channel === `channel${n}`);
          if (answer.type === 'subscribed') tally.accepted += 1;
          else if (answer.error?.code === 'too_many_subscriptions') tally.refused += 1;
        }
        await socket.close();
        return { subscriptions: tally };
      }),
    matches: (o, { limits }) =>
      'subscriptions' in o &&
      o.subscriptions.accepted === limits.maxSubscriptions &&
      o.subscriptions.refused === 3,
  },
  {
    name: 'oversized frame (half before auth, half after)',
    expected: 'close 1009',
    run: ({ t, limits }) =>
      clients(SMALL_CROWD, async (i) => {
        const frame = { type: 'ping', pad: 'x'.repeat(limits.maxFrameBytes) };
        return outcomeOfSending(t, [frame], i % 2 ? { token: ALICE } : {});
      }),
    matches: closedWith(WS_CLOSE_CODES.tooBig),
  },
  {
    name: 'malformed frame',
    expected: 'error malformed_message, close 1007',
    run: ({ t }) =>
      clients(SMALL_CROWD, async (i) => {
        return outcomeOfSending(t, [MALFORMED[i % MALFORMED.length]], { token: ALICE });
      }),
    matches: closedWith(WS_CLOSE_CODES.malformed, 'malformed_message'),
  },
];
