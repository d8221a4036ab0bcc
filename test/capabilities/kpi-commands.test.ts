import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../db/schema/accounts.ts';
import { members } from '../../db/schema/members.ts';
import { touches } from '../../db/schema/touches.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe.each(DATABASE_KINDS)('kpi command (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    // Sunday 2026-11-29 20:00 in London = Monday 04:00 in Shanghai.
    t = await startTestApp(kind, {}, '2026-11-29T20:00:00Z');
    await t.say('wang', 'hi');
    const db = t.database.db;
    const people = await db.select().from(members);
    const id = (ext: string) => people.find((p) => p.externalId === ext)!;
    const [acme] = await db.select().from(accounts).where(and(eq(accounts.workspaceId, id('tom').workspaceId), eq(accounts.name, 'Acme Corp')));
    const [hd] = await db.select().from(accounts).where(and(eq(accounts.workspaceId, id('mei').workspaceId), eq(accounts.name, '华东制造')));
    const touch = (ext: string, accountId: number, at: string, kind: 'call' | 'visit' = 'call') =>
      ({ workspaceId: id(ext).workspaceId, memberId: id(ext).id, accountId, kind, occurredAt: new Date(at) });
    await db.insert(touches).values([
      touch('tom', acme!.id, '2026-11-29T10:00:00Z', 'visit'), // Sunday in London: this week for Tom
      touch('tom', acme!.id, '2026-11-24T10:00:00Z'),
      touch('mei', hd!.id, '2026-11-29T10:00:00Z'), // Sunday 18:00 Shanghai: LAST week for Mei
      touch('mei', hd!.id, '2026-11-29T17:00:00Z'), // Monday 01:00 Shanghai: this week
    ]);
    await t.say('wang', '/kam target @tom touches=20 period=month');
  });
  afterAll(async () => { await t?.close(); });

  it('weeks follow each member\'s own time zone', async () => {
    const tom = t.text(await t.say('tom', '/kam kpi week'));
    expect(tom).toContain('2026-W48 (week)');
    expect(tom).toContain('Touches: 2');
    expect(tom).toContain('Visits: 1');
    const mei = t.text(await t.say('mei', '/kam 绩效 周'));
    expect(mei).toContain('2026-W49 (周)');
    expect(mei).toContain('客户维护次数: 1 ');
    expect(mei).toContain('按你的时区 Asia/Shanghai');
  });

  it('shows pace and an up arrow for a month ahead of last month', async () => {
    const tom = t.text(await t.say('tom', '/kam kpi month'));
    expect(tom).toContain('2026-11 (month)');
    expect(tom).toMatch(/Touches: 2 · target 20 · 10% · by today 1\d(\.\d)? · ↑/);
    expect(tom).toContain('Account coverage: 100% (1/1 accounts)');
  });

  it('a manager sees the whole team as a table and any member\'s card; assistants cannot', async () => {
    const table = t.text(await t.say('wang', '/kam kpi team week'));
    expect(table).toContain('团队绩效 · 周');
    expect(table).toContain('@Mei Chen (2026-W49)');
    expect(table).toContain('@Tom Baker (2026-W48)');
    expect(t.text(await t.say('wang', '/kam kpi @tom quarter'))).toContain('2026-Q4');
    expect(t.text(await t.say('mei', '/kam kpi team'))).toMatch(/只有|Only/);
    expect(t.text(await t.say('mei', '/kam kpi @tom'))).toContain('不在你的团队');
  });

  it('shows a past period by its label, and refuses a future one', async () => {
    const october = t.text(await t.say('tom', '/kam kpi 2026-W48'));
    expect(october).toContain('2026-W48 (week)');
    expect(october).toContain('Touches: 2');
    const q3 = t.text(await t.say('wang', '/kam kpi @tom 2026-Q3'));
    expect(q3).toContain('2026-Q3');
    expect(q3).toContain('已过 100%');
    expect(q3).not.toContain('按进度应达');
    expect(t.text(await t.say('tom', '/kam kpi 2027-01'))).toContain('2027-01');
  });

  it('explains a bad period with usage', async () => {
    const reply = t.text(await t.say('tom', '/kam kpi fortnight'));
    expect(reply).toContain('fortnight');
    expect(reply).toContain('Usage: /kam kpi');
  });

  it('an empty team gets a friendly hint instead of an empty table', async () => {
    await t.say('boss', 'hi');
    await t.say('wang', '/kam team role @boss manager');
    expect(t.text(await t.say('boss', '/kam kpi team'))).toMatch(/no assistants yet|还没有助理/);
  });
});
