import { recordReliabilityFigures } from '../../../scripts/reliability/figures.cjs';
import type { SyncLogger } from '../src';
import {
  ALICE,
  request,
  TOKENS,
  type HostileCase,
  type HostileRequest,
} from './support/hostile/cases';
import { generateHostileCases } from './support/hostile/generator';
import { HostileRunner } from './support/hostile/runner';
import { SeededRandom, seedFromEnv } from './support/seeded-random';
import { TestServer } from './support/test-server';

/**
 * Issue 10, reliability: thousands of generated malformed and hostile requests (broken JSON,
 * wrong types, huge bodies, deep nesting, odd ids and collections, odd headers and tokens,
 * SQL meta-characters in every field, raw HTTP no client library would send) against one
 * server with auth. No 5xx, no crash, every refusal a JSON 4xx, the database unchanged by
 * every refused write; the valid ones among them store exactly what they sent.
 *
 * Each run takes a new seed unless HOSTILE_SEED names one; a failure prints it.
 */
describe('hostile requests', () => {
  const seed = seedFromEnv('HOSTILE_SEED');
  const replay = `seed ${seed}: replay with HOSTILE_SEED=${seed} npm run test:server -- --filter=hostile`;
  const loggedErrors: string[] = [];
  const logger: SyncLogger = {
    info: () => {},
    warn: () => {},
    error: (message, err) => loggedErrors.push(`${message}: ${String(err).slice(0, 300)}`),
  };
  let t: TestServer;
  let runner: HostileRunner | undefined;
  let passed = false;

  beforeAll(async () => {
    t = await new TestServer({ auth: { tokens: TOKENS }, logger }).start();
  });

  afterAll(async () => {
    await t.stop();
    if (!runner) return;
    const { tally } = runner;
    recordReliabilityFigures({
      id: 'server-hostile-requests',
      title: 'Server: generated malformed and hostile requests',
      size: `${tally.requests.toLocaleString('en-US')} generated requests, seed ${seed}`,
      command: 'npm run test:server',
      figures: {
        requests: tally.requests,
        categories: tally.categories.size,
        '2xx': tally['2xx'],
        '4xx': tally['4xx'],
        '5xx': tally['5xx'],
        'non-JSON errors': tally.nonJsonErrors,
        'rejected writes checked': tally.rejectedWritesChecked,
        'database changed by a rejected write': tally.changedByRejected,
        crashes: tally.crashes,
        'accepted writes checked byte for byte': tally.acceptedWritesChecked,
        'sent over a socket': tally.viaSocket,
        'sent as raw HTTP': tally.viaRaw,
      },
      passed,
    });
  });

  it('answers them with JSON 4xx errors, never a 5xx, and changes nothing it refuses', async () => {
    const cases = generateHostileCases(new SeededRandom(seed));
    runner = new HostileRunner(t, { server: t.server, url: t.url, port: t.server.port });
    await runner.run(cases);

    // Still serving: a plain write and read over the socket, after everything.
    const created = await t.post(
      '/todos',
      { id: 'after-hostile', title: 'Milk' },
      { token: ALICE.token }
    );
    const read = await t.get('/todos/after-hostile', { token: ALICE.token });
    const healthy = created.status === 201 && read.status === 200 && read.body.title === 'Milk';

    const { problems, tally } = runner;
    expect(tally.requests).toBeGreaterThanOrEqual(5000);
    expect(healthy)
      .withContext(`create ${created.status}, read ${read.status}; ${replay}`)
      .toBeTrue();
    expect(problems.slice(0, 25))
      .withContext(`${problems.length} problem(s); ${replay}`)
      .toEqual([]);
    expect(loggedErrors.slice(0, 10))
      .withContext(`errors the server logged; ${replay}`)
      .toEqual([]);
    passed =
      tally.requests >= 5000 && healthy && problems.length === 0 && loggedErrors.length === 0;
  }, 180_000);

  it('would notice a refused write that changed the database, and a write stored wrongly', async () => {
    // The checker itself, on two cases whose expectations are wrong on purpose.
    const probe = new HostileRunner(t, { server: t.server, url: t.url, port: t.server.port });
    const create = (id: string) => request('POST', '/todos', { user: ALICE, body: { id, n: 1 } });
    const cases: HostileCase[] = [
      {
        n: 0,
        category: 'wrong-types',
        label: 'valid',
        expect: 'reject',
        via: 'in-process',
        request: create('probe-1'),
      },
      {
        n: 1,
        category: 'sql-meta',
        label: 'valid',
        expect: 'accept',
        via: 'in-process',
        request: create('probe-2'),
        writes: [
          { scope: 'alice', collection: 'todos', id: 'probe-2', data: { n: 2 }, readable: true },
        ],
      },
    ];
    await probe.run(cases);
    expect(probe.problems).toEqual([
      jasmine.stringMatching(/^#0 .*must be refused answered 201/),
      jasmine.stringMatching(/^the database changed during #0–#0; answered 2xx: #0 /),
      jasmine.stringMatching(/^#1 .*stored \{"n":1\}, sent \{"n":2\}/),
      jasmine.stringMatching(/^#1 .*answered .*"n":1.*, stored .*"n":2/),
      jasmine.stringMatching(/^#1 .*reads back 200 .*"n":1.*, stored .*"n":2/),
    ]);
  });

  it('would notice a replay that did not give the first answer back', async () => {
    const probe = new HostileRunner(t, { server: t.server, url: t.url, port: t.server.port });
    const post = (id: string, key?: string) =>
      request('POST', '/todos', {
        user: ALICE,
        body: { id },
        headers: key ? [['idempotency-key', key]] : [],
      });
    const replayOf = { scope: ALICE.scope, key: 'probe-key' };
    const replay = (n: number, label: string, req: HostileRequest): HostileCase => ({
      n,
      category: 'idempotency',
      label,
      expect: 'replay',
      via: 'in-process',
      replayOf,
      request: req,
    });
    const first = post('probe-3', 'probe-key');
    const cases: HostileCase[] = [
      {
        n: 0,
        category: 'idempotency',
        label: 'first use',
        expect: 'accept',
        via: 'in-process',
        request: first,
        writes: [
          {
            scope: ALICE.scope,
            collection: 'todos',
            id: 'probe-3',
            data: {},
            key: 'probe-key',
            readable: true,
          },
        ],
      },
      replay(1, 'a replay', first),
      replay(2, 'without its key', post('probe-3')),
      replay(3, 'another write', post('probe-4', 'probe-key-2')),
    ];
    await probe.run(cases);
    expect(probe.problems).toEqual([
      jasmine.stringMatching(/^#2 .*a replay answered 409/),
      jasmine.stringMatching(/^#3 .*a replay answered without Idempotent-Replayed: true/),
      jasmine.stringMatching(/^#3 .*a replay answered \{"id":"probe-4".*, first \{"id":"probe-3"/),
      jasmine.stringMatching(/^the database changed during #1–#3; answered 2xx: #1 .*, #3 /),
    ]);
  });
});
