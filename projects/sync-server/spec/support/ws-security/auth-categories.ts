import { WS_CLOSE_CODES } from '../../../src';
import { expiringToken } from '../expiring-tokens';
import { connect } from '../ws-client';
import {
  ALICE,
  clients,
  closedWith,
  closeOutcome,
  outcomeOfSending,
  CROWD,
  refusedWith,
  upgradeOutcome,
  type SecurityCategory,
} from './outcome';

const BAD_TOKENS: unknown[] = [
  'wrong',
  '',
  42,
  null,
  `${ALICE} `,
  'ALICE-TOKEN',
  `Bearer ${ALICE}`,
  'x'.repeat(5000),
  { token: ALICE },
  undefined,
];
const BEFORE_AUTH = [
  { type: 'subscribe', channel: 'todos' },
  { type: 'subscribe', channel: 'todos', params: { owner: 'alice' } },
  { type: 'unsubscribe', channel: 'todos' },
  {
    type: 'batch',
    requestId: 'r1',
    mutations: [{ mutationId: 'm1', op: 'create', endpoint: 'todos', id: 'sneaky' }],
  },
  { type: 'typing', listId: 'l1' },
];

/**
 * Clients that are not, or no longer, who they claim: silent, talking before auth, with bad
 * tokens, with expired ones (at auth, on the upgrade, and expiring while subscribed).
 */
export const AUTH_CATEGORIES: readonly SecurityCategory[] = [
  {
    name: 'unauthenticated: no auth in time (half of them pinging)',
    expected: 'auth_error auth_timeout, close 4408',
    run: ({ t }) =>
      clients(CROWD, async (i) => {
        const socket = await connect(t);
        // A ping is allowed before auth, but must neither count as auth nor push the deadline.
        const pinging = i % 2 ? setInterval(() => socket.send({ type: 'ping' }), 50) : undefined;
        try {
          return await closeOutcome(socket);
        } finally {
          clearInterval(pinging);
        }
      }),
    matches: closedWith(WS_CLOSE_CODES.authTimeout, 'auth_timeout'),
  },
  {
    name: 'unauthenticated: subscribe, batch or app message before auth',
    expected: 'auth_error unauthenticated, close 4401',
    run: ({ t }) =>
      clients(CROWD, (i) => outcomeOfSending(t, [BEFORE_AUTH[i % BEFORE_AUTH.length]])),
    matches: closedWith(WS_CLOSE_CODES.authFailed, 'unauthenticated'),
  },
  {
    name: 'bad token in auth',
    expected: 'auth_error unauthorized, close 4401',
    run: ({ t }) =>
      clients(CROWD, (i) =>
        outcomeOfSending(t, [{ type: 'auth', token: BAD_TOKENS[i % BAD_TOKENS.length] }])
      ),
    matches: closedWith(WS_CLOSE_CODES.authFailed, 'unauthorized'),
  },
  {
    name: 'expired token in auth',
    expected: 'auth_error token_expired, close 4401',
    run: ({ t, clock }) =>
      clients(CROWD, async (i) => {
        const at = clock.ms - i * 60_000; // from "expires this very millisecond" on, back
        const token = i % 2 ? expiringToken(`user${i}`, at) : `dated:user${i}:${at}`;
        return outcomeOfSending(t, [{ type: 'auth', token }]);
      }),
    matches: closedWith(WS_CLOSE_CODES.authFailed, 'token_expired'),
  },
  {
    name: 'token expiring while connected and subscribed',
    expected: 'auth_error token_expired, close 4401',
    run: async ({ t, clock }) => {
      const expiresAt = clock.ms + 100;
      const sockets = await clients(CROWD, async (i) => {
        const socket = await connect(t, { token: expiringToken(`user${i}`, expiresAt) });
        await socket.subscribe('todos');
        return socket;
      });
      clock.advance(100);
      return Promise.all(sockets.map(closeOutcome));
    },
    matches: closedWith(WS_CLOSE_CODES.authFailed, 'token_expired'),
  },
  {
    name: 'bad or expired token on the upgrade request',
    expected: 'HTTP 401 (unauthorized or token_expired)',
    run: ({ t, clock }) =>
      clients(CROWD, (i) => {
        const tokens = ['nope', expiringToken('carol', clock.ms - 1), `dated:carol:${clock.ms}`];
        const values = [`Bearer ${tokens[i % 3]}`, `Basic ${ALICE}`, 'Bearer ', ALICE];
        return upgradeOutcome(t, { headers: { authorization: values[i % 4]! } });
      }),
    matches: (o) => refusedWith(401, 'unauthorized')(o) || refusedWith(401, 'token_expired')(o),
  },
];
