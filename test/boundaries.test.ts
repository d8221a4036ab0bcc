import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Enforces the layer boundaries of docs/architecture.md by reading the sources. */
const ROOT = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

const files = [...sourceFiles('src'), ...sourceFiles('db')].map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }));
const imports = (text: string) => [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
const offenders = (test: (f: { file: string; text: string }) => boolean) => files.filter(test).map((f) => f.file);

describe('architecture boundaries', () => {
  it('only src/platforms/slack imports @slack/*', () => {
    expect(offenders((f) => !f.file.startsWith('src/platforms/slack/') && imports(f.text).some((i) => i.startsWith('@slack/')))).toEqual([]);
  });

  it('only src/platforms/lark imports @larksuiteoapi/*', () => {
    expect(offenders((f) => !f.file.startsWith('src/platforms/lark/') && imports(f.text).some((i) => i.startsWith('@larksuiteoapi/')))).toEqual([]);
  });

  it('only src/jobs/scheduler.ts imports node-cron', () => {
    expect(offenders((f) => f.file !== 'src/jobs/scheduler.ts' && imports(f.text).includes('node-cron'))).toEqual([]);
  });

  it('only src/config.ts reads process.env', () => {
    expect(offenders((f) => f.file !== 'src/config.ts' && /process\.env/.test(f.text))).toEqual([]);
  });

  it('capabilities and chat never import platforms', () => {
    expect(offenders((f) => /^src\/(capabilities|chat|delivery|jobs|lib)\//.test(f.file) && imports(f.text).some((i) => i.includes('/platforms/')))).toEqual([]);
  });

  it('nothing reads the wall clock except the system clock', () => {
    const wallClock = /\bDate\.now\(\)|new Date\(\)/;
    expect(offenders((f) => f.file !== 'src/lib/clock.ts' && f.file !== 'src/main.ts' && wallClock.test(f.text))).toEqual([]);
  });

  it('every team table carries workspace_id', async () => {
    const schema = await import('../db/schema/index.ts');
    const { getTableConfig, PgTable } = await import('drizzle-orm/pg-core');
    const missing: string[] = [];
    for (const value of Object.values(schema)) {
      if (!(value instanceof PgTable)) continue;
      const config = getTableConfig(value);
      if (config.name === 'workspaces' || config.name.startsWith('slack_')) continue;
      if (!config.columns.some((c) => c.name === 'workspace_id')) missing.push(config.name);
    }
    expect(missing).toEqual([]);
  });
});
