import type { ScopeReader } from './scope-reader';
import { othersThan, type MatrixUser } from './users';

/** How another user's record got to where it must not be. */
export type LeakKind = 'read' | 'written' | 'received';

/** A record or tombstone found in an answer: anything with a string id and a numeric version. */
interface FoundEntry {
  id: string;
  version: number;
  [field: string]: unknown;
}

/**
 * Judges what each attack got back and did, and counts what leaked. A leak is:
 * - read/received: another user's secret anywhere in an answer or frame; a record whose
 *   `owner`/`secret` is not the attacker's; a tombstone (or an entry without data) that the
 *   attacker's own scope has no row for, at that version or later;
 * - written: any byte of another user's records or idempotency keys changed by the attack.
 * 5xx answers are counted too: an error must not be how a leak is kept out.
 *
 * @example
 * const ledger = new LeakLedger(reader);
 * ledger.checkAnswer('read', 'GET /todos', alice, 'todos', res.body);
 * expect(ledger.findings).toEqual([]);
 */
export class LeakLedger {
  readonly counts: Record<LeakKind, number> = { read: 0, written: 0, received: 0 };
  /** Every leak and server error, in words, for the failure message. */
  readonly findings: string[] = [];
  entriesChecked = 0;
  serverErrors = 0;

  constructor(private readonly reader: ScopeReader) {}

  /** Checks an answer (`read`) or a WebSocket frame (`received`) that `attacker` got. */
  checkAnswer(
    kind: 'read' | 'received',
    where: string,
    attacker: MatrixUser,
    collection: string,
    body: unknown
  ): void {
    const text = JSON.stringify(body) ?? '';
    for (const other of othersThan(attacker)) {
      if (text.includes(other.secret)) this.leak(kind, `${where}: holds ${other.id}'s secret`);
    }
    for (const entry of entriesIn(body)) {
      this.entriesChecked += 1;
      const problem = this.foreign(attacker, collection, entry);
      if (problem) this.leak(kind, `${where}: ${problem}`);
    }
  }

  /** Counts a 5xx answer. */
  checkStatus(where: string, status: number): void {
    if (status < 500) return;
    this.serverErrors += 1;
    this.findings.push(`${where}: answered ${status}`);
  }

  /** Checks that nothing of any user but `attacker` changed since `before` (`othersThan`). */
  checkUnchanged(where: string, attacker: MatrixUser, before: string): void {
    if (this.reader.othersThan(attacker.id) !== before) {
      this.leak('written', `${where}: changed another user's records or idempotency keys`);
    }
  }

  /** Counts a leak found by the caller (a metadata leak such as a foreign key's 422). */
  leak(kind: LeakKind, finding: string): void {
    this.counts[kind] += 1;
    this.findings.push(`${kind} leak, ${finding}`);
  }

  private foreign(attacker: MatrixUser, collection: string, entry: FoundEntry): string | null {
    const where = `${collection}/${entry.id} v${entry.version}`;
    if ('owner' in entry || 'secret' in entry) {
      const own = entry['owner'] === attacker.id && entry['secret'] === attacker.secret;
      return own ? null : `${where} is ${String(entry['owner'])}'s record`;
    }
    // No data to tell the owner by (a tombstone, a delete event): the attacker must have it.
    const version = this.reader.version(attacker.id, collection, entry.id);
    return version !== undefined && version >= entry.version
      ? null
      : `${where} is not ${attacker.id}'s (its own is ${version === undefined ? 'absent' : `v${version}`})`;
  }
}

/**
 * The entries in a JSON answer, at any depth. An entry that carries its record as `data` (a
 * change event) is judged by that record alone.
 */
function entriesIn(value: unknown, found: FoundEntry[] = []): FoundEntry[] {
  if (Array.isArray(value)) {
    for (const item of value) entriesIn(item, found);
  } else if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    const isEntry = typeof object['id'] === 'string' && typeof object['version'] === 'number';
    if (isEntry && !('data' in object)) found.push(object as FoundEntry);
    else for (const child of Object.values(object)) entriesIn(child, found);
  }
  return found;
}
