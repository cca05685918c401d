import type { SeededRandom } from '../seeded-random';
import { ALICE, request, type CaseDraft, type HostileBody } from './cases';
import type { BaseWrite, World } from './world';

/** The server's default body limit (1 MiB), which the spec's server keeps. */
export const MAX_BODY = 1024 * 1024;
/** One long run of padding, sliced rather than rebuilt for each huge body. */
const PAD = 'x'.repeat(MAX_BODY + 300_000);

/** Bodies over the 1 MiB limit, however they arrive: 413, or 400 for a broken stream. */
export function hugeBodies(w: World, r: SeededRandom): CaseDraft {
  const base = w.baseWrite(['create', 'replace', 'update', 'batch']);
  const huge = (label: string, body: HostileBody, extra: Partial<CaseDraft> = {}) => ({
    category: 'huge-bodies' as const,
    label: `${base.kind}: ${label}`,
    expect: 'reject' as const,
    code: 'payload_too_large',
    request: request(base.method, base.path, { user: ALICE, body }),
    ...extra,
  });
  switch (r.int(0, 5)) {
    case 0:
    case 1: {
      const size = MAX_BODY + r.int(1, 250_000);
      return huge(`${size}-byte field`, padded(base, size));
    }
    case 2: {
      const chunks = [
        `{"id":"${w.fresh()}","pad":"`,
        ...Array(r.int(17, 20)).fill(PAD.slice(0, 65_536)),
      ];
      return huge(`${chunks.length} chunks without Content-Length`, { chunks });
    }
    case 3: {
      const declared = r.pick(['2000000', '99999999999', '1e9', String(MAX_BODY + 1)]);
      const req = request(base.method, base.path, { user: ALICE, body: JSON.stringify(base.body) });
      req.headers.push(['content-length', declared]);
      return { ...huge(`Content-Length: ${declared}`, ''), request: req, inProcessOnly: true };
    }
    case 4:
      return huge(
        'a stream that breaks off',
        { chunks: ['{"id":"x","pad":"', 'xxxx'], breaks: true },
        {
          code: 'invalid_request',
          inProcessOnly: true,
        }
      );
    default: {
      const mutations = Array.from({ length: 1001 }, () => w.batchItem());
      return {
        category: 'huge-bodies',
        label: 'batch of 1001 mutations',
        expect: 'reject',
        code: 'invalid_request',
        request: request('POST', '/sync/batch', { user: ALICE, body: { mutations } }),
      };
    }
  }
}

/** The base body with a `pad` field making it `size` bytes or more. */
function padded(base: BaseWrite, size: number): string {
  const text = JSON.stringify(base.body);
  if (base.kind !== 'batch') return text.replace(/}$/, `,"pad":"${PAD.slice(0, size)}"}`);
  return text.replace(/"data":\{/, `"data":{"pad":"${PAD.slice(0, size)}",`);
}

const deepCache = new Map<string, string>();

/** `[[[…]]]` or `{"a":{"a":…}}`, `depth` levels, built once per shape. */
export function deep(kind: 'array' | 'object', depth: number): string {
  const key = `${kind}${depth}`;
  let text = deepCache.get(key);
  if (!text) {
    text =
      kind === 'array'
        ? '['.repeat(depth) + ']'.repeat(depth)
        : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    deepCache.set(key, text);
  }
  return text;
}

/** Nesting past the 32-level limit, anywhere a value goes: 400, never a stack overflow. */
export function deepNesting(w: World, r: SeededRandom): CaseDraft {
  const kind = r.pick(['array', 'object'] as const);
  const depth = r.pick(
    kind === 'array' ? [33, 100, 5000, 100_000, 400_000] : [33, 100, 5000, 150_000]
  );
  const nested = deep(kind, depth);
  const shape = `${kind} ${depth} deep`;
  const reject = (label: string, path: string, method: string, body: string, code?: string) => ({
    category: 'deep-nesting' as const,
    label: `${label}: ${shape}`,
    expect: 'reject' as const,
    ...(code ? { code } : {}),
    request: request(method, path, { user: ALICE, body }),
  });
  // A batch whose one item is refused on its own: 200, nothing applied.
  const batchReject = (label: string, body: string) => ({
    ...reject(label, '/sync/batch', 'POST', body),
    batchItems: [false],
  });
  const base = w.baseWrite(['create', 'replace', 'update']);
  const fresh = w.fresh();
  switch (r.int(0, 6)) {
    case 0: {
      const id = base.kind === 'create' ? `"id":"${fresh}",` : '';
      return reject(`${base.kind} field`, base.path, base.method, `{${id}"a":${nested}}`);
    }
    case 1:
      return base.kind === 'create'
        ? reject('create id', base.path, 'POST', `{"id":${nested}}`, 'invalid_id')
        : reject(`${base.kind} body id`, base.path, base.method, `{"id":${nested}}`);
    case 2:
      return reject(`${base.kind} body`, base.path, base.method, nested);
    case 3:
      return batchReject('batch item data', batchWith(`"data":{"a":${nested}}`, fresh));
    case 4:
      return batchReject('batch item data id', batchWith(`"data":{"id":${nested}}`, fresh));
    case 5:
      return batchReject('batch mutations', `{"mutations":[${nested}]}`);
    default: {
      // An object, so never an array: the envelope itself is wrong.
      const envelope = deep('object', Math.min(depth, 150_000));
      return reject('batch envelope', '/sync/batch', 'POST', `{"mutations":${envelope}}`);
    }
  }
}

/** A one-item batch creating `id`, with `dataJson` spliced in as its data. */
function batchWith(dataJson: string, id: string): string {
  return `{"mutations":[{"mutationId":"m-${id}","op":"create","endpoint":"todos","id":"${id}",${dataJson}}]}`;
}
