/**
 * `npx tsx scripts/import-sales.ts <file.csv> [--workspace=console:local] [--dry-run]`
 *
 * Imports monthly sales per account (header: account,month,amount,currency). Prints a
 * validation report; when any row is invalid nothing is written and the exit code is 1.
 * Running the same file twice changes nothing.
 */
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { openDatabase } from '../db/client.ts';
import { workspaces } from '../db/schema/workspaces.ts';
import { importSalesCsv } from '../src/capabilities/kpi/import.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createSystemClock } from '../src/lib/clock.ts';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const file = argv.find((a) => !a.startsWith('--'));
const dryRun = argv.includes('--dry-run');
const workspaceArg = flag('workspace') ?? 'console:local';

if (!file) {
  process.stderr.write('usage: tsx scripts/import-sales.ts <file.csv> [--workspace=<platform>:<external id>] [--dry-run]\n');
  process.exit(2);
}

try {
  const config = loadConfig();
  const [platform, ...rest] = workspaceArg.split(':');
  const externalId = rest.join(':');
  if (!['console', 'slack', 'lark'].includes(platform ?? '') || !externalId) throw new Error(`--workspace must look like console:local or slack:T0123, got "${workspaceArg}"`);
  const csv = readFileSync(file, 'utf8');
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  await database.migrate();
  try {
    const [ws] = await database.db.select().from(workspaces)
      .where(and(eq(workspaces.platform, platform as 'console'), eq(workspaces.externalId, externalId)));
    if (!ws) throw new Error(`no workspace ${workspaceArg}`);
    const now = createSystemClock().now();
    const report = await database.db.transaction((tx) => importSalesCsv({ db: tx as never, workspaceId: ws.id, now }, csv, { dryRun }));
    const out = process.stdout;
    out.write(`rows: ${report.rows}, valid: ${report.valid}, errors: ${report.errors.length}, warnings: ${report.warnings.length}\n`);
    for (const e of report.errors) out.write(`  error   line ${e.line}: ${e.message}\n`);
    for (const w of report.warnings) out.write(`  warning line ${w.line}: ${w.message}\n`);
    if (report.written) out.write(`written: ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged\n`);
    else out.write(report.errors.length ? 'nothing written: fix the errors above and run again\n' : 'dry run: nothing written\n');
    process.exitCode = report.errors.length ? 1 : 0;
  } finally {
    await database.close();
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `import failed: ${(error as Error).message}`}\n`);
  process.exit(1);
}
