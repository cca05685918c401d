import { recordReliabilityFigures } from '../../../scripts/reliability/figures.cjs';
import { expiringTokenAuth, VirtualClock } from './support/expiring-tokens';
import { TestServer } from './support/test-server';
import { eventually } from './support/ws-client';
import { AUTH_CATEGORIES } from './support/ws-security/auth-categories';
import { LIMIT_CATEGORIES } from './support/ws-security/limit-categories';
import { ALICE, type Outcome, type SecurityEnv } from './support/ws-security/outcome';

/** One category's count: clients tried, handled as required, left open, handled otherwise. */
interface CategoryTally {
  name: string;
  expected: string;
  tried: number;
  asExpected: number;
  leftOpen: number;
  otherwise: Outcome[];
}

/**
 * Issue 10, security: crowds of unwelcome WebSocket clients — unauthenticated (silent, or
 * sending before auth, or with a bad token), with expired tokens (at auth, on the upgrade, and
 * expiring while connected), and over the limits (message rate, connections, subscriptions,
 * frame size, malformed frames). Each must be closed (or refused) the documented way; none may
 * be left open. Counts go to docs/reliability.md.
 */
describe('WebSocket security: unwelcome clients', () => {
  const limits = { maxSubscriptions: 5, maxConnections: 20, maxFrameBytes: 64 * 1024 };
  const clock = new VirtualClock();
  const auth = expiringTokenAuth({ [ALICE]: 'alice' });
  let env: SecurityEnv;
  const tallies: CategoryTally[] = [];
  let passed = false;

  beforeAll(async () => {
    const webSocket = {
      authTimeoutMs: 300,
      maxSubscriptions: limits.maxSubscriptions,
      maxFrameBytes: limits.maxFrameBytes,
    };
    const t = await new TestServer({ auth, now: clock.now, webSocket }).start();
    const crowded = new TestServer({ auth, webSocket: { maxConnections: limits.maxConnections } });
    env = { t, crowded: await crowded.start(), clock, limits };
  });

  afterAll(async () => {
    await env.t.stop();
    await env.crowded.stop();
    if (tallies.length === 0) return;
    const sum = (key: 'tried' | 'asExpected' | 'leftOpen') =>
      tallies.reduce((total, tally) => total + tally[key], 0);
    recordReliabilityFigures({
      id: 'server-websocket-limits',
      title: 'Server: unauthenticated, expired-token and over-limit WebSocket clients',
      size: `${sum('tried')} hostile clients in ${tallies.length} categories`,
      command: 'npm run test:server',
      figures: {
        'clients tried': sum('tried'),
        'closed or refused as required': sum('asExpected'),
        'left open': sum('leftOpen'),
        'handled otherwise': sum('tried') - sum('asExpected') - sum('leftOpen'),
        ...Object.fromEntries(
          tallies.map((t) => [`${t.name} → ${t.expected}`, `${t.asExpected} of ${t.tried}`])
        ),
      },
      passed,
    });
  });

  it('closes or refuses every one of them as documented, and forgets them', async () => {
    for (const category of [...AUTH_CATEGORIES, ...LIMIT_CATEGORIES]) {
      const outcomes = await category.run(env);
      const otherwise = outcomes.filter((o) => !category.matches(o, env));
      tallies.push({
        name: category.name,
        expected: category.expected,
        tried: outcomes.length,
        asExpected: outcomes.length - otherwise.length,
        leftOpen: otherwise.filter((o) => 'open' in o).length,
        otherwise,
      });
    }
    for (const { name, otherwise } of tallies) {
      expect(otherwise).withContext(name).toEqual([]);
    }
    // Nothing sent before auth was applied, and nothing of the crowd stays behind.
    expect(env.t.recordCount()).toBe(0);
    await eventually(() => env.t.server.webSocketStats().connections === 0);
    await eventually(() => env.crowded.server.webSocketStats().connections === 0);
    expect(env.t.server.webSocketStats()).toEqual({ connections: 0, subscriptions: 0 });
    passed = tallies.every((t) => t.otherwise.length === 0);
  }, 60_000);
});
