import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.ts';
import { startApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createSilentLogger } from '../src/lib/logger.ts';
import { FakeClock } from './fakes/fake-clock.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const dirs: string[] = [];
const tempDir = () => { const d = mkdtempSync(path.join(tmpdir(), 'kam-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function say(url: string, user: string, text: string): Promise<string> {
  const res = await fetch(`${url}/console/api/messages`, { method: 'POST', body: JSON.stringify({ user, text }) });
  const body = (await res.json()) as { replies: Array<{ plain?: string }> };
  return body.replies.map((r) => r.plain ?? '').join('\n');
}

describe('server and operations', () => {
  it('keeps data across a restart on the embedded database', async () => {
    const dataDir = tempDir();
    const config = { ...loadConfig({ CONSOLE: 'on', SCHEDULER: 'off', DATA_DIR: dataDir }), port: 0 };
    const deps = { clock: new FakeClock(), logger: createSilentLogger() };
    const first = await startApp(config, deps);
    expect(await say(first.url, 'tom', '/kam settings language zh-CN')).toContain('简体中文');
    await first.close();
    const second = await startApp(config, deps);
    expect(await say(second.url, 'tom', '/kam whoami')).toContain('你是 Tom Baker');
    await second.close();
  });

  it('answers /healthz always and /readyz only while the database answers', async () => {
    const database = await openDatabase({});
    const config = { ...loadConfig({ CONSOLE: 'on', SCHEDULER: 'off' }), port: 0 };
    const app = await startApp(config, { clock: new FakeClock(), logger: createSilentLogger(), database });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${app.url}/nope`)).status).toBe(404);
    await database.close();
    expect((await fetch(`${app.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    await app.close();
  });

  it('starts with `npm start`, serves the console page, and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: '', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', SCHEDULER: 'off' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start banner:\n${output}`)), 60_000);
      const check = () => {
        const m = output.match(/KAM Bot console: (http:\/\/\S+)/);
        if (m) { clearTimeout(timer); resolve(m[1]!.replace('localhost', '127.0.0.1')); }
      };
      child.stdout.on('data', check);
      child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    expect(output).toContain('seeded the console demo team');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>KAM Bot');
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(output).toContain('shutting down');
  }, 90_000);

  it('refuses to start with a bad setting, in one clear line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: { ...process.env, PORT: 'abc' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('PORT must be an integer 1-65535, got "abc"');
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  }, 60_000);
});
