/** `npm run db:migrate`: applies committed migrations to DATABASE_URL (or the embedded database). */
import { openDatabase } from '../db/client.ts';
import { ConfigError, loadConfig } from '../src/config.ts';

try {
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  await database.migrate();
  await database.close();
  process.stdout.write(`migrations applied (${database.kind})\n`);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `migration failed: ${(error as Error).message}`}\n`);
  process.exit(1);
}
