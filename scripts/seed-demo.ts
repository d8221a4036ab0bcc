/** `npm run seed:demo`: creates the console demo team on an empty database (idempotent). */
import { openDatabase } from '../db/client.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createSystemClock } from '../src/lib/clock.ts';
import { createLogger } from '../src/lib/logger.ts';
import { seedDemoIfEmpty } from '../src/platforms/console/seed.ts';

try {
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  await database.migrate();
  const seeded = await seedDemoIfEmpty({ database, config, logger: createLogger({ level: 'warn' }), clock: createSystemClock() });
  await database.close();
  process.stdout.write(seeded ? 'demo team created\n' : 'the console workspace already has members; nothing changed\n');
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `seeding failed: ${(error as Error).message}`}\n`);
  process.exit(1);
}
