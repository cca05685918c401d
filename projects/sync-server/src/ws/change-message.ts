import { isTombstone, type ChangeEvent, type SyncRecord } from '../model';
import type { ChangeEventKind, ServerChangeMessage } from './messages';

/**
 * What a committed write did, as subscribers see it: a tombstone is a delete; a write over
 * nothing or over a tombstone (a create, or a replace answered 201) brought the record into
 * existence; anything else changed a live record.
 *
 * @example
 * changeKind({ ...event, previous: undefined }); // 'created'
 */
export function changeKind(event: ChangeEvent): ChangeEventKind {
  if (isTombstone(event.entry)) return 'deleted';
  return !event.previous || isTombstone(event.previous) ? 'created' : 'updated';
}

/**
 * The `change` message of a committed write. `data` is the record exactly as REST answers it;
 * a delete carries none.
 *
 * @example
 * changeMessage(event, DEFAULT_WEB_SOCKET_OPTIONS.eventNames);
 * // { type: 'change', event: 'created', channel: 'todos', modelType: 'todos', id: 't1', … }
 */
export function changeMessage(
  event: ChangeEvent,
  eventNames: Readonly<Record<ChangeEventKind, string>>
): ServerChangeMessage {
  const { entry, collection } = event;
  const message: ServerChangeMessage = {
    type: 'change',
    event: eventNames[changeKind(event)],
    channel: collection,
    modelType: collection,
    id: entry.id,
    version: entry.version,
    updatedAt: entry.updatedAt,
    seq: event.seq,
  };
  if (!isTombstone(entry)) message.data = entry as SyncRecord;
  return message;
}

/**
 * The change message as the bytes of one text frame. Built once per write and shared by every
 * subscriber: `ws` sends a Buffer without copying it, so 10 000 subscribers of a large record
 * cost one copy, not 10 000.
 *
 * @example
 * const frame = changeFrame(event, names);
 * for (const session of subscribers) session.sendFrame(frame);
 */
export function changeFrame(
  event: ChangeEvent,
  eventNames: Readonly<Record<ChangeEventKind, string>>
): Buffer {
  return Buffer.from(JSON.stringify(changeMessage(event, eventNames)));
}
