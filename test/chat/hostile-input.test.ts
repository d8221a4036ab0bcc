import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../db/client.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

/** A deterministic pseudo-random generator, so a failure can be reproduced. */
function rng(seed: number) {
  let x = seed >>> 0;
  return () => { x = (x * 1664525 + 1013904223) >>> 0; return x / 2 ** 32; };
}

const NASTY = [
  '"', "'", '“', '」', '\\', '`', '<@m:999999>', '<@m:1>', '<@x:UEVIL>', '@', '@nobody', '#', '=', 'score=', 'due=',
  "'; drop table members; --", '1 OR 1=1', '$(rm -rf /)', '${process.exit()}', '<script>alert(1)</script>', '{{7*7}}',
  '\u202Eevil\u202C', 'مرحبا', '\u200B', '\u0000', '\uFEFF', '😀🎉🔥', '👨‍👩‍👧‍👦', '𝕂𝔸𝕄', '华东制造', '昨天', '2026-02-30',
  '9999-99-99', '-1', '0', '6', '1e309', 'NaN', 'Infinity', '-0', '99999999999999999999', '%s%n', '\n', '\t', '　',
  'complaint', 'week', 'month', 'quarter', '--dry-run', 'to', 'A', 'Z', 'Acme', 'Acme Corp', 'Globex', 'call', 'visit',
];

describe.each(DATABASE_KINDS)('hostile and random command input (%s)', (kind) => {
  let t: TestApp;
  let commands: string[];
  let tables: string[];
  beforeAll(async () => {
    t = await startTestApp(kind);
    commands = t.app.runtime.registry.commandNames().filter((c) => !['help', '帮助', '?', 'h', '？'].includes(c));
    const rows = await queryRows<{ name: string }>(t.database.db, sql`
      select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'processed_events'`);
    tables = rows.map((r) => r.name);
  });
  afterAll(async () => { await t?.close(); });

  async function rowCounts(): Promise<string> {
    const parts = tables.map((name) => sql`(select count(*)::int from ${sql.identifier(name)})`);
    const [row] = await queryRows<{ counts: number[] }>(t.database.db, sql`select array[${sql.join(parts, sql`, `)}] as counts`);
    return JSON.stringify(row!.counts);
  }

  it('never crashes, never leaks a stack trace, and writes nothing when it refuses', async () => {
    const random = rng(kind === 'pglite' ? 42 : 7);
    const pick = <T,>(list: T[]) => list[Math.floor(random() * list.length)]!;
    const users = ['mei', 'tom', 'wang'];
    let refused = 0;
    const iterations = 1200;
    for (let i = 0; i < iterations; i += 1) {
      const words: string[] = [];
      const shape = random();
      if (shape < 0.05) words.push('x'.repeat(10_240));
      else if (shape < 0.1) words.push(Array.from({ length: 40 }, () => pick(NASTY)).join(''));
      else {
        words.push(pick(commands));
        const n = Math.floor(random() * 6);
        for (let k = 0; k < n; k += 1) words.push(random() < 0.7 ? pick(NASTY) : String.fromCharCode(Math.floor(random() * 0xffff)));
      }
      const text = `/kam ${words.join(random() < 0.8 ? ' ' : '')}`;
      const before = await rowCounts();
      const response = await t.say(pick(users), text);
      const reply = t.text(response);
      expect(reply, text.slice(0, 200)).not.toMatch(/reference [0-9a-f]{8}|参考编号|at \w+ \(.*:\d+:\d+\)|Error:/);
      if (reply.startsWith('⚠️')) {
        refused += 1;
        expect(await rowCounts(), `refused input wrote data: ${text.slice(0, 200)}`).toBe(before);
      }
    }
    // Most random input must be refused politely rather than silently accepted.
    expect(refused).toBeGreaterThan(iterations / 2);
    const health = await fetch(`${t.app.url}/healthz`);
    expect(health.status).toBe(200);
  }, 300_000);

  it('refuses a 10 KB line with a clear limit message', async () => {
    const reply = t.text(await t.say('mei', `/kam touch ${'长'.repeat(10_000)}`));
    expect(reply).toMatch(/too long|太长/);
  });

  it('answers malformed console API bodies with 400, not a crash', async () => {
    for (const body of ['not json', '{"user": 5}', '{"user":"mei"}', '{"user":"../../etc","text":"x"}', '[]', 'null']) {
      const res = await fetch(`${t.app.url}/console/api/messages`, { method: 'POST', body });
      expect(res.status, body).toBe(400);
    }
    const huge = await fetch(`${t.app.url}/console/api/messages`, { method: 'POST', body: 'x'.repeat(300_000) });
    expect([400, 413]).toContain(huge.status);
  });
});
