import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { notFound, toSyncError } from '../errors';
import type { ResolvedOptions } from '../options';
import type { SyncEngine } from '../sync-engine';
import { createAuthenticator } from './auth';
import { errorResponse, methodNotAllowed } from './respond';
import { registerRoutes, type AppEnv } from './routes';

/**
 * Builds the Hono app: request log, `Date` and `Cache-Control` on every answer, CORS, the
 * unauthenticated `GET /health`, the auth check, the REST routes, and JSON errors for
 * everything that goes wrong (unknown routes and methods included).
 *
 * @example
 * const app = createApp(engine, resolveOptions({ dbPath }));
 * const res = await app.fetch(new Request('http://local/health'));
 */
export function createApp(engine: SyncEngine, options: ResolvedOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const authenticate = createAuthenticator(options.auth, options.now);

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // Clients correct their clock with Date, so it comes from the same clock as updatedAt.
    c.res.headers.set('Date', options.now().toUTCString());
    // Sync answers change with every write; a cached feed page would hide changes.
    c.res.headers.set('Cache-Control', 'no-store');
    const ms = (performance.now() - started).toFixed(1);
    const user = c.get('actor')?.userId;
    const target = (c.req.path + new URL(c.req.url).search).slice(0, 200);
    options.logger.info(
      `${c.req.method} ${target} ${c.res.status} ${ms}ms${user ? ` user=${user}` : ''}`
    );
  });

  app.use(
    '*',
    cors({
      origin: options.corsOrigins,
      allowMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key'],
      // Browsers hide all but a few answer headers from scripts unless they are listed here;
      // the client needs ETag for versions and Date for its clock offset.
      exposeHeaders: ['ETag', 'Date', 'Retry-After', 'Idempotent-Replayed', 'WWW-Authenticate'],
      maxAge: 600,
    })
  );

  app.get('/health', (c) => c.json({ status: 'ok', time: options.now().toISOString() }));
  app.all('/health', (c) => methodNotAllowed(c, 'GET, HEAD'));

  app.use('*', async (c, next) => {
    c.set('actor', await authenticate(c.req.header('authorization')));
    await next();
  });

  registerRoutes(app, engine, options);

  app.notFound((c) =>
    errorResponse(c, notFound(`There is no route ${c.req.method} ${c.req.path.slice(0, 100)}`))
  );
  app.onError((err, c) => {
    const error = toSyncError(err);
    if (error.status >= 500) options.logger.error(`${c.req.method} ${c.req.path} failed`, err);
    return errorResponse(c, error);
  });
  return app;
}
