import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfig } from '../../src/config.ts';

/**
 * `npm run bench [-- --scale=0.05] [--only=jobs,kpi]`: runs every benchmark module in this
 * folder (each exports `run(options)`) against the real PostgreSQL in DATABASE_URL. Each module
 * creates and drops its own database.
 */
export interface BenchOptions {
  /** 1 = full size (1,000 managers, 10,000 assistants, a year of data). */
  scale: number;
  /** PostgreSQL server URL; modules create their own database on it. */
  databaseUrl: string;
  /** Other `--key=value` arguments, for module-specific switches. */
  args: Record<string, string>;
}

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of argv) {
    const m = arg.match(/^--([\w-]+)(?:=(.*))?$/);
    if (m) out[m[1]!] = m[2] ?? 'true';
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scale = args.scale === undefined ? 1 : Number(args.scale);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1) {
    process.stderr.write(`--scale must be a number in (0, 1], got "${args.scale}"\n`);
    process.exit(1);
  }
  const config = loadConfig();
  if (!config.databaseUrl) {
    process.stderr.write('Benchmarks need the real PostgreSQL: set DATABASE_URL=postgres://…\n');
    process.exit(1);
  }
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const only = args.only?.split(',').map((s) => s.trim());
  const modules = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_'))
    .map((f) => f.replace(/\.ts$/, '')).filter((name) => !only || only.includes(name)).sort();
  for (const name of modules) {
    const mod = (await import(pathToFileURL(path.join(dir, `${name}.ts`)).href)) as { run?: (o: BenchOptions) => Promise<unknown> };
    if (typeof mod.run !== 'function') continue;
    process.stdout.write(`\n== bench: ${name} (scale ${scale}) ==\n`);
    await mod.run({ scale, databaseUrl: config.databaseUrl, args });
  }
}

// Only when run as the entry point (modules may import the BenchOptions type).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => { process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n${err instanceof Error && err.cause ? `cause: ${String(err.cause)}\n` : ''}`); process.exit(1); });
}
