import { mine, vid, type Attack, type AttackContext } from './attack-context';
import { batchItems, type KeyLane } from './seed';

/** Batch items naming the victim's ids (and its versions as base versions), as the attacker's. */
function namingVictimIds(ctx: AttackContext): Record<string, unknown>[] {
  const item = (op: string, id: string, withBase: boolean, data?: object) => ({
    mutationId: ctx.fresh(),
    op,
    endpoint: ctx.collection,
    id,
    ...(data ? { data } : {}),
    ...(withBase ? { baseVersion: ctx.victimVersion(id) } : {}),
  });
  return [
    item('create', vid(ctx, 1), false, mine(ctx, 'batch-create')),
    item('update', vid(ctx, 2), true, mine(ctx, 'batch-update')),
    item('replace', vid(ctx, 3), true, mine(ctx, 'batch-replace')),
    item('delete', vid(ctx, 4), true),
    item('update', 'shared-1', true, mine(ctx, 'batch-shared')),
    item('delete', 'shared-2', false),
  ];
}

/** The victim's keyed batch items of `lane`, sent as they are by the attacker. */
async function replayBatchKeys(ctx: AttackContext, lane: KeyLane): Promise<void> {
  await ctx.batch(batchItems(ctx.victim, ctx.collection, lane));
}

/** A reused key answered `idempotency_key_reused` tells the attacker someone used it. */
async function reuseBatchKeys(ctx: AttackContext, lane: KeyLane): Promise<void> {
  const items = batchItems(ctx.victim, ctx.collection, lane);
  const had = items.map((m) => ctx.attackerHasKey(String(m['mutationId'])));
  const reused = items.map((m) => ({
    ...m,
    op: 'replace',
    id: 'shared-1',
    data: mine(ctx, 'reuse'),
  }));
  const { results } = await ctx.batch(reused);
  results.forEach((r, i) => {
    if (r.error?.code === 'idempotency_key_reused' && !had[i]) {
      ctx.leak(`batch key ${r.mutationId} answered 422: another user's key is visible`);
    }
  });
}

/**
 * The batch attacks, over `POST /sync/batch` and over the WebSocket, in the order they run
 * for each attacker, victim and collection. Each path replays and reuses keys of its own.
 */
export const BATCH_ATTACKS: readonly Attack[] = (
  [
    ['batch', 'batch', 'replay', 'reuse'],
    ['WebSocket', 'WebSocket batch', 'ws-replay', 'ws-reuse'],
  ] as const
).flatMap(([via, what, replay, reuse]) => [
  {
    name: `${what} naming the victim's ids and versions`,
    via,
    run: async (ctx: AttackContext) => {
      await ctx.batch(namingVictimIds(ctx));
    },
  },
  {
    name: `${what} replaying the victim's mutation ids`,
    via,
    run: (ctx: AttackContext) => replayBatchKeys(ctx, replay),
  },
  {
    name: `${what} reusing the victim's mutation ids`,
    via,
    run: (ctx: AttackContext) => reuseBatchKeys(ctx, reuse),
  },
]);
