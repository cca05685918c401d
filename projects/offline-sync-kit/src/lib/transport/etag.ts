/**
 * The `If-Match` value for a base version: a strong entity tag, `"3"`, as the server sends it in
 * `ETag`.
 *
 * @example
 * ifMatch(3); // '"3"'
 */
export function ifMatch(version: number): string {
  return `"${version}"`;
}

/**
 * The opaque part of an `ETag` header: quotes and the weak marker removed, so `"3"`, `W/"3"` and
 * a bare `3` (sent by some servers) all read `3`. `null` when there is no header.
 *
 * @example
 * etagValue('W/"7"'); // '7'
 */
export function etagValue(header: string | null | undefined): string | null {
  if (header === null || header === undefined) return null;
  const text = header.trim().replace(/^W\//, '');
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

/**
 * Reads a version number (a whole number, 0 or more) from an `ETag` header. `null` when there is no
 * header; `undefined` when there is one but it is no version number (a content hash, say): the
 * kit compares versions as numbers, so such a tag cannot serve as `versionSource: 'etag'`.
 *
 * @example
 * versionFromEtag('"12"'); // 12
 * versionFromEtag('"a1b2c3"'); // undefined
 */
export function versionFromEtag(header: string | null | undefined): number | null | undefined {
  const value = etagValue(header);
  if (value === null) return null;
  return /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}
