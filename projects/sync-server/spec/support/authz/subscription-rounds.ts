import type { TestServer } from '../test-server';
import { connect, type TestSocket } from '../ws-client';
import type { LeakLedger } from './leak-ledger';
import {
  MATRIX_COLLECTIONS,
  MATRIX_USERS,
  othersThan,
  ownedData,
  ownId,
  type MatrixUser,
} from './users';

/**
 * How an attacker's socket listens. `ownEvents` is how many of the attacker's own marker
 * writes (one PUT of `shared-1` per collection) it must get: the positive control, without
 * which a socket that hears nothing at all would pass.
 */
interface Listener {
  name: string;
  ownEvents: number;
  open(t: TestServer, attacker: MatrixUser, victim: MatrixUser): Promise<TestSocket>;
}

const perCollection = MATRIX_COLLECTIONS.length;

/** Opens a socket as `attacker` and subscribes every collection with `params`. */
function subscribed(params: (victim: MatrixUser) => Record<string, unknown> | undefined) {
  return async (t: TestServer, attacker: MatrixUser, victim: MatrixUser) => {
    const socket = await connect(t, { token: attacker.token });
    for (const channel of MATRIX_COLLECTIONS) await socket.subscribe(channel, params(victim));
    return socket;
  };
}

/** Every way an attacker's socket may try to hear the victim. */
export const LISTENERS: readonly Listener[] = [
  {
    name: 'subscribed without params',
    ownEvents: perCollection,
    open: subscribed(() => undefined),
  },
  {
    name: 'params naming the victim as owner',
    ownEvents: 0,
    open: subscribed((v) => ({ owner: v.id })),
  },
  {
    name: "params naming the victim's record id",
    ownEvents: 0,
    open: subscribed((v) => ({ id: ownId(v, 'ws') })),
  },
  {
    name: "params naming the victim's secret",
    ownEvents: 0,
    open: subscribed((v) => ({ secret: v.secret })),
  },
  {
    name: 'params naming a shared id',
    ownEvents: perCollection,
    open: subscribed(() => ({ id: 'shared-1' })),
  },
  {
    name: 'signed in as the victim, then re-authenticated as itself',
    ownEvents: perCollection,
    open: async (t, attacker, victim) => {
      const socket = await connect(t, { token: victim.token });
      for (const channel of MATRIX_COLLECTIONS) await socket.subscribe(channel);
      await socket.request({ type: 'auth', token: attacker.token }, 'auth_ok');
      for (const channel of MATRIX_COLLECTIONS) await socket.subscribe(channel);
      return socket;
    },
  },
  {
    name: 'token in the upgrade request',
    ownEvents: perCollection,
    open: async (t, attacker) => {
      const socket = await connect(t, { headers: { authorization: `Bearer ${attacker.token}` } });
      for (const channel of MATRIX_COLLECTIONS) await socket.subscribe(channel);
      return socket;
    },
  },
];

/**
 * The victim's writes of a round, through REST, the batch and its own WebSocket batch, all on
 * a record only it has (the attacks may have deleted its shared ones meanwhile). Returns how
 * many change events they make.
 */
async function victimWrites(t: TestServer, victim: MatrixUser, own: TestSocket): Promise<number> {
  const { token } = victim;
  const id = ownId(victim, 'ws');
  const item = (c: string, op: string, data?: object) => ({
    mutationId: `round-${victim.tag}-${c}-${op}`,
    op,
    endpoint: c,
    id,
    ...(data ? { data } : {}),
  });
  for (const c of MATRIX_COLLECTIONS) {
    const answers = [
      (await t.post(`/${c}`, { id, ...ownedData(victim, { title: 'round' }) }, { token })).status,
      (await t.patch(`/${c}/${id}`, { title: 'round, patched' }, { token })).status,
      (await t.put(`/${c}/${id}`, ownedData(victim, { title: 'round, put' }), { token })).status,
      (await t.post('/sync/batch', { mutations: [item(c, 'update', { n: 1 })] }, { token })).body
        .results[0].httpStatus,
      (
        await own.request(
          { type: 'batch', requestId: c, mutations: [item(c, 'delete')] },
          'batch_result'
        )
      ).results[0].httpStatus,
    ];
    if (answers.join() !== '201,200,200,200,204') {
      throw new Error(`${victim.id}'s writes in ${c} answered ${answers.join()}`);
    }
  }
  return 5 * perCollection;
}

/** Figures and findings of the subscription rounds. */
export interface RoundTally {
  cases: number;
  messagesSent: number;
  eventsChecked: number;
  /** Positive controls that failed: a socket that did not hear what it must. */
  controlFailures: string[];
}

/**
 * One round per victim: every other user opens a socket per {@link LISTENERS} entry, the
 * victim writes every way it can, each attacker writes a marker, and after a ping round trip
 * (the server sent everything before the pong) every frame each socket got is judged. The
 * victim's own socket must have heard all its writes, and each attacker socket its markers.
 *
 * @example
 * const tally = await runSubscriptionRounds(t, ledger);
 */
export async function runSubscriptionRounds(
  t: TestServer,
  ledger: LeakLedger
): Promise<RoundTally> {
  const tally: RoundTally = { cases: 0, messagesSent: 0, eventsChecked: 0, controlFailures: [] };
  for (const victim of MATRIX_USERS) {
    const own = await connect(t, { token: victim.token });
    for (const channel of MATRIX_COLLECTIONS) await own.subscribe(channel);
    const sockets: { attacker: MatrixUser; listener: Listener; socket: TestSocket }[] = [];
    for (const attacker of othersThan(victim)) {
      for (const listener of LISTENERS) {
        sockets.push({ attacker, listener, socket: await listener.open(t, attacker, victim) });
      }
    }
    const expected = await victimWrites(t, victim, own);
    for (const attacker of othersThan(victim)) {
      for (const c of MATRIX_COLLECTIONS) {
        await t.put(`/${c}/shared-1`, ownedData(attacker, { title: 'marker' }), {
          token: attacker.token,
        });
      }
    }
    for (const { attacker, listener, socket } of sockets) {
      await socket.request({ type: 'ping' }, 'pong');
      const frames = socket.takeAll();
      const where = `${attacker.id} hearing ${victim.id}, ${listener.name}`;
      for (const frame of frames.filter((f) => f.type !== 'subscribed')) {
        tally.eventsChecked += 1;
        ledger.checkAnswer(
          'received',
          `${where}: ${frame.type} ${frame.id}`,
          attacker,
          frame.channel,
          frame
        );
      }
      const mine = frames.filter((f) => f.type === 'change' && f.data?.owner === attacker.id);
      if (mine.length !== listener.ownEvents) {
        tally.controlFailures.push(
          `${where}: ${mine.length} own events, not ${listener.ownEvents}`
        );
      }
      tally.messagesSent += socket.sentCount;
      tally.cases += perCollection;
      await socket.close();
    }
    await own.request({ type: 'ping' }, 'pong');
    const heard = own.takeAll().filter((f) => f.type === 'change');
    for (const frame of heard) {
      tally.eventsChecked += 1;
      const where = `${victim.id}'s own socket: change ${frame.id}`;
      ledger.checkAnswer('received', where, victim, frame.channel, frame);
    }
    if (heard.length !== expected) {
      tally.controlFailures.push(`${victim.id} heard ${heard.length} of its ${expected} writes`);
    }
    await own.close();
  }
  return tally;
}
