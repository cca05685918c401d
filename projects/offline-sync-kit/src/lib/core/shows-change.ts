import { Mutation } from '../model/mutation';
import { ServerChange } from '../model/server-change';
import { sameValue } from './changed-fields';
import { applyMergePatch } from './merge-patch';

/**
 * Whether the server's record already holds a pushed change: it is live and applying the change's
 * patch to it would change nothing. Used to confirm a change the server accepted with an answer
 * that did not show the record: read back, a record that shows it confirms it; one that does not
 * (missing, deleted, other values) means the change may not have landed, so it is sent again
 * under its idempotency key (a server that has it answers the repeat with its first answer).
 *
 * @example
 * showsChange(entry, await transport.fetchOne(context, entity, entry.recordId)); // true: confirmed
 */
export function showsChange(
  mutation: Pick<Mutation, 'op' | 'patch'>,
  record: ServerChange | null
): boolean {
  if (mutation.op === 'delete') return record === null || record.deleted;
  if (record === null || record.deleted || record.data === null) return false;
  return sameValue(applyMergePatch(record.data, mutation.patch), record.data);
}
