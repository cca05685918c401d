/**
 * Command-line entry: `npm run server -- --port 8787 --db ./data/sync.sqlite`. Prints
 * `sync-server listening on <url>` once it accepts connections (scripts wait for that line),
 * one log line per request, and shuts down cleanly on SIGINT/SIGTERM: in-flight requests
 * finish, the database is closed. A second signal exits at once.
 */
import { parseCliArgs, USAGE } from './cli-args';
import { createConsoleLogger } from './logger';
import { createSyncServer } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (config.help) {
    process.stdout.write(USAGE);
    return;
  }

  const logger = createConsoleLogger(config.logLevel);
  const server = createSyncServer({ ...config.options, logger });
  const { url } = await server.listen();
  process.stdout.write(`sync-server listening on ${url} (database ${config.options.dbPath})\n`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: finishing requests and closing the database`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', err);
        process.exit(1);
      }
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `sync-server failed to start: ${err instanceof Error ? err.message : String(err)}\n`
  );
  process.exit(1);
});
