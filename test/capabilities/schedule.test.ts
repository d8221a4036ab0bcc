import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../db/client.ts';
import { meetingPromptsJob } from '../../src/jobs/meeting-prompts.ts';
import { jobContext } from '../jobs/meeting-support.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { addOverdueStep, count, db, startScheduleHarness, type ScheduleHarness } from '../jobs/schedule-support.ts';

describe.each(DATABASE_KINDS)('schedule, leave and admin commands (%s)', (kind) => {
  let h: ScheduleHarness;
  const say = (user: string, text: string, conversation?: string) => h.t.say(user, text, conversation).then((r) => h.t.text(r));
  const outboxCount = async () => Number((await queryRows<{ n: number }>(db(h.t), sql`select count(*)::int as n from outbox`))[0]!.n);
  const runCount = async () => Number((await queryRows<{ n: number }>(db(h.t), sql`select count(*)::int as n from job_runs`))[0]!.n);
  let step: { accountId: number; touchId: number };

  beforeAll(async () => {
    h = await startScheduleHarness(kind, '2026-11-30T02:00:00Z'); // Monday, 10:00 in Shanghai
    step = await addOverdueStep(h.t, 'mei', '发送报价单', '2026-11-25');
  });
  afterAll(async () => { await h?.close(); });

  it('shows reminder settings in the member\'s language', async () => {
    const zh = await say('mei', '/kam 提醒设置');
    expect(zh).toContain('你的提醒设置');
    expect(zh).toContain('09:30');
    expect(await say('tom', '/kam schedule')).toContain('Your reminder settings');
  });

  it('changes the nudge time, switches nudges off and on, and refuses nonsense', async () => {
    expect(await say('tom', '/kam schedule nudges 10:15')).toContain('10:15 (Europe/London)');
    expect(await say('tom', '/kam schedule')).toContain('on, 10:15');
    const bad = await say('tom', '/kam schedule nudges maybe');
    expect(bad).toContain('"maybe"');
    expect(bad).toContain('Usage: /kam schedule');
    expect(await say('tom', '/kam schedule nudges off')).toContain('no more daily nudges');
    expect(await say('tom', '/kam schedule')).toMatch(/Daily nudge: off/);
    expect(await say('tom', '/kam schedule nudges on')).toContain('10:15');
  });

  it('sets and clears quiet hours; a bad range changes nothing', async () => {
    expect(await say('tom', '/kam schedule quiet 22:00-07:00')).toContain('22:00 and 07:00');
    expect(await say('tom', '/kam schedule quiet 25:00-07:00')).toContain('not a time range');
    expect(await say('tom', '/kam schedule')).toContain('22:00–07:00');
    expect(await say('tom', '/kam schedule quiet off')).toContain('no quiet hours');
  });

  it('managers set their weekly meeting; assistants cannot', async () => {
    expect(await say('mei', '/kam 提醒设置 周会 周一 10:00')).toContain('只有经理');
    expect(await say('wang', '/kam 提醒设置 周会 周一 10:00')).toContain('周一 10:00');
    expect(await say('wang', '/kam 提醒设置 周会 周八 10:00')).toContain('不是星期');
    expect(await say('wang', '/kam 提醒设置')).toContain('周一 10:00');
  });

  it('a manager can switch the weekly meeting off, and no prompts go to the team', async () => {
    await say('wang', '/kam 提醒设置 周会 关闭');
    expect(await say('wang', '/kam 提醒设置')).toContain('不开周会');
    const prompts = await meetingPromptsJob.run(jobContext(h.t), { now: new Date('2026-12-04T08:01:00Z'), dryRun: true });
    expect(prompts.previews).toHaveLength(0);
    await say('wang', '/kam 提醒设置 周会 周一 10:00');
    const back = await meetingPromptsJob.run(jobContext(h.t), { now: new Date('2026-12-04T08:01:00Z'), dryRun: true });
    expect(back.previews.length).toBeGreaterThan(0);
  });

  it('leave: add, tell the manager, refuse overlaps and bad dates, list and cancel', async () => {
    const added = await say('tom', '/kam leave 2026-12-24 2026-12-31');
    expect(added).toMatch(/Leave #\d+: 2026-12-24 → 2026-12-31 \(8 days\)/);
    await h.t.deliver();
    expect((await h.t.inbox('wang')).some((l) => l.includes('请假') && l.includes('2026-12-24'))).toBe(true);
    expect(await say('tom', '/kam leave 2026-12-30 2027-01-02')).toContain('overlaps leave');
    expect(await say('tom', '/kam leave 2026-12-10 2026-12-01')).toContain('before it starts');
    expect(await say('tom', '/kam leave 2026-11-01 2026-11-02')).toContain('in the past');
    expect(await say('tom', '/kam leave someday')).toContain('"someday" is not a date');
    const list = await say('tom', '/kam leave list');
    const id = list.match(/#(\d+) 2026-12-24/)![1];
    expect(await say('mei', `/kam 请假 取消 ${id}`)).toContain('不在你的团队');
    expect(await say('tom', `/kam leave cancel ${id}`)).toContain('cancelled');
    expect(await say('tom', '/kam leave')).toContain('No leave planned');
    expect(await say('mei', '/kam 请假 明天')).toContain('2026-12-01');
    // A manager records leave for an assistant on the team.
    expect(await say('wang', '/kam 请假 @tom 2026-12-28 2026-12-29')).toContain('@Tom Baker');
    expect(await say('tom', '/kam leave list')).toContain('2026-12-28 → 2026-12-29');
  });

  it('admin jobs lists schedules and recent runs; others are refused', async () => {
    expect(await say('tom', '/kam admin jobs')).toMatch(/Only|只有/);
    const jobs = await say('wang', '/kam admin jobs');
    expect(jobs).toContain('nudges');
    expect(jobs).toContain('report-reminders');
    expect(jobs).toContain('*/5 * * * *');
  });

  it('admin run --dry-run previews the nudge without writing or sending anything', async () => {
    const [outboxBefore, runsBefore] = [await outboxCount(), await runCount()];
    const preview = await say('wang', '/kam admin run nudges @mei --dry-run');
    expect(preview).toContain('发送报价单');
    expect(preview).toContain('1');
    expect(await outboxCount()).toBe(outboxBefore);
    expect(await runCount()).toBe(runsBefore);
    expect(await say('wang', '/kam admin run nudge @mei')).toContain('没有“nudge”这个任务');
  });

  it('admin run sends the nudge now, once; running it again sends nothing', async () => {
    expect(await say('wang', '/kam admin run nudges @mei')).toMatch(/1 人到期，1 条消息/);
    await h.t.deliver();
    expect(await count(h.t, 'mei', '今天有')).toBe(1);
    expect(await say('wang', '/kam admin run nudges @mei')).toContain('没有到期');
    await h.t.deliver();
    expect(await count(h.t, 'mei', '今天有')).toBe(1);
    // The run shows up in the jobs list, with whom it was for.
    const jobs = await say('wang', '/kam admin jobs');
    expect(jobs).toMatch(/nudges · @Mei Chen · 2026-11-30 · 1 条/);
  });

  it('snooze hides an item for three days; mark done runs the touch action without losing the nudge', async () => {
    expect(h.t.text(await h.t.click('mei', 'nudge.snooze', `step:${step.touchId}`))).toContain('2026-12-02');
    h.t.clock.set('2026-12-01T02:00:00Z');
    expect(await say('wang', '/kam admin run nudges @mei --dry-run')).not.toContain('发送报价单');
    h.t.clock.set('2026-12-03T02:00:00Z');
    expect(await say('wang', '/kam admin run nudges @mei --dry-run')).toContain('发送报价单');
    const done = await h.t.click('mei', 'nudge.act', `touch.done:${step.touchId}`);
    expect(h.t.text(done)).toContain('发送报价单');
    expect(await say('wang', '/kam admin run nudges @mei --dry-run')).not.toContain('发送报价单');
    expect(h.t.text(await h.t.click('mei', 'nudge.act', 'account.delete:1'))).toContain('过期');
  });

  it('report reminder at 17:30 only when the report is missing, with a button that opens the form', async () => {
    await h.tickAt('2026-12-03T09:30:00Z'); // 17:30 in Shanghai, 09:30 in London
    expect(await count(h.t, 'mei', '今天的汇报还没提交')).toBe(1);
    expect(await count(h.t, 'tom', 'Daily report')).toBe(0);
    const opened = await h.t.click('mei', 'nudge.report', 'day:2026-12-03');
    expect(opened.forms[0]?.id).toBe('reports.submit');
    expect(opened.forms[0]?.state).toBe('day:2026-12-03');
    // Next day she reports before 17:30: no reminder.
    h.t.clock.set('2026-12-04T08:00:00Z');
    const form = (await h.t.click('mei', 'nudge.report', 'day:2026-12-04')).forms[0]!;
    await h.t.submit('mei', form.id, { done: '拜访了华东制造', next: '跟进报价', blockers: '' }, form.state);
    await h.tickAt('2026-12-04T09:30:00Z');
    expect(await count(h.t, 'mei', '今天的汇报还没提交')).toBe(1);
  });

  it('team channel, digest time and report cadence are workspace settings for admins', async () => {
    expect(await say('wang', '/kam admin channel')).toContain('不要在私聊里');
    expect(await say('wang', '/kam 管理 频道', 'channel:team')).toContain('团队频道');
    expect(await say('wang', '/kam admin digest mon 08:30')).toContain('周一 08:30');
    expect(await say('wang', '/kam admin digest someday 08:30')).toContain('不是星期');
    expect(await say('wang', '/kam admin reports week')).toContain('周报');
    expect(await say('wang', '/kam admin settings')).toContain('已设置');
  });
});
