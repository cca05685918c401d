/**
 * Catalogues of odd and hostile values for the hostile-requests spec, each list on one side
 * of a rule of docs/protocol.md: the `BAD_*` lists break the rule, the `ODD_VALID_*` lists look
 * alarming but are allowed, so a request built from them must succeed and store them exactly.
 */

/** SQL meta-characters and injection attempts, sent in every field that takes a string. */
export const SQL_META = [
  "'",
  '";--',
  '%',
  '_',
  '\\',
  "' OR 1=1 --",
  "'); DROP TABLE records; --",
  "%' OR '1'='1",
  '" OR ""="',
  '`',
  '/* */',
  ';',
  "1' AND SLEEP(5)--",
  "' UNION SELECT key, body FROM idempotency_keys --",
  '$1',
  '?',
  ':name',
  '@p0',
  '\\x27',
  '%_%',
  "\\'; --",
] as const;

/** Strings that stress encodings: stored and answered byte for byte when they are data. */
export const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\t\r\n',
  'é',
  '🙂',
  '\u202etxt.exe',
  '\u200b',
  'ａｂｃ',
  '\ud800',
  '\udfff\ud800',
  '\\u0000',
  '<script>alert(1)</script>',
  '${process.exit()}',
  '{{7*7}}',
  '../../etc/passwd',
  '%00',
  '%2F',
  'null',
  '__proto__',
  'x'.repeat(2000),
] as const;

/** Record ids the protocol refuses (1–128 characters from `A-Z a-z 0-9 . _ ~ : @ + = -`). */
export const BAD_IDS: readonly unknown[] = [
  '',
  'x'.repeat(129),
  'x'.repeat(20_000),
  'é',
  '🙂',
  'a b',
  ' a',
  'a\t',
  'a\n',
  '\u0000',
  'a\u0000b',
  '%00',
  '../',
  '../../etc/passwd',
  '..\\..\\',
  'a/b',
  'a?b',
  'a#b',
  '\u202e',
  '\u200b',
  'ａ',
  '<script>',
  '${id}',
  "' OR 1=1 --",
  '";--',
  '%',
  '\\',
  "'",
  '%_%',
  42,
  -1,
  0,
  1.5,
  true,
  false,
  null,
  [],
  ['t1'],
  {},
  { $gt: '' },
];

/** Record ids that look odd but are allowed; the server must store them like any other. */
export const ODD_VALID_IDS = [
  '--',
  '_',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '=',
  'a=b',
  ':',
  '@',
  '~',
  '+',
  '.a',
  'a.',
  '...',
  '0',
  '-1',
  '1e5',
  'NaN',
  'null',
  'undefined',
  'SELECT',
  'a--b',
  '1=1',
  'x'.repeat(128),
] as const;

/** Collection names the protocol refuses: not `[A-Za-z][A-Za-z0-9_-]{0,63}`, or reserved. */
export const BAD_COLLECTIONS = [
  '1todos',
  '_x',
  '-x',
  'x'.repeat(65),
  'tödos',
  'to dos',
  'todos;',
  "todos'",
  'todos%',
  'sync',
  'health',
  '__proto__',
  'todos\u0000',
  'a.b',
  '*',
  'todos"',
  'todos\\',
  "' OR 1=1 --",
  '";--',
  '%',
  '🙂',
  '%27',
] as const;

/** Collection names that look odd but are allowed. */
export const ODD_VALID_COLLECTIONS = [
  'Sync',
  'HEALTH',
  'constructor',
  'toString',
  'prototype',
  'a',
  'x'.repeat(64),
  'todo_s',
  'x--',
  'DROP_TABLE_records',
  'ws',
] as const;

/** Content types that are not JSON: 415. */
export const BAD_CONTENT_TYPES = [
  'text/plain',
  'text/json',
  'application/jsonx',
  'application/json-patch',
  'json',
  'application/',
  '*/*',
  'application/*',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json, text/plain',
  'text/plain; application/json',
  'application/+json',
  'application/xml',
  "application/json'; DROP TABLE records; --",
  'x'.repeat(6000),
] as const;

/** Content types the protocol accepts as JSON. */
export const ODD_VALID_CONTENT_TYPES = [
  'APPLICATION/JSON',
  'application/json; charset=utf-8',
  'application/json;charset=latin1',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'application/json ; x=y',
  "application/json; x='; DROP TABLE records; --",
] as const;

/** `If-Match` values that are not a version: 400. */
export const BAD_IF_MATCH = [
  '"abc"',
  '"0"',
  '0',
  '-1',
  '"1", "2"',
  'W/',
  'W/"x"',
  '"1',
  '1"',
  '""',
  '"9999999999999999"',
  '1.5',
  'null',
  "' OR 1=1 --",
  '*, "1"',
  '"1";--',
  '%',
  '\\',
  'x'.repeat(8000),
] as const;

/** `Idempotency-Key` values that break the 1–255 visible ASCII rule: 400. */
export const BAD_IDEMPOTENCY_KEYS = [
  'k'.repeat(256),
  'k'.repeat(10_000),
  'a b',
  "' OR 1=1 --",
  '\u00e9',
  'a\tb',
  '\u00ff\u00fe',
] as const;

/** Visible-ASCII keys full of meta-characters: allowed, and must work as keys. */
export const ODD_VALID_KEYS = ["';--", '%_\\', "'OR'1'='1", '";DROP', '../../x', '%00', '{}'];

/** `Authorization` values that are not a known bearer token: 401. */
export const BAD_AUTHORIZATION = [
  'Bearer',
  'Bearer wrong',
  'Basic YWxpY2U6eA==',
  'Bearer alice-token extra',
  'Bearer ALICE-TOKEN',
  'Token alice-token',
  'Bearer alice-tokenX',
  "Bearer ' OR 1=1 --",
  "Bearer ';--",
  'Bearer %',
  'Bearer \\',
  'Bearer alice-token\u00e9',
  `Bearer ${'x'.repeat(5000)}`,
  'Bearer constructor',
  'Bearer __proto__',
] as const;

/** Change-feed cursors this server never issued. */
export const BAD_CURSORS = [
  'zzz',
  '!',
  'MA==',
  'LTE',
  'MS4w',
  'x'.repeat(5000),
  "' OR 1=1 --",
  '%',
  '_',
  '\\',
  '%00',
  'OTAwNzE5OTI1NDc0MDk5Mw',
  'MTAwMDAwMDAwMA',
  '🙂',
] as const;

/** `limit` values that are not a positive integer. */
export const BAD_LIMITS = [
  '0',
  '-1',
  '1.5',
  'ten',
  '1e3',
  '01',
  '+1',
  '99999999999',
  "' OR 1=1 --",
  '%',
  '_',
  'NaN',
  'Infinity',
  '0x10',
  '1;DROP',
] as const;

/** Query parameters the feed does not take (filters, typos, prototype names). */
export const EXTRA_PARAMS = [
  'since',
  'filter',
  'filter[done]',
  'where',
  '__proto__',
  'constructor',
  'sort',
  "'",
  '%',
  '_',
  'cursor ',
  '',
] as const;
