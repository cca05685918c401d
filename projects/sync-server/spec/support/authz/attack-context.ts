import type { Answer } from '../test-server';
import { ownedData, ownId, type MatrixUser } from './users';

/** What one attack may do: requests as the attacker, each answer checked by the runner. */
export interface AttackContext {
  attacker: MatrixUser;
  victim: MatrixUser;
  collection: string;
  /** The victim's feed cursor in this collection. */
  victimCursor: string;
  /** The victim's current version of `id`, as its If-Match would name it. */
  victimVersion(id: string): number;
  /** Whether the attacker itself has used idempotency key `key` (then a 422 is its own). */
  attackerHasKey(key: string): boolean;
  send(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>
  ): Promise<Answer>;
  /** `POST /sync/batch` (`via: 'batch'`) or a WebSocket `batch` (`via: 'WebSocket'`). */
  batch(mutations: Record<string, unknown>[]): Promise<{ results: BatchResultLike[] }>;
  /** A leak the attack itself noticed (a foreign key's 422, a replayed answer). */
  leak(finding: string): void;
  /** A mutation id no one used before. */
  fresh(): string;
}

/** The fields of a batch result the attacks look at. */
export interface BatchResultLike {
  mutationId: string | null;
  status: string;
  httpStatus: number;
  error?: { code: string };
}

/** One access path tried by every attacker against every victim in every collection. */
export interface Attack {
  name: string;
  via: 'REST' | 'batch' | 'WebSocket';
  run(ctx: AttackContext): Promise<void>;
}

/** The victim's record `<tag>-n`. */
export const vid = (ctx: AttackContext, n: number) => ownId(ctx.victim, n);
/** The REST path of `id` in the attacked collection. */
export const path = (ctx: AttackContext, id: string) => `/${ctx.collection}/${id}`;
/** Data the attacker writes: tagged as its own. */
export const mine = (ctx: AttackContext, title: string) => ownedData(ctx.attacker, { title });
/** An If-Match naming the victim's version of `id`. */
export const ifMatch = (ctx: AttackContext, id: string) => ({
  'if-match': `"${ctx.victimVersion(id)}"`,
});
