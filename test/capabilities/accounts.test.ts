import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { accounts } from '../../db/schema/accounts.ts';
import { feedback } from '../../db/schema/feedback.ts';
import { members } from '../../db/schema/members.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { addSecondTeam } from '../support/teams.ts';

async function accountCount(t: TestApp): Promise<number> {
  const [row] = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(accounts);
  return row!.n;
}

async function accountNamed(t: TestApp, name: string) {
  const [row] = await t.database.db.select().from(accounts).where(sql`lower(${accounts.name}) = lower(${name})`);
  return row;
}

/** Lines of the account list that name an account, in order. */
function listedNames(text: string, names: string[]): string[] {
  return text.split('\n').map((line) => names.find((n) => line.startsWith(`- ${n} `))).filter((n): n is string => !!n);
}

describe.each(DATABASE_KINDS)('accounts (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
    await addSecondTeam(t);
  });
  afterAll(async () => { await t?.close(); });

  it('lists only what each role may see', async () => {
    const tom = t.text(await t.say('tom', '/kam account list'));
    expect(tom).toContain('Acme Corp');
    expect(tom).not.toContain('Globex');
    expect(tom).toContain('never touched');
    const mei = t.text(await t.say('mei', '/kam 客户 列表'));
    expect(mei).toContain('华东制造');
    expect(mei).toContain('Globex');
    expect(mei).not.toContain('Acme Corp');
    const wang = t.text(await t.say('wang', '/kam 客户'));
    for (const name of ['Acme Corp', '华东制造', 'Globex']) expect(wang).toContain(name);
    const li = t.text(await t.say('li', '/kam account list'));
    expect(li).toContain('No accounts yet');
  });

  it('a manager adds an account for their assistant, who is told by DM', async () => {
    const reply = t.text(await t.say('li', '/kam account add "Initech Ltd" tier=C assistant=@zoe notes="Prefers email"'));
    expect(reply).toContain('Added Initech Ltd (tier C, touch every 30 days)');
    const row = await accountNamed(t, 'Initech Ltd');
    expect(row).toMatchObject({ tier: 'C', cadenceDays: 30, notes: 'Prefers email' });
    const [li] = await t.database.db.select().from(members).where(sql`${members.externalId} = 'li'`);
    expect(row!.managerId).toBe(li!.id);
    await t.deliver();
    expect((await t.inbox('zoe')).some((line) => line.includes('Initech Ltd'))).toBe(true);
    expect(t.text(await t.say('zoe', '/kam account list'))).toContain('Initech Ltd');
    const liList = t.text(await t.say('li', '/kam account list'));
    expect(liList).toContain('Initech Ltd');
    expect(liList).not.toContain('Acme Corp');
  });

  it('adds Chinese names, with the default cadence of the tier', async () => {
    const reply = t.text(await t.say('wang', '/kam 客户 添加 上海贸易 tier=A'));
    expect(reply).toContain('已添加 上海贸易（A 级，每 7 天跟进一次）');
    expect(await accountNamed(t, '上海贸易')).toMatchObject({ tier: 'A', cadenceDays: 7, assistantId: null });
  });

  it('refuses duplicates (any case), bad tiers, bad cadences, long or missing names, and writes nothing', async () => {
    const before = await accountCount(t);
    const cases: Array<[string, string]> = [
      ['/kam account add initech ltd', 'already an account called "Initech Ltd"'],
      ['/kam account add "Initech\u200B Ltd"', 'already an account called "Initech Ltd"'],
      ['/kam account add Foo tier=D', '"D" is not a valid Tier'],
      ['/kam account add Foo cadence=0', 'not a valid cadence'],
      ['/kam account add Foo cadence=400', 'not a valid cadence'],
      ['/kam account add Foo cadence=weekly', 'not a valid cadence'],
      [`/kam account add ${'x'.repeat(121)}`, 'too long'],
      ['/kam account add tier=A', 'Please name the account'],
      ['/kam account add Foo assistant=@nobody', 'can\'t find the person'],
      ['/kam account add Foo assistant=@tom', 'not on your team'],
    ];
    for (const [command, expected] of cases) {
      const reply = t.text(await t.say('li', command));
      expect(reply, command).toContain(expected);
      expect(reply, command).toContain('Usage: /kam account');
    }
    expect(await accountCount(t)).toBe(before);
  });

  it('assistants cannot add, assign, change cadence or archive', async () => {
    const before = await accountCount(t);
    expect(t.text(await t.say('tom', '/kam account add Foo Bar'))).toContain('Only managers');
    expect(t.text(await t.say('tom', '/kam account assign Acme Corp @mei'))).toContain('Only managers');
    expect(t.text(await t.say('tom', '/kam account cadence Acme Corp 3'))).toContain('Only managers');
    expect(t.text(await t.say('tom', '/kam account archive Acme Corp'))).toContain('Only managers');
    expect(await accountCount(t)).toBe(before);
    expect(await accountNamed(t, 'Acme Corp')).toMatchObject({ cadenceDays: 7, archivedAt: null });
  });

  it('show gives details, the last touches, feedback and open next steps', async () => {
    await t.say('tom', '/kam touch Acme Corp call "Talked about renewal" next="Send the quote" due=2026-12-04');
    const acme = await accountNamed(t, 'Acme Corp');
    const [tom] = await t.database.db.select().from(members).where(sql`${members.externalId} = 'tom'`);
    await t.database.db.insert(feedback).values({
      workspaceId: acme!.workspaceId, accountId: acme!.id, memberId: tom!.id, score: 4, category: 'service',
      text: 'Quick answers from support', receivedAt: new Date('2026-11-29T09:00:00Z'),
    });
    const reply = t.text(await t.say('tom', '/kam account show Acme Corp'));
    expect(reply).toContain('Tier: A');
    expect(reply).toContain('every 7 days');
    expect(reply).toContain('Assistant: @Tom Baker');
    expect(reply).toContain('Call · Talked about renewal');
    expect(reply).toContain('4/5 · service · Quick answers from support');
    expect(reply).toMatch(/#\d+ Send the quote · due 2026-12-04/);
    expect(reply).toContain('last touch 2026-11-30 (0d ago)');
  });

  it('show refuses accounts of another assistant and suggests names for typos', async () => {
    expect(t.text(await t.say('tom', '/kam account show 华东制造'))).toContain('not one of your accounts');
    const typo = t.text(await t.say('tom', '/kam account show Acme Crop'));
    expect(typo).toContain('Did you mean: Acme Corp');
  });

  it('a manager assigns only to assistants on their own team; an admin to anyone', async () => {
    expect(t.text(await t.say('li', '/kam account assign Initech Ltd @tom'))).toContain('not on your team');
    expect((await accountNamed(t, 'Initech Ltd'))!.assistantId).not.toBeNull();
    expect(t.text(await t.say('li', '/kam account assign Globex @zoe'))).toContain('not one of your accounts');
    const reply = t.text(await t.say('wang', '/kam 客户 分配 上海贸易 @tom'));
    expect(reply).toContain('上海贸易');
    const [tom] = await t.database.db.select().from(members).where(sql`${members.externalId} = 'tom'`);
    expect((await accountNamed(t, '上海贸易'))!.assistantId).toBe(tom!.id);
    expect(t.text(await t.say('tom', '/kam account list'))).toContain('上海贸易');
  });

  it('sets the cadence (1–365) and notes, in English and Chinese', async () => {
    expect(t.text(await t.say('wang', '/kam account cadence Globex 10'))).toContain('每 10 天');
    expect((await accountNamed(t, 'Globex'))!.cadenceDays).toBe(10);
    expect(t.text(await t.say('wang', '/kam 客户 频率 Globex 366'))).toContain('不是有效的跟进频率');
    expect(t.text(await t.say('wang', '/kam account cadence Globex'))).toContain('跟进频率不能为空');
    expect((await accountNamed(t, 'Globex'))!.cadenceDays).toBe(10);
    expect(t.text(await t.say('mei', '/kam 客户 备注 华东制造 "采购周期在季度末"'))).toContain('已保存');
    expect(t.text(await t.say('mei', '/kam 客户 查看 华东制造'))).toContain('采购周期在季度末');
    expect(t.text(await t.say('tom', '/kam account notes 华东制造 "sneaky"'))).toContain('not one of your accounts');
    expect((await accountNamed(t, '华东制造'))!.notes).toBe('采购周期在季度末');
  });

  it('archives an account: it leaves the lists and can no longer be logged against', async () => {
    expect(t.text(await t.say('wang', '/kam 客户 归档 上海贸易'))).toContain('已归档');
    expect(t.text(await t.say('tom', '/kam account list'))).not.toContain('上海贸易');
    expect(t.text(await t.say('tom', '/kam touch 上海贸易 call "hi"'))).toContain('can\'t find an account');
    expect(t.text(await t.say('wang', '/kam account add 上海贸易'))).toContain('已归档的客户中已有');
    expect(t.text(await t.say('tom', '/kam account restore 上海贸易'))).toContain('Only managers');
    expect(t.text(await t.say('li', '/kam account restore 上海贸易'))).toContain('not one of your accounts');
    expect(t.text(await t.say('wang', '/kam 客户 恢复 Globex'))).toContain('没有名为“Globex”的已归档客户');
    expect(t.text(await t.say('wang', '/kam 客户 恢复 上海贸易'))).toContain('上海贸易 已恢复');
    expect(t.text(await t.say('tom', '/kam account list'))).toContain('上海贸易');
    await t.say('wang', '/kam 客户 归档 上海贸易');
  });

  it('never shows accounts of another workspace', async () => {
    const [other] = await t.database.db.insert(workspaces).values({ platform: 'slack', externalId: 'T-OTHER', name: 'Other' }).returning();
    await t.database.db.insert(accounts).values({ workspaceId: other!.id, name: 'Secret Co', tier: 'A', cadenceDays: 7 });
    expect(t.text(await t.say('wang', '/kam account list'))).not.toContain('Secret Co');
    expect(t.text(await t.say('wang', '/kam account show Secret Co'))).toContain('找不到名为“Secret Co”的客户');
    expect(t.text(await t.say('wang', '/kam touch Secret Co call "hello"'))).toContain('找不到');
    // The same name is free in this workspace.
    expect(t.text(await t.say('wang', '/kam account add Secret Co'))).toContain('已添加 Secret Co');
  });

  it('unknown subcommands and extra words get the usage', async () => {
    const reply = t.text(await t.say('tom', '/kam account frobnicate'));
    expect(reply).toContain('"frobnicate" is not something account can do');
    expect(reply).toContain('Usage: /kam account');
    expect(t.text(await t.say('tom', '/kam account show Acme Corp please'))).toContain('I didn\'t expect "please" here');
    expect(t.text(await t.say('tom', '/kam help account'))).toContain('/kam account add "Acme Corp" tier=A assistant=@tom');
    const help = t.text(await t.say('mei', '/kam 帮助 跟进'));
    expect(help).toContain('/kam 跟进 <客户> <电话|邮件|拜访|会议|问候|活动|其他>');
    expect(t.text(await t.say('mei', '/kam 帮助'))).toMatch(/account \(客户\)[\s\S]*touch \(跟进\)[\s\S]*visit \(拜访\)/);
    // An account name alone shows the account.
    expect(t.text(await t.say('tom', '/kam account acme corp'))).toContain('Tier: A');
  });
});

describe.each(DATABASE_KINDS)('account list order and overdue status (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => { await t?.close(); });

  it('sorts most overdue first, by calendar days in the viewer\'s zone', async () => {
    t.clock.advanceDays(2);
    await t.say('tom', '/kam touch Acme Corp call "Checked in"');
    t.clock.advanceDays(8);
    const text = t.text(await t.say('wang', '/kam account list'));
    // 华东制造: never touched, added 10 days ago, cadence 7 → 3 days overdue.
    // Acme Corp: touched 8 days ago, cadence 7 → 1 day overdue. Globex: cadence 14 → fine.
    expect(listedNames(text, ['Acme Corp', '华东制造', 'Globex'])).toEqual(['华东制造', 'Acme Corp', 'Globex']);
    expect(text).toContain('尚未跟进 · ⚠️ 已逾期 3 天');
    expect(text).toContain('最近跟进 2026-12-02（8 天前） · ⚠️ 已逾期 1 天');
    expect(text).toContain('✅ 4 天内需再跟进');
    expect(text).toContain('3 个客户中有 2 个需要尽快跟进');
  });

  it('long lists show the 50 most overdue and say how many there are', async () => {
    const [acme] = await t.database.db.select().from(accounts).where(sql`${accounts.name} = 'Acme Corp'`);
    await t.database.db.insert(accounts).values(Array.from({ length: 55 }, (_, i) => ({
      workspaceId: acme!.workspaceId, name: `Bulk ${String(i).padStart(2, '0')}`, tier: 'C' as const, cadenceDays: 30, managerId: acme!.managerId, createdAt: acme!.createdAt,
    })));
    const text = t.text(await t.say('wang', '/kam account list'));
    expect(text).toContain('客户（58）');
    expect(text).toContain('共 58 个客户，只显示逾期最多的 50 个');
    expect(listedNames(text, ['Acme Corp', '华东制造', 'Globex'])).toEqual(['华东制造', 'Acme Corp', 'Globex']);
  });
});
