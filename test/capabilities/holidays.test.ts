import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts } from '../../db/schema/accounts.ts';
import { touches } from '../../db/schema/touches.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { enqueueGreetingReminders } from '../../src/capabilities/holidays/commands.ts';
import { greetingRemindersDue, isWorkingDay, workingDayMap } from '../../src/capabilities/holidays/service.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { consoleWorkspaceId } from '../support/records.ts';
import { startTestApp, type ConsoleEntryJson, type TestApp } from '../support/app.ts';

describe.each(DATABASE_KINDS)('holidays and greetings (%s)', (kind) => {
  let t: TestApp;
  let workspaceId: number;
  const scope = () => ({ db: t.database.db, workspaceId, now: t.clock.now() });
  const entries = (user: string, conversation?: string): Promise<ConsoleEntryJson[]> => t.entries(user, conversation);

  beforeAll(async () => {
    t = await startTestApp(kind);
    workspaceId = await consoleWorkspaceId(t);
  });
  afterAll(async () => { await t?.close(); });

  it('ships China 2026 with make-up working days: weekends off unless 调休, holidays off', async () => {
    const s = scope();
    expect(await isWorkingDay(s, '2026-02-14')).toBe(true); // Saturday, make-up day for 春节
    expect(await isWorkingDay(s, '2026-02-16')).toBe(false); // Monday in 春节
    expect(await isWorkingDay(s, '2026-10-07')).toBe(false); // 国庆
    expect(await isWorkingDay(s, '2026-10-10')).toBe(true); // Saturday make-up day
    expect(await isWorkingDay(s, '2026-10-11')).toBe(false); // ordinary Sunday
    expect(await isWorkingDay(s, '2026-12-01')).toBe(true); // ordinary Tuesday
    expect(await isWorkingDay(s, '2026-12-25')).toBe(true); // Christmas is not a Chinese holiday
    expect(await isWorkingDay(s, '2026-12-25', 'cn+intl')).toBe(false);
    const map = await workingDayMap(s, ['2026-01-01', '2026-01-04', '2026-05-09', '2026-05-11', '2027-02-08']);
    expect(Object.fromEntries(map)).toEqual({ '2026-01-01': false, '2026-01-04': true, '2026-05-09': true, '2026-05-11': true, '2027-02-08': false });
  });

  it('lists the calendar with ranges, make-up days and provisional 2027 dates', async () => {
    const y2026 = t.text(await t.say('tom', '/kam holidays list 2026'));
    expect(y2026).toContain('2026-02-15 – 02-23 Spring Festival · holiday');
    expect(y2026).toContain('2026-02-14 Spring Festival · make-up working day');
    expect(y2026).toContain('2026-10-01 – 10-07 National Day · holiday');
    const upcoming = t.text(await t.say('wang', '/kam 节日'));
    expect(upcoming).toContain('2027-02-05 – 02-08 春节 · 假日, 暂定');
    expect(t.text(await t.say('tom', '/kam holidays check 2026-10-10'))).toContain('2026-10-10 is a make-up working day (National Day): reminders and schedules run.');
  });

  it('admins add holidays and make-up days and remove them; assistants cannot', async () => {
    const refused = t.text(await t.say('tom', '/kam holidays add 2026-12-24 "Party"'));
    expect(refused).toMatch(/Only/);
    expect(await isWorkingDay(scope(), '2026-12-24')).toBe(true);
    expect(t.text(await t.say('wang', '/kam 节日 添加 2026-12-24 "公司周年庆"'))).toContain('已将 2026-12-24“公司周年庆”设为假日');
    expect(await isWorkingDay(scope(), '2026-12-24')).toBe(false);
    expect(t.text(await t.say('wang', '/kam holidays workday 2026-12-26 "年终结算"'))).toContain('调休上班日');
    expect(await isWorkingDay(scope(), '2026-12-26')).toBe(true);
    expect(t.text(await t.say('wang', '/kam holidays remove 2026-12-24'))).toContain('已恢复为普通日子');
    expect(await isWorkingDay(scope(), '2026-12-24')).toBe(true);
    // Removing a built-in holiday clears it for this workspace only.
    await t.say('wang', '/kam holidays remove 2026-10-05');
    expect(await isWorkingDay(scope(), '2026-10-05')).toBe(true);
    // Another workspace keeps the built-in calendar.
    const [other] = await t.database.db.insert(workspaces).values({ platform: 'slack', externalId: 'T-OTHER', name: 'Other' }).returning();
    expect(await isWorkingDay({ ...scope(), workspaceId: other!.id }, '2026-10-05')).toBe(false);
    expect(await isWorkingDay({ ...scope(), workspaceId: other!.id }, '2026-10-05', 'none')).toBe(true);
    expect(t.text(await t.say('wang', '/kam holidays remove 2026-12-02'))).toContain('无需删除');
    const bad = t.text(await t.say('wang', '/kam holidays add someday "x"'));
    expect(bad).toContain('someday');
    expect(bad).toContain('用法');
    expect(t.text(await t.say('wang', '/kam holidays add 2026-12-31'))).toContain('请用引号给出名称');
    expect(t.text(await t.say('wang', '/kam holidays calendar mars'))).toContain('cn+intl');
    expect(t.text(await t.say('wang', '/kam holidays calendar cn+intl'))).toContain('中国法定节假日 + 元旦和圣诞节');
    expect(await isWorkingDay(scope(), '2026-12-25')).toBe(false);
  });

  it('reminds each assistant before a festival with one-click greeting touches, once per account', async () => {
    t.clock.set('2026-12-22T01:00:00Z'); // Dec 22 in Shanghai and London: Christmas in 3 days
    const due = await greetingRemindersDue(scope());
    const byHandle = new Map(due.map((d) => [d.member.externalId, d]));
    expect(byHandle.get('mei')).toMatchObject({ festival: 'christmas', festivalDate: '2026-12-25', daysLeft: 3 });
    expect(byHandle.get('mei')!.accounts.map((a) => a.name).sort()).toEqual(['Globex', '华东制造']);
    expect(byHandle.get('tom')!.accounts.map((a) => a.name)).toEqual(['Acme Corp']);
    expect(byHandle.has('wang')).toBe(false);

  });

  it('delivers the reminder and logs a greeting touch with one click', async () => {
    const { createOutbox } = await import('../../src/delivery/outbox.ts');
    const outbox = createOutbox();
    const translator = (locale: 'en' | 'zh-CN') => t.app.runtime.translator(locale);
    expect(await enqueueGreetingReminders(scope(), outbox, translator)).toBe(2);
    expect(await enqueueGreetingReminders(scope(), outbox, translator)).toBe(0);
    await t.deliver();
    const reminder = (await entries('mei')).find((e) => e.plain?.includes('圣诞节快到了'))!;
    expect(reminder.plain).toContain('还有 3 天');
    expect(reminder.plain).toContain('[记录问候 · 华东制造]');
    const button = (reminder.message?.blocks ?? []).flatMap((b) => b.buttons ?? []).find((b) => b.label === '记录问候 · 华东制造')!;
    expect(t.text(await t.click('mei', button.action, button.value, reminder.id))).toContain('已为 华东制造 记录圣诞节问候');
    expect(t.text(await t.click('mei', button.action, button.value))).toContain('已经记录过了');
    expect(t.text(await t.click('tom', button.action, button.value))).toContain('not one of your accounts');
    const [account] = await t.database.db.select().from(accounts).where(and(eq(accounts.workspaceId, workspaceId), eq(accounts.name, '华东制造')));
    const logged = await t.database.db.select().from(touches).where(and(eq(touches.accountId, account!.id), eq(touches.kind, 'greeting')));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.summary).toBe('圣诞节问候');
    const left = (await greetingRemindersDue(scope())).find((d) => d.member.externalId === 'mei')!;
    expect(left.accounts.map((a) => a.name)).toEqual(['Globex']);
  });

  it('admins choose the festivals and the lead time', async () => {
    expect(t.text(await t.say('tom', '/kam holidays greetings'))).toContain('Reminders come 3 days before: Spring Festival, Mid-Autumn Festival, National Day, New Year\'s Day, Christmas');
    expect(t.text(await t.say('tom', '/kam holidays greetings days 5'))).toMatch(/Only/);
    expect(t.text(await t.say('wang', '/kam 节日 问候 节日 春节 中秋'))).toContain('提前 3 天提醒：春节, 中秋节');
    expect(await greetingRemindersDue(scope())).toEqual([]);
    expect(t.text(await t.say('wang', '/kam holidays greetings festivals easter'))).toContain('easter');
    expect(t.text(await t.say('wang', '/kam holidays greetings days 45'))).toContain('0 到 30');
    t.clock.set('2027-01-31T02:00:00Z'); // Spring Festival 2027-02-06 is 6 days away
    expect(await greetingRemindersDue(scope())).toEqual([]);
    await t.say('wang', '/kam holidays greetings days 7');
    const due = await greetingRemindersDue(scope());
    expect(due.map((d) => [d.member.externalId, d.festival, d.daysLeft]).sort()).toEqual([['mei', 'spring_festival', 6], ['tom', 'spring_festival', 6]]);
  });
});
