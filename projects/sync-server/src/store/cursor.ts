import { badRequest } from '../errors';

/** Sequence numbers beyond this are not exact in JSON/JavaScript numbers. */
const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/**
 * Turns a position in the global change sequence into the opaque cursor clients store.
 * Opaque on purpose (base64url): clients must not do arithmetic on it or compare it with
 * timestamps, so the server stays free to change what is inside.
 *
 * @example
 * encodeCursor(42); // 'NDI'
 */
export function encodeCursor(seq: number): string {
  return Buffer.from(String(seq), 'utf8').toString('base64url');
}

/**
 * Reads a cursor sent by a client; absent or empty means "from the beginning" (0).
 * Anything this server did not issue answers 400 `invalid_cursor`, so a client with a
 * corrupt cursor learns it instead of silently skipping changes.
 *
 * @example
 * decodeCursor('NDI'); // 42
 * decodeCursor(undefined); // 0
 */
export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const text = /^[A-Za-z0-9_-]{1,24}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  const seq = /^(0|[1-9][0-9]{0,15})$/.test(text) ? Number(text) : NaN;
  // Re-encoding must give the same text, so two spellings never name one position.
  if (!Number.isSafeInteger(seq) || seq > MAX_SEQ || encodeCursor(seq) !== cursor) {
    throw badRequest('The cursor was not issued by this server', 'invalid_cursor');
  }
  return seq;
}
