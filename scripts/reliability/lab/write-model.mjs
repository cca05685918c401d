// @ts-check
// What the crash test knows of each record from the writes it issued and the answers it got,
// built from its own actions, never read back from the kit under test.

/**
 * @typedef {{ id: string, title: string, n: number, body: string }} LabItem
 * @typedef {{ fields: Partial<LabItem> | null, acked: boolean, failed: boolean }} IssuedWrite
 *   `fields` null: a delete; `acked`: the kit said it is durable; `failed`: the kit rejected it.
 */

/** The fields a write can change; compared as stable JSON. */
const FIELDS = /** @type {const} */ (['id', 'title', 'n', 'body']);

/** @param {Partial<LabItem> | null | undefined} item */
export function show(item) {
  return item ? JSON.stringify(FIELDS.map((field) => item[field] ?? null)) : 'absent';
}

/**
 * Per record: the state known durable (`base`, checked after the last restart) and the writes
 * issued since, in call order. After a crash the stored state must be `base` with a prefix of
 * those writes applied, and the prefix must reach the last acknowledged write.
 *
 * @example
 * const model = new WriteModel();
 * const write = model.issue('a', { id: 'a', title: 't', n: 1, body: '' });
 * write.acked = true;
 * model.check('a', stored); // null, or what is wrong
 */
export class WriteModel {
  /** @type {Map<string, { base: LabItem | null, writes: IssuedWrite[] }>} */
  records = new Map();

  /** Records a write about to be issued; mark it `acked` or `failed` when its answer comes. */
  issue(/** @type {string} */ id, /** @type {Partial<LabItem> | null} */ fields) {
    const record = this.records.get(id) ?? { base: null, writes: [] };
    this.records.set(id, record);
    /** @type {IssuedWrite} */
    const write = { fields, acked: false, failed: false };
    record.writes.push(write);
    return write;
  }

  /** The record as the writes acknowledged so far leave it (null: deleted or never created). */
  latest(/** @type {string} */ id) {
    const record = this.records.get(id);
    return record ? (this.states(record).at(-1) ?? null) : null;
  }

  /**
   * What is wrong with `stored` (the row's data, or null when there is none) for record `id`, or
   * null when it is one of the states the writes allow.
   */
  check(/** @type {string} */ id, /** @type {LabItem | null} */ stored) {
    const record = this.records.get(id);
    if (!record) return stored ? `${id} is stored, but no write created it` : null;
    const states = this.states(record);
    const lastAcked = record.writes.findLastIndex((w) => w.acked);
    // states[0] is the base; states[i + 1] follows write i (failed writes change nothing).
    const allowed = states.slice(lastAcked + 1).map(show);
    if (allowed.includes(show(stored))) return null;
    const acked =
      lastAcked >= 0
        ? ` (its write ${lastAcked + 1} of ${record.writes.length} was acknowledged)`
        : '';
    return `${id} is stored as ${show(stored)}, allowed: ${allowed.join(' or ')}${acked}`;
  }

  /** After a restart was checked: what is stored becomes the base, the writes are settled. */
  settle(/** @type {string} */ id, /** @type {LabItem | null} */ stored) {
    const record = this.records.get(id);
    if (record) this.records.set(id, { base: stored, writes: [] });
  }

  /** The base, then the state after each write, in order. */
  states(/** @type {{ base: LabItem | null, writes: IssuedWrite[] }} */ record) {
    /** @type {(LabItem | null)[]} */
    const states = [record.base];
    let current = record.base;
    for (const write of record.writes) {
      if (!write.failed) {
        current =
          write.fields === null ? null : /** @type {LabItem} */ ({ ...current, ...write.fields });
      }
      states.push(current);
    }
    return states;
  }
}
