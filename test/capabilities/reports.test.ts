import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members } from '../../db/schema/members.ts';
import { progressReports } from '../../db/schema/reports.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

interface FormJson { id: string; title: string; state?: string; fields: Array<{ name: string; initial?: string }> }

describe.each(DATABASE_KINDS)('progress reports (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind); });
  afterAll(async () => { await t?.close(); });

  const reportsOf = async (handle: string) => t.database.db
    .select({ kind: progressReports.periodKind, key: progressReports.periodKey, done: progressReports.done, next: progressReports.next, blockers: progressReports.blockers, editedAt: progressReports.editedAt })
    .from(progressReports).innerJoin(members, eq(members.id, progressReports.memberId))
    .where(eq(members.externalId, handle)).orderBy(asc(progressReports.id));
  const total = async () => (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(progressReports))[0]!.n;
  const formOf = (r: { forms: unknown[] }) => r.forms[0] as FormJson;

  it('opens an empty form, shows inline errors, saves, then reopens it prefilled for editing', async () => {
    // Monday 2026-11-30 10:00 in Shanghai.
    const opened = formOf(await t.say('mei', '/kam 汇报'));
    expect(opened.id).toBe('reports.submit');
    expect(opened.state).toBe('day:2026-11-30');
    expect(opened.title).toContain('2026-11-30 日报');
    expect(opened.fields.map((f) => [f.name, f.initial])).toEqual([['done', ''], ['next', ''], ['blockers', '']]);

    const empty = await t.submit('mei', 'reports.submit', { done: ' ', next: '', blockers: '' }, opened.state);
    expect(empty.formErrors?.done).toContain('至少填写');
    const long = await t.submit('mei', 'reports.submit', { done: 'ok', next: 'n'.repeat(2001), blockers: '' }, opened.state);
    expect(long.formErrors?.next).toContain('2001');
    expect(await total()).toBe(0);

    const saved = await t.submit('mei', 'reports.submit', { done: '整理华东制造报价', next: '拜访 Globex', blockers: '' }, opened.state, 'report-nonce-1');
    expect(t.text(saved)).toContain('已保存你的2026-11-30 日报');
    expect((await t.submit('mei', 'reports.submit', { done: 'x', next: '', blockers: '' }, opened.state, 'report-nonce-1')).duplicate).toBe(true);

    const again = formOf(await t.say('mei', '/kam 汇报 编辑'));
    expect(again.title).toContain('编辑');
    expect(again.fields.map((f) => f.initial)).toEqual(['整理华东制造报价', '拜访 Globex', '']);
    const edited = await t.submit('mei', 'reports.submit', { done: '整理华东制造报价', next: '拜访 Globex', blockers: '等待价格审批' }, again.state);
    expect(t.text(edited)).toContain('已编辑');
    expect(await reportsOf('mei')).toEqual([expect.objectContaining({ kind: 'day', key: '2026-11-30', blockers: '等待价格审批' })]);
  });

  it('takes done/next/blockers options and edits only the parts given', async () => {
    const first = t.text(await t.say('tom', '/kam report done="Sent Acme the quote" next="Call Acme on Friday"'));
    expect(first).toContain('Saved your daily report 2026-11-30');
    const second = t.text(await t.say('tom', '/kam report blockers="Waiting for pricing"'));
    expect(second).toContain('Edited your daily report 2026-11-30');
    const rows = await reportsOf('tom');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ done: 'Sent Acme the quote', next: 'Call Acme on Friday', blockers: 'Waiting for pricing' });
    expect(rows[0]!.editedAt).not.toBeNull();
  });

  it('takes free text split by | for a weekly report', async () => {
    const reply = t.text(await t.say('tom', '/kam report week "Closed 2 renewals" | "Plan Q1 visits" | none'));
    expect(reply).toContain('Saved your weekly report 2026-W49');
    expect((await reportsOf('tom')).find((r) => r.kind === 'week')).toMatchObject({ key: '2026-W49', done: 'Closed 2 renewals', next: 'Plan Q1 visits', blockers: 'none' });
    const single = t.text(await t.say('mei', '/kam 汇报 周 本周完成三次拜访'));
    expect(single).toContain('2026-W49 周报');
    expect((await reportsOf('mei')).find((r) => r.kind === 'week')).toMatchObject({ done: '本周完成三次拜访', next: '', blockers: '' });
    const weekForm = formOf(await t.say('tom', '/kam report week'));
    expect(weekForm.state).toBe('week:2026-W49');
    expect(weekForm.fields.map((f) => f.initial)).toEqual(['Closed 2 renewals', 'Plan Q1 visits', 'none']);
    expect(formOf(await t.say('tom', '/kam report edit week')).state).toBe('week:2026-W49');
    expect(formOf(await t.say('tom', '/kam report day')).state).toBe('day:2026-11-30');
  });

  it('refuses bad input with the usage and writes nothing', async () => {
    const before = await total();
    const cases: Array<[string, RegExp]> = [
      ['/kam report done=""', /at least one/],
      ['/kam report " " | " "', /at least one/],
      [`/kam report done="${'d'.repeat(2001)}"`, /Done is too long \(2001 characters; the limit is 2000\)/],
      ['/kam report a | b | c | d', /three parts at most/],
      ['/kam report done="x" and more', /didn't expect/],
    ];
    for (const [text, expected] of cases) {
      const reply = t.text(await t.say('tom', text));
      expect(reply, text).toMatch(expected);
      expect(reply, text).toContain('Usage: /kam report');
    }
    expect(await total()).toBe(before);
    expect(t.text(await t.submit('tom', 'reports.submit', { done: 'late' }, 'day:2026-09-01'))).toContain('Please open it again');
    expect(t.text(await t.submit('tom', 'reports.submit', { done: 'future' }, 'day:2026-12-01'))).toContain('Please open it again');
    expect(t.text(await t.submit('tom', 'reports.submit', { done: 'bad date' }, 'day:2026-02-30'))).toContain('Please open it again');
    expect(t.text(await t.submit('tom', 'reports.submit', { done: 'forged' }, 'month:2026-11'))).toContain('Please open it again');
    expect(await total()).toBe(before);
  });

  it('keeps one report per local day: Shanghai and London cross midnight at different instants', async () => {
    // 15:30 UTC: 23:30 in Shanghai, 15:30 in London, both still Monday 2026-11-30.
    t.clock.set('2026-11-30T15:30:00Z');
    expect(t.text(await t.say('mei', '/kam 汇报 完成=晚上补写了纪要'))).toContain('已编辑你的2026-11-30 日报');
    // 16:30 UTC: already Tuesday in Shanghai, still Monday in London.
    t.clock.set('2026-11-30T16:30:00Z');
    expect(t.text(await t.say('mei', '/kam 汇报 完成=新的一天'))).toContain('已保存你的2026-12-01 日报');
    expect(t.text(await t.say('tom', '/kam report next="Prepare the QBR deck"'))).toContain('Edited your daily report 2026-11-30');
    // 00:30 UTC Tuesday: Tuesday in London too.
    t.clock.set('2026-12-01T00:30:00Z');
    expect(t.text(await t.say('tom', '/kam report done="Early start"'))).toContain('Saved your daily report 2026-12-01');
    expect((await reportsOf('mei')).filter((r) => r.kind === 'day').map((r) => r.key)).toEqual(['2026-11-30', '2026-12-01']);
    expect((await reportsOf('tom')).filter((r) => r.kind === 'day').map((r) => r.key)).toEqual(['2026-11-30', '2026-12-01']);
  });

  it('keeps one report per ISO week in each zone, including the week-53 turn of the year', async () => {
    // Sunday 2026-12-06 15:30 UTC: Sunday 23:30 in Shanghai (still W49).
    t.clock.set('2026-12-06T15:30:00Z');
    expect(t.text(await t.say('mei', '/kam 汇报 周 阻碍=无'))).toContain('已编辑你的2026-W49 周报');
    // 16:30 UTC: Monday 2026-12-07 in Shanghai (W50), Sunday afternoon in London (W49).
    t.clock.set('2026-12-06T16:30:00Z');
    expect(t.text(await t.say('mei', '/kam 汇报 周 完成=新一周'))).toContain('已保存你的2026-W50 周报');
    expect(t.text(await t.say('tom', '/kam report week blockers="none"'))).toContain('Edited your weekly report 2026-W49');
    // 2027-01-03 is a Sunday: London is still in 2026-W53 while Shanghai is in 2027-W01.
    t.clock.set('2027-01-03T16:30:00Z');
    expect(t.text(await t.say('mei', '/kam 汇报 周 完成=新年第一周'))).toContain('2027-W01');
    expect(t.text(await t.say('tom', '/kam report week done="Year-end wrap-up"'))).toContain('Saved your weekly report 2026-W53');
    expect((await reportsOf('mei')).filter((r) => r.kind === 'week').map((r) => r.key)).toEqual(['2026-W49', '2026-W50', '2027-W01']);
    expect((await reportsOf('tom')).filter((r) => r.kind === 'week').map((r) => r.key)).toEqual(['2026-W49', '2026-W53']);
  });

  it('shows reports: assistants their own only, managers their team', async () => {
    t.clock.set('2026-12-01T03:00:00Z');
    const own = t.text(await t.say('mei', '/kam 汇报 查看'));
    expect(own).toContain('Mei Chen · 2026-12-01 日报');
    expect(own).toContain('新的一天');
    expect(own).toContain('Mei Chen · 2026-W49 周报');
    expect(t.text(await t.say('mei', '/kam 汇报 查看 昨天'))).toContain('晚上补写了纪要');
    expect(t.text(await t.say('mei', '/kam 汇报 查看 上周'))).toContain('还没有提交2026-W48 周报');
    expect(t.text(await t.say('mei', '/kam 汇报 查看 @tom'))).toContain('不在你的团队');
    expect(t.text(await t.say('tom', '/kam report show @mei day'))).toContain('not on your team');

    const team = t.text(await t.say('wang', '/kam 汇报 查看'));
    expect(team).toContain('团队日报');
    expect(team).toContain('@Mei Chen · 2026-12-01');
    expect(team).toContain('@Tom Baker · 2026-12-01');
    expect(team).toContain('已提交 2/2');

    const tomMonday = t.text(await t.say('wang', '/kam report show @tom 2026-11-30'));
    expect(tomMonday).toContain('Tom Baker · 2026-11-30 日报');
    expect(tomMonday).toContain('Prepare the QBR deck');
    expect(tomMonday).toContain('编辑于');
    const week = t.text(await t.say('wang', '/kam report show @mei week'));
    expect(week).toContain('2026-W49 周报');
    expect(week).toContain('本周完成三次拜访');
    expect(t.text(await t.say('wang', '/kam report show @tom 2026-W53'))).toContain('Year-end wrap-up');
    expect(t.text(await t.say('tom', '/kam report show 2026-11-29'))).toContain('No daily report 2026-11-29 from @Tom Baker yet');
    expect(t.text(await t.say('tom', '/kam report show someday'))).toContain('"someday" is not a person');
  });

  it('a reminder\'s form for a recent missed day still saves to that day', async () => {
    t.clock.set('2026-12-03T02:00:00Z');
    const saved = t.text(await t.submit('wang', 'reports.submit', { done: '补交：周一的客户会议', next: '', blockers: '' }, 'day:2026-11-30'));
    expect(saved).toContain('2026-11-30 日报');
    expect(await reportsOf('wang')).toEqual([expect.objectContaining({ kind: 'day', key: '2026-11-30', done: '补交：周一的客户会议' })]);
  });

  it('has help in both languages', async () => {
    expect(t.text(await t.say('tom', '/kam help report'))).toContain('/kam report [day|week]');
    expect(t.text(await t.say('mei', '/kam 帮助 汇报'))).toContain('/kam 汇报 [日|周]');
  });
});
