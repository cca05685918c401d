import { recordReliabilityFigures } from '../../../scripts/reliability/figures.cjs';
import { ATTACKS, AttackRunner } from './support/authz/attack-runner';
import { LeakLedger } from './support/authz/leak-ledger';
import { ScopeReader } from './support/authz/scope-reader';
import { seedMatrix } from './support/authz/seed';
import {
  LISTENERS,
  runSubscriptionRounds,
  type RoundTally,
} from './support/authz/subscription-rounds';
import { MATRIX_COLLECTIONS, MATRIX_USERS, matrixAuth, ownedData } from './support/authz/users';
import { TestServer } from './support/test-server';

/**
 * Issue 10, security: every user against every other, in every collection, through every access
 * path — REST list (with cursors), read, create, PATCH/PUT/DELETE with and without the victim's
 * If-Match, the victim's Idempotency-Keys replayed and reused, the batch and the WebSocket batch
 * naming the victim's ids, versions and mutation ids, and WebSocket subscriptions whose params
 * name the victim. Every record carries its owner's secret: 0 records of another user may be
 * read, written or received.
 */
describe('authorization matrix', () => {
  let t: TestServer;
  let reader: ScopeReader;
  let ledger: LeakLedger;
  let runner: AttackRunner | undefined;
  let rounds: RoundTally | undefined;
  let passed = false;

  beforeAll(async () => {
    t = await new TestServer({ auth: matrixAuth(), collections: [...MATRIX_COLLECTIONS] }).start();
    reader = new ScopeReader(t.dbPath);
    ledger = new LeakLedger(reader);
  });

  afterAll(async () => {
    reader.close();
    await t.stop();
    if (!runner || !rounds) return;
    const cases = runner.cases + rounds.cases;
    recordReliabilityFigures({
      id: 'server-authorization-matrix',
      title: 'Server: authorization matrix (users × collections × REST, batch, WebSocket)',
      size: `${cases.toLocaleString('en-US')} cases: ${MATRIX_USERS.length} users × ${MATRIX_USERS.length - 1} victims × ${MATRIX_COLLECTIONS.length} collections × ${ATTACKS.length + LISTENERS.length} access paths`,
      command: 'npm run test:server',
      figures: {
        users: MATRIX_USERS.length,
        'users through verify': MATRIX_USERS.filter((u) => u.via.startsWith('verify')).length,
        collections: MATRIX_COLLECTIONS.length,
        'access paths': ATTACKS.length + LISTENERS.length,
        cases,
        'HTTP requests by attackers': runner.httpRequests,
        'WebSocket messages by attackers': runner.webSocketMessages + rounds.messagesSent,
        'records and tombstones in answers checked': ledger.entriesChecked,
        'WebSocket events checked': rounds.eventsChecked,
        'leaks read': ledger.counts.read,
        'leaks written': ledger.counts.written,
        'leaks received': ledger.counts.received,
        '5xx answers': ledger.serverErrors,
      },
      passed,
    });
  });

  it("lets no user read, write or receive another user's records", async () => {
    runner = new AttackRunner(t, reader, ledger, await seedMatrix(t));
    await runner.run();
    rounds = await runSubscriptionRounds(t, ledger);

    expect(ledger.findings.slice(0, 20))
      .withContext(`${ledger.findings.length} findings`)
      .toEqual([]);
    expect(rounds.controlFailures).toEqual([]);
    expect(ledger.counts).toEqual({ read: 0, written: 0, received: 0 });
    // The checks had something to judge: answers held records, sockets heard events.
    expect(ledger.entriesChecked).toBeGreaterThan(runner.cases);
    expect(rounds.eventsChecked).toBeGreaterThan(0);
    passed = ledger.findings.length === 0 && rounds.controlFailures.length === 0;
  }, 120_000);
});

describe('the matrix leak ledger', () => {
  let t: TestServer;
  let reader: ScopeReader;

  beforeAll(async () => {
    t = await new TestServer({ auth: matrixAuth() }).start();
    reader = new ScopeReader(t.dbPath);
  });
  afterAll(async () => {
    reader.close();
    await t.stop();
  });

  it('counts every kind of leak it is shown, so the matrix can fail', async () => {
    const [alice, bob] = MATRIX_USERS;
    const ledger = new LeakLedger(reader);
    const before = reader.othersThan(alice.id);
    await t.post('/todos', { id: 'b1', ...ownedData(bob) }, { token: bob.token });
    await t.post('/todos', { id: 'a1', ...ownedData(alice) }, { token: alice.token });
    ledger.checkUnchanged('bob wrote', alice, before);
    ledger.checkAnswer('read', 'secret', alice, 'todos', { text: `… ${bob.secret} …` });
    ledger.checkAnswer('read', 'owner', alice, 'todos', {
      items: [{ id: 'a1', version: 1, owner: bob.id }],
    });
    ledger.checkAnswer('received', 'tombstone', alice, 'todos', {
      id: 'b1',
      version: 1,
      deleted: true,
    });
    ledger.checkAnswer('received', 'own', alice, 'todos', {
      type: 'change',
      id: 'a1',
      version: 1,
      data: { id: 'a1', version: 1, ...ownedData(alice) },
    });
    ledger.checkStatus('crash', 500);
    expect(ledger.counts).toEqual({ read: 2, written: 1, received: 1 });
    expect(ledger.serverErrors).toBe(1);
    expect(ledger.entriesChecked).toBe(3);
  });
});
