import type { SeededRandom } from '../seeded-random';
import { ALICE, request, type CaseDraft, type HostileBody } from './cases';
import { BAD_IDS } from './values';
import type { World } from './world';

/** A valid body broken into text that is not JSON (or not UTF-8): 400 `invalid_json`. */
export function brokenJson(w: World, r: SeededRandom): CaseDraft {
  const base = w.baseWrite(['create', 'replace', 'update', 'batch']);
  const text = JSON.stringify(base.body);
  for (;;) {
    const [label, body] = breakJson(text, r);
    if (!isBrokenJson(body)) continue;
    return {
      category: 'broken-json',
      label: `${base.kind}: ${label}`,
      expect: 'reject',
      code: 'invalid_json',
      request: request(base.method, base.path, { user: ALICE, body }),
    };
  }
}

function breakJson(text: string, r: SeededRandom): [string, HostileBody] {
  const bytes = new TextEncoder().encode(text);
  const at = r.int(0, bytes.length - 1);
  switch (r.int(0, 13)) {
    case 0:
      return [`truncated at ${at}`, text.slice(0, at)];
    case 1:
      return ['trailing garbage', text + r.pick([' x', ',', '}', ']', '{}', '\u0000', 'null'])];
    case 2:
      return ['leading garbage', r.pick(['x', ',', ']', '}', '\u0000', "'"]) + text];
    case 3:
      return ['single quotes', text.replaceAll('"', "'")];
    case 4:
      return ['a comment', text.replace('{', '{/* c */')];
    case 5: {
      const literal = r.pick(['NaN', 'Infinity', '-Infinity', 'undefined', '0x10', '.5', '01']);
      return [`literal ${literal}`, text.replace(/}$/, `,"n":${literal}}`)];
    }
    case 6:
      return ['trailing comma', text.replace(/}$/, ',}')];
    case 7:
      return ['unquoted key', text.replace(/"([A-Za-z]+)":/, '$1:')];
    case 8: {
      const raw = r.pick(['\u0001', '\n', '\t', '\u001f']);
      return ['raw control character in a string', text.replace(/}$/, `,"s":"a${raw}b"}`)];
    }
    case 9:
      return ['bad escape', text.replace(/}$/, `,"s":"${r.pick(['\\x41', '\\u12', '\\q'])}"}`)];
    case 10: {
      const bad = r.pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80]]);
      return ['invalid UTF-8', concat(bytes.slice(0, at), new Uint8Array(bad), bytes.slice(at))];
    }
    case 11:
      return ['UTF-16', new Uint8Array(Buffer.from(text, 'utf16le'))];
    case 12: {
      const flipped = bytes.slice();
      flipped[at] = r.int(0, 255);
      return [`byte ${at} flipped`, flipped];
    }
    default:
      return ['blank', r.pick(['', ' ', '\n\t ', '\r\n'])];
  }
}

/** Mirrors how the server reads a body: fatal UTF-8, not blank, then JSON.parse. */
function isBrokenJson(body: HostileBody): boolean {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : (body as Uint8Array);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return true;
  }
  if (text.trim() === '') return true;
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}

/** A valid write with one field of the wrong type (or a body that is no object): 400. */
export function wrongTypes(w: World, r: SeededRandom): CaseDraft {
  const base = w.baseWrite(['create', 'replace', 'update', 'delete']);
  const reject = (label: string, body: HostileBody | object, code?: string): CaseDraft => ({
    category: 'wrong-types',
    label: `${base.kind}: ${label}`,
    expect: 'reject',
    ...(code ? { code } : {}),
    request: request(base.method, base.path, { user: ALICE, body }),
  });
  if (base.kind === 'delete') {
    const ifMatch = r.pick(['true', '[1]', '{"v":1}', '"1.0"', 'null', '"one"', '1e1']);
    return {
      category: 'wrong-types',
      label: `delete: If-Match ${ifMatch}`,
      expect: 'reject',
      request: w.toRequest(base, [['if-match', ifMatch]]),
    };
  }
  const body = base.body!;
  switch (r.int(0, 5)) {
    case 0:
      return reject(
        'body not an object',
        JSON.stringify(r.pick([[], [body], 'todo', 42, null, true, 1e308]))
      );
    case 1: {
      const id = r.pick(BAD_IDS.filter((value) => typeof value !== 'string'));
      return base.kind === 'create'
        ? reject(`id ${JSON.stringify(id)}`, { ...body, id }, 'invalid_id')
        : reject(`body id ${JSON.stringify(id)}`, { ...body, id });
    }
    case 2: {
      const value = r.pick([true, false, null, 0, 'yes', {}, []]);
      return reject(`deleted: ${JSON.stringify(value)}`, { ...body, deleted: value });
    }
    case 3: {
      const number = r.pick(['1e999', '-1e400', '123e99999']);
      return reject(`number ${number}`, JSON.stringify(body).replace(/}$/, `,"n":${number}}`));
    }
    case 4: {
      const json = JSON.stringify(body);
      const proto = r.chance(0.5) ? '"__proto__":{"admin":true}' : '"a":{"__proto__":1}';
      return reject('__proto__ field', json.replace(/}$/, `,${proto}}`));
    }
    default:
      return base.kind === 'create'
        ? reject('id missing', { title: 'x' }, 'invalid_id')
        : reject('body id of another record', { ...body, id: w.fresh('other') });
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
