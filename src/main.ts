import { startApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createSystemClock } from './lib/clock.ts';
import { createLogger } from './lib/logger.ts';

/** Entry point for `npm start`: loads config, starts the app, stops it cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  let app;
  try {
    app = await startApp(config, { clock: createSystemClock(), logger });
  } catch (error) {
    // A setting that only fails when used (e.g. a Slack token Slack rejects) is still one clear line.
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (config.console) process.stdout.write(`\nKAM Bot console: ${app.url.replace('127.0.0.1', 'localhost')}\n\n`);

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    app.close().then(() => process.exit(0), (err) => { logger.error({ err }, 'shutdown failed'); process.exit(1); });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

void main();
