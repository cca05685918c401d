import { snapshotText, type DatabaseTables, type TestServer } from '../test-server';
import type { HostileCase } from './cases';
import {
  checkAccepted,
  checkBatch,
  checkError,
  checkReplay,
  firstAnswers,
  isBatch,
  replayKey,
  type FirstAnswer,
} from './checks';
import { send, type Outcome, type Target } from './transport';

/** How many non-accepted cases run between two database snapshots. */
const GROUP_SIZE = 100;

/** What the run counted; the spec turns it into docs/reliability.md figures. */
export interface HostileTally {
  requests: number;
  categories: Set<string>;
  '2xx': number;
  '4xx': number;
  /** 5xx answers, and batch items answered with a 5xx inside a 200. */
  '5xx': number;
  nonJsonErrors: number;
  /** Requests that got no answer at all (threw, timed out, connection dropped). */
  crashes: number;
  rejectedWritesChecked: number;
  changedByRejected: number;
  acceptedWritesChecked: number;
  viaSocket: number;
  viaRaw: number;
}

/**
 * Sends generated cases one after another and checks each answer and the database. Cases
 * that must not change anything run in groups between two snapshots (one comparison per
 * hundred, not per request); a group that changed the database is replayed one case at a
 * time to name the culprit. Each accepted write is checked on its own: what it stored, what
 * it answered, what a read gives back, and that nothing else moved.
 */
export class HostileRunner {
  readonly problems: string[] = [];
  readonly tally: HostileTally = {
    requests: 0,
    categories: new Set(),
    '2xx': 0,
    '4xx': 0,
    '5xx': 0,
    nonJsonErrors: 0,
    crashes: 0,
    rejectedWritesChecked: 0,
    changedByRejected: 0,
    acceptedWritesChecked: 0,
    viaSocket: 0,
    viaRaw: 0,
  };
  private baseline!: DatabaseTables;
  private group: { c: HostileCase; status: number }[] = [];
  /** What accepted writes with an idempotency key answered, for their replays. */
  private readonly firstAnswers = new Map<string, FirstAnswer>();

  constructor(
    private readonly t: TestServer,
    private readonly target: Target
  ) {}

  async run(cases: readonly HostileCase[]): Promise<void> {
    this.baseline = this.t.tables();
    for (const c of cases) {
      if (c.expect === 'accept') {
        await this.flush();
        const outcome = await this.sendAndCheck(c);
        const after = this.t.tables();
        const { server } = this.target;
        await checkAccepted(c, outcome, this.baseline, after, server, this.tally, this.report(c));
        this.baseline = after;
        if (outcome.status >= 200 && outcome.status < 300) {
          for (const [key, answer] of firstAnswers(c, outcome)) this.firstAnswers.set(key, answer);
        }
      } else {
        const { status } = await this.sendAndCheck(c);
        this.group.push({ c, status });
        if (this.group.length >= GROUP_SIZE) await this.flush();
      }
    }
    await this.flush();
  }

  /** Records a problem of case `c`, named so that it can be found in a replay. */
  private report(c: HostileCase): (what: string) => void {
    return (what) => this.problems.push(`${caseName(c)}: ${what}`);
  }

  /** Compares the database with the last snapshot after a group of non-accepted cases. */
  private async flush(): Promise<void> {
    const group = this.group;
    this.group = [];
    if (group.length === 0) return;
    const now = this.t.tables();
    if (snapshotText(now) === snapshotText(this.baseline)) {
      this.tally.rejectedWritesChecked += group.filter(({ c }) => c.expect === 'reject').length;
      return;
    }
    this.tally.changedByRejected += 1;
    const range = `#${group[0]!.c.n}–#${group.at(-1)!.c.n}`;
    // The cases that answered 2xx are the first suspects; a refusal that still wrote
    // something shows when the group is replayed one case at a time.
    const suspects = group.filter(({ c, status }) => status < 300 && c.request?.method !== 'GET');
    const culprit = await this.locate(group.map(({ c }) => c));
    this.problems.push(
      culprit
        ? `${caseName(culprit)}: changed the database (found by replaying ${range} one by one)`
        : `the database changed during ${range}; answered 2xx: ${suspects.map(({ c }) => caseName(c)).join(', ') || 'none'}`
    );
    this.baseline = this.t.tables();
  }

  /** Replays cases one at a time; the first one that changes the database. */
  private async locate(cases: readonly HostileCase[]): Promise<HostileCase | undefined> {
    for (const c of cases) {
      const before = this.t.snapshot();
      await send(c, this.target);
      if (this.t.snapshot() !== before) return c;
    }
    return undefined;
  }

  private async sendAndCheck(c: HostileCase): Promise<Outcome> {
    const o = await send(c, this.target);
    const tally = this.tally;
    tally.requests += 1;
    if (c.category !== 'setup') tally.categories.add(c.category);
    if (c.via === 'socket') tally.viaSocket += 1;
    if (c.via === 'raw') tally.viaRaw += 1;
    const problem = this.report(c);
    if (o.failure) {
      tally.crashes += 1;
      problem(`no answer (${o.failure})`);
      return o;
    }
    const ok = o.status >= 200 && o.status < 300;
    if (o.status >= 500) {
      tally['5xx'] += 1;
      problem(`answered ${o.status} ${o.text.slice(0, 200)}`);
    } else if (o.status >= 400) {
      tally['4xx'] += 1;
      checkError(c, o, tally, problem);
    } else if (ok) {
      tally['2xx'] += 1;
    } else {
      problem(`answered ${o.status}, neither 2xx nor 4xx`);
    }
    if (c.answers) this.checkLater(c, o);
    if (!ok) {
      if (c.expect === 'accept')
        problem(`a valid write answered ${o.status} ${o.text.slice(0, 200)}`);
      if (c.expect === 'replay') problem(`a replay answered ${o.status} ${o.text.slice(0, 200)}`);
      return o;
    }
    if (isBatch(c) && o.status === 200) {
      checkBatch(c, o, tally, problem);
    } else if (c.expect === 'reject') {
      problem(`a write that must be refused answered ${o.status} ${o.text.slice(0, 200)}`);
    }
    if (c.expect === 'replay') {
      const { scope, key } = c.replayOf!;
      checkReplay(c, o, this.firstAnswers.get(replayKey(scope, key)), problem);
    }
    return o;
  }

  /** Pipelined raw requests: every answer came, in order, a 4xx among them as a JSON error. */
  private checkLater(c: HostileCase, o: Outcome): void {
    const later = o.later ?? [];
    const statuses = [o, ...later].map((answer) => answer.status);
    if (statuses.join() !== c.answers!.join()) {
      this.report(c)(
        `answered ${statuses.join(', ') || 'nothing'}, expected ${c.answers!.join(', ')}`
      );
    }
    for (const answer of later) {
      if (answer.status >= 400) checkError(c, answer, this.tally, this.report(c));
    }
  }
}

/** `#n category via METHOD /path [label]`, as failures name a case. */
export function caseName(c: HostileCase): string {
  const target = c.request ? `${c.request.method} ${c.request.path.slice(0, 80)}` : 'raw bytes';
  return `#${c.n} ${c.category} ${c.via} ${target} [${c.label.slice(0, 120)}]`;
}
