import type { TestServer } from '../test-server';
import { connect, type TestSocket } from '../ws-client';
import type { Attack, AttackContext } from './attack-context';
import { BATCH_ATTACKS } from './batch-attacks';
import type { LeakLedger } from './leak-ledger';
import { REST_ATTACKS } from './rest-attacks';
import type { ScopeReader } from './scope-reader';
import { MATRIX_COLLECTIONS, MATRIX_USERS, othersThan, type MatrixUser } from './users';

/** Every access path an attacker tries: REST first, then the batches. */
export const ATTACKS: readonly Attack[] = [...REST_ATTACKS, ...BATCH_ATTACKS];

/**
 * Runs every {@link ATTACKS} entry for every attacker, victim and collection, in that order,
 * and judges each: every answer through the ledger, and after each attack every other user's
 * rows and keys compared byte for byte with before it.
 *
 * @example
 * const runner = new AttackRunner(t, reader, ledger, await seedMatrix(t));
 * await runner.run();
 * console.log(runner.cases, runner.httpRequests);
 */
export class AttackRunner {
  cases = 0;
  httpRequests = 0;
  webSocketMessages = 0;
  private nextId = 0;

  constructor(
    private readonly t: TestServer,
    private readonly reader: ScopeReader,
    private readonly ledger: LeakLedger,
    private readonly cursors: Map<MatrixUser, Map<string, string>>
  ) {}

  async run(): Promise<void> {
    for (const attacker of MATRIX_USERS) {
      // One socket per attacker carries its WebSocket batches.
      const socket = await connect(this.t, { token: attacker.token });
      for (const victim of othersThan(attacker)) {
        for (const collection of MATRIX_COLLECTIONS) {
          for (const attack of ATTACKS) {
            const ctx = this.context(attack, attacker, victim, collection, socket);
            const before = this.reader.othersThan(attacker.id);
            await attack.run(ctx);
            this.ledger.checkUnchanged(label(attack, ctx), attacker, before);
            this.cases += 1;
          }
        }
      }
      this.webSocketMessages += socket.sentCount;
      await socket.close();
    }
  }

  private context(
    attack: Attack,
    attacker: MatrixUser,
    victim: MatrixUser,
    collection: string,
    socket: TestSocket
  ): AttackContext {
    const { t, reader, ledger } = this;
    const where = (what: string) => `${label(attack, { attacker, victim, collection })} (${what})`;
    const ctx: AttackContext = {
      attacker,
      victim,
      collection,
      victimCursor: this.cursors.get(victim)?.get(collection) ?? '',
      victimVersion: (id) => reader.version(victim.id, collection, id) ?? 1,
      attackerHasKey: (key) => reader.hasKey(attacker.id, key),
      send: async (method, path, body, headers) => {
        const res = await t.request(method, path, { body, headers, token: attacker.token });
        this.httpRequests += 1;
        ledger.checkStatus(where(`${method} ${path}`), res.status);
        ledger.checkAnswer('read', where(`${method} ${path}`), attacker, collection, res.body);
        return res;
      },
      batch: async (mutations) => {
        if (attack.via !== 'WebSocket') {
          const res = await ctx.send('POST', '/sync/batch', { mutations });
          if (res.status !== 200) throw new Error(`${where('batch')} answered ${res.status}`);
          return res.body;
        }
        const requestId = `rq-${this.nextId++}`;
        socket.send({ type: 'batch', requestId, mutations });
        const answer = await socket.next(
          (m) => m.type === 'batch_result' && m.requestId === requestId
        );
        ledger.checkAnswer('read', where('WebSocket batch'), attacker, collection, answer);
        if (!answer.results)
          throw new Error(`${where('WebSocket batch')}: ${JSON.stringify(answer)}`);
        return answer;
      },
      leak: (finding) => ledger.leak('read', where(finding)),
      fresh: () => `atk-${this.nextId++}`,
    };
    return ctx;
  }
}

function label(attack: Attack, ctx: Pick<AttackContext, 'attacker' | 'victim' | 'collection'>) {
  return `${ctx.attacker.id} → ${ctx.victim.id} in ${ctx.collection}: ${attack.name}`;
}
