import type { SeededRandom } from '../seeded-random';
import { ALICE, BOB, request, type CaseDraft } from './cases';
import { BAD_CURSORS, BAD_LIMITS, EXTRA_PARAMS } from './values';
import type { World } from './world';

/**
 * A change-feed read with odd cursors, limits and parameters; `odd` (a meta-character, say)
 * goes into one of its parameters.
 */
export function feedRequest(w: World, r: SeededRandom, odd?: string): CaseDraft {
  const params: string[] = [];
  const value = (list: readonly string[]) => odd ?? r.pick(list);
  const encode = (text: string) => (r.chance(0.8) ? encodeURIComponent(text) : text);
  for (let i = r.int(1, 3); i > 0; i--) {
    switch (r.int(0, 5)) {
      case 0:
        params.push(`cursor=${encode(value(BAD_CURSORS))}`);
        break;
      case 1:
        params.push(`limit=${encode(value(BAD_LIMITS))}`);
        break;
      case 2:
        params.push(`${encode(value(EXTRA_PARAMS))}=${encode(odd ?? 'x')}`);
        break;
      case 3:
        params.push(r.pick(['cursor=', 'cursor=MA', `limit=${r.int(1, 5000)}`, 'limit=']));
        break;
      case 4:
        params.push(r.pick(['', '&&', 'cursor', '%zz=1', 'cursor=%zz', 'limit=%31', '%00=1']));
        break;
      default:
        params.push(`cursor=${'A'.repeat(r.int(25, 8000))}`);
    }
  }
  const collection = r.pick(['todos', 'todos', 'notes', 'ws']);
  const path = `/${collection}?${params.join('&')}`;
  return {
    category: 'feed-queries',
    label: `GET ${path.slice(0, 60)}`,
    expect: 'no-change',
    request: request(r.chance(0.9) ? 'GET' : 'HEAD', path, { user: r.pick([ALICE, ALICE, BOB]) }),
  };
}

const METHODS = [
  'GET',
  'HEAD',
  'OPTIONS',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'FOO',
  'Patch',
  'PROPFIND',
  'MKCOL',
  'PURGE',
  'LINK',
];
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route with every method, and paths next to the routes. A write carries a body no
 * route accepts (`[]`) and a stale `If-Match`, so it can never succeed.
 */
export function routesMethods(w: World, r: SeededRandom): CaseDraft {
  const base = w.baseId();
  const path = r.pick([
    '/health',
    '/todos',
    `/todos/${base}`,
    '/sync/batch',
    '/',
    '/sync',
    '/sync/batch/x',
    '/health/x',
    `/todos/${base}/extra`,
    '//todos',
    '/todos/',
    `/todos//${base}`,
    '/ws',
    '/.well-known/x',
    '/%2e%2e/todos',
    `/todos/%2e%2e/${base}`,
    `/notes/${w.fresh()}`,
  ]);
  const method = r.pick(METHODS);
  const read = READS.has(method);
  const req = request(method, path, {
    user: r.chance(0.9) ? ALICE : null,
    ...(read ? {} : { body: '[]', headers: [['if-match', '"999"']] as [string, string][] }),
  });
  return {
    category: 'routes-methods',
    label: `${method} ${path}`,
    expect: read ? 'no-change' : 'reject',
    request: req,
  };
}
