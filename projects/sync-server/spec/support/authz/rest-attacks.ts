import { ifMatch, mine, path, vid, type Attack, type AttackContext } from './attack-context';
import { keyedRequests } from './seed';

/**
 * PATCH, PUT and DELETE of the victim's ids: a live one and one the attacker may have made its
 * own; then with the victim's versions in If-Match, on its tombstone and its shared ids.
 */
const WRITES: Attack[] = (['PATCH', 'PUT', 'DELETE'] as const).flatMap((method) => {
  const body = (ctx: AttackContext) => (method === 'DELETE' ? undefined : mine(ctx, method));
  return [
    {
      name: `${method} without If-Match`,
      via: 'REST',
      run: async (ctx) => {
        for (const id of [vid(ctx, 1), vid(ctx, 2)])
          await ctx.send(method, path(ctx, id), body(ctx));
      },
    },
    {
      name: `${method} with the victim's If-Match`,
      via: 'REST',
      run: async (ctx) => {
        for (const id of [vid(ctx, 3), 'shared-1', 'shared-2']) {
          await ctx.send(method, path(ctx, id), body(ctx), ifMatch(ctx, id));
        }
      },
    },
  ] satisfies Attack[];
});

/** The REST attacks, in the order they run for each attacker, victim and collection. */
export const REST_ATTACKS: readonly Attack[] = [
  {
    name: 'list every page (limit 2, cursors)',
    via: 'REST',
    run: async (ctx) => {
      let cursor = '';
      for (let page = 0; page < 50; page++) {
        const res = await ctx.send(
          'GET',
          `/${ctx.collection}?limit=2${cursor && `&cursor=${cursor}`}`
        );
        if (!res.body?.hasMore) return;
        cursor = res.body.cursor;
      }
    },
  },
  {
    name: "list from the victim's cursor",
    via: 'REST',
    run: async (ctx) => {
      await ctx.send('GET', `/${ctx.collection}?cursor=${ctx.victimCursor}`);
    },
  },
  {
    name: "read the victim's ids",
    via: 'REST',
    run: async (ctx) => {
      for (const n of [1, 2, 3, 4]) await ctx.send('GET', path(ctx, vid(ctx, n)));
    },
  },
  {
    name: 'read a shared id',
    via: 'REST',
    run: async (ctx) => {
      for (const id of ['shared-1', 'shared-2']) await ctx.send('GET', path(ctx, id));
    },
  },
  {
    name: "create under the victim's id",
    via: 'REST',
    run: async (ctx) => {
      await ctx.send('POST', `/${ctx.collection}`, { id: vid(ctx, 2), ...mine(ctx, 'create') });
    },
  },
  ...WRITES,
  {
    name: "replay the victim's Idempotency-Keys",
    via: 'REST',
    run: async (ctx) => {
      for (const request of keyedRequests(ctx.victim, ctx.collection, 'replay')) {
        const { method, path: target, body, key } = request;
        const had = ctx.attackerHasKey(key);
        const res = await ctx.send(method, target, body, { 'idempotency-key': key });
        if (!had && res.headers.get('idempotent-replayed') === 'true') {
          ctx.leak(
            `${method} ${target} with ${key} was answered as a replay of another user's write`
          );
        }
      }
    },
  },
  {
    name: "reuse the victim's Idempotency-Keys for other writes",
    via: 'REST',
    run: async (ctx) => {
      for (const { key } of keyedRequests(ctx.victim, ctx.collection, 'reuse')) {
        const had = ctx.attackerHasKey(key);
        const res = await ctx.send('PUT', path(ctx, 'shared-1'), mine(ctx, `reuse ${key}`), {
          'idempotency-key': key,
        });
        if (!had && res.status === 422)
          ctx.leak(`key ${key} answered 422: another user's key is visible`);
      }
    },
  },
];
