import type { Context, Hono } from 'hono';
import { badRequest } from '../errors';
import type { Mutation, MutationOp } from '../model';
import { parseBatch, type MutationRules } from '../mutations/batch';
import {
  checkCollection,
  checkId,
  checkIdempotencyKey,
  isPlainObject,
  parseIfMatch,
  recordData,
} from '../mutations/validate';
import type { ResolvedOptions } from '../options';
import type { Actor, SyncEngine } from '../sync-engine';
import { readJsonBody } from './body';
import { entryResponse, methodNotAllowed } from './respond';

/** The Hono environment of the app: the auth middleware puts the actor on the context. */
export interface AppEnv {
  Variables: { actor: Actor };
}

type AppContext = Context<AppEnv>;

const FEED_PARAMS = new Set(['cursor', 'limit']);

/**
 * Registers the REST contract (docs/protocol.md) on `app`: the change feed, read, create,
 * update (merge patch), replace, delete, and the batch. Handlers only translate HTTP to
 * mutations and back; `SyncEngine` decides.
 *
 * @example
 * registerRoutes(app, engine, resolveOptions({ dbPath }));
 */
export function registerRoutes(
  app: Hono<AppEnv>,
  engine: SyncEngine,
  options: ResolvedOptions
): void {
  const rules: MutationRules = {
    collections: options.collections,
    maxIdLength: options.maxIdLength,
  };
  const collectionOf = (c: AppContext) =>
    checkCollection(c.req.param('collection') ?? '', rules.collections);
  const idOf = (c: AppContext) => checkId(c.req.param('id'), rules.maxIdLength);
  const body = (c: AppContext) => readJsonBody(c.req.raw, options.maxBodyBytes);

  const write = (c: AppContext, mutation: Mutation) => {
    const header = c.req.header('idempotency-key');
    const key = header === undefined ? undefined : checkIdempotencyKey(header);
    const answer = engine.write(c.get('actor'), mutation, key);
    return entryResponse(c, answer.status, answer.entry, answer.replayed);
  };
  const writeWithBody = (op: MutationOp) => async (c: AppContext) => {
    const collection = collectionOf(c);
    const id = idOf(c);
    const baseVersion = parseIfMatch(c.req.header('if-match'));
    const data = recordData(await body(c), id);
    return write(c, { op, collection, id, data, baseVersion });
  };

  app.post('/sync/batch', async (c) => {
    const items = parseBatch(await body(c), rules, options.maxBatchSize);
    return c.json({ results: engine.writeBatch(c.get('actor'), items) });
  });
  // Before the collection routes, which would otherwise take /sync/batch as record 'batch'.
  app.all('/sync/batch', (c) => methodNotAllowed(c, 'POST'));

  app.get('/:collection', (c) => {
    const collection = collectionOf(c);
    const { cursor, limit } = feedQuery(new URL(c.req.url).searchParams, options);
    return c.json(engine.changes(c.get('actor'), collection, cursor, limit));
  });

  app.post('/:collection', async (c) => {
    const collection = collectionOf(c);
    const raw = await body(c);
    if (!isPlainObject(raw)) throw badRequest('The request body must be a JSON object');
    const id = checkId(raw['id'], rules.maxIdLength);
    return write(c, { op: 'create', collection, id, data: recordData(raw, id) });
  });

  app.get('/:collection/:id', (c) => {
    const record = engine.read(c.get('actor'), collectionOf(c), idOf(c));
    return entryResponse(c, 200, record);
  });
  app.patch('/:collection/:id', writeWithBody('update'));
  app.put('/:collection/:id', writeWithBody('replace'));
  app.delete('/:collection/:id', (c) => {
    const collection = collectionOf(c);
    const id = idOf(c);
    return write(c, {
      op: 'delete',
      collection,
      id,
      baseVersion: parseIfMatch(c.req.header('if-match')),
    });
  });

  app.all('/:collection', (c) => methodNotAllowed(c, 'GET, POST'));
  app.all('/:collection/:id', (c) => methodNotAllowed(c, 'GET, PATCH, PUT, DELETE'));
}

/**
 * Reads `?cursor=&limit=`: empty values count as absent (the contract's own spelling),
 * `limit` above the maximum is capped rather than refused, and any other parameter is a
 * client bug worth reporting (400) instead of silently ignoring.
 */
function feedQuery(
  params: URLSearchParams,
  options: ResolvedOptions
): { cursor?: string; limit: number } {
  for (const name of new Set(params.keys())) {
    if (!FEED_PARAMS.has(name)) throw badRequest(`Unknown query parameter '${name.slice(0, 40)}'`);
    if (params.getAll(name).length > 1) throw badRequest(`Query parameter '${name}' is repeated`);
  }
  const cursor = params.get('cursor') || undefined;
  const limitText = params.get('limit') || undefined;
  if (limitText === undefined) return { cursor, limit: options.defaultPageSize };
  if (!/^[1-9][0-9]{0,9}$/.test(limitText)) throw badRequest('limit must be a positive integer');
  return { cursor, limit: Math.min(Number(limitText), options.maxPageSize) };
}
