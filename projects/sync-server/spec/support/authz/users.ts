import { randomBytes } from 'node:crypto';
import type { SyncAuthOptions } from '../../../src';

/**
 * One user of the authorization matrix: how it signs in, and the secret every record it owns
 * carries, so any record of it seen by someone else is found by a text search.
 */
export interface MatrixUser {
  /** The user id the server resolves the token to (the record scope). */
  id: string;
  /** Short and URL-safe: record ids and keys are built from it. */
  tag: string;
  token: string;
  /** How the token is resolved, for failure messages. */
  via: string;
  /** Unique per run: `secret-<tag>-<random>`. */
  secret: string;
}

const RUN = randomBytes(6).toString('hex');

function user(index: number, id: string, token: string, via: string): MatrixUser {
  const tag = `u${index}`;
  return { id, tag, token, via, secret: `secret-${tag}-${RUN}` };
}

/**
 * Four users, two through static tokens and two through `verify` (one of them with an expiry,
 * the JWT shape). The last one's id, `al_ce%`, is what a `LIKE 'alice'`-style comparison or an
 * unescaped pattern would mistake for alice.
 *
 * @example
 * for (const attacker of MATRIX_USERS) for (const victim of othersThan(attacker)) …
 */
export const MATRIX_USERS: readonly [MatrixUser, MatrixUser, MatrixUser, MatrixUser] = [
  user(0, 'alice', 'alice-token', 'static token'),
  user(1, 'bob', 'bob-token', 'static token'),
  user(2, 'carol', 'jwt.carol', 'verify → user id'),
  user(3, 'al_ce%', 'jwt.alce', 'verify → { userId, expiresAt }'),
];

/** The collections every user writes to. */
export const MATRIX_COLLECTIONS = ['todos', 'notes', 'lists'] as const;

/** Every user but `who`. */
export function othersThan(who: MatrixUser): MatrixUser[] {
  return MATRIX_USERS.filter((u) => u !== who);
}

/**
 * The server's auth for the matrix users. The expiring token lives an hour from each check,
 * so it is valid throughout yet goes through the expiry code path.
 *
 * @example
 * new TestServer({ auth: matrixAuth() });
 */
export function matrixAuth(): SyncAuthOptions {
  const [alice, bob, carol, alce] = MATRIX_USERS;
  return {
    tokens: { [alice.token]: alice.id, [bob.token]: bob.id },
    verify: async (token) => {
      if (token === carol.token) return carol.id;
      if (token === alce.token) return { userId: alce.id, expiresAt: Date.now() + 3_600_000 };
      return null;
    },
  };
}

/**
 * The data of a record `owner` writes: tagged with its id and secret.
 *
 * @example
 * ownedData(alice, { title: 'Milk' }); // { owner: 'alice', secret: 'secret-u0-…', title: 'Milk' }
 */
export function ownedData(owner: MatrixUser, fields: Record<string, unknown> = {}) {
  return { owner: owner.id, secret: owner.secret, ...fields };
}

/**
 * The ids of a user's own records: `<tag>-1` … (only this user has them) and the shared ids
 * every user has a record under.
 *
 * @example
 * ownId(bob, 1); // 'u1-1'
 */
export function ownId(owner: MatrixUser, n: number | string): string {
  return `${owner.tag}-${n}`;
}

/** Ids every user has a record under, each their own. */
export const SHARED_IDS = ['shared-1', 'shared-2'] as const;
