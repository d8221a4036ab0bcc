import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { holidayOverrides } from '../../db/schema/holidays.ts';
import { memberLeaves, memberScheduleSettings } from '../../db/schema/schedule.ts';
import { actionItemRemindersJob } from '../../src/jobs/action-item-reminders.ts';
import { meetingAgendasJob } from '../../src/jobs/meeting-agendas.ts';
import { meetingPromptsJob } from '../../src/jobs/meeting-prompts.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { addAssistant, jobContext, memberId, runAt, workspaceId } from './meeting-support.ts';

const promptsIn = (entries: string[]) => entries.filter((e) => e.includes('Weekly meeting with') || e.includes('的周会'));

describe.each(DATABASE_KINDS)('weekly meeting prompts, answers and agenda (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
    await addAssistant(t, 'raj', 'Asia/Kolkata');
    await addAssistant(t, 'amy', 'America/New_York');
    // An action item from last week's meeting, due Saturday: carried forward and reminded.
    await t.say('wang', '/kam meeting notes "Kick-off" action="@mei: send the Globex quote (due 2026-12-05)"');
  });
  afterAll(async () => { await t?.close(); });

  it('sends the prompt once per assistant at 16:00 on their last working day, in their own zone', async () => {
    // Meeting: Monday 2026-12-07 10:00 Asia/Shanghai (02:00Z) = Sunday 21:00 in New York.
    expect((await runAt(t, meetingPromptsJob, '2026-12-04T07:55:00Z')).enqueued).toBe(0);
    expect((await runAt(t, meetingPromptsJob, '2026-12-04T08:01:00Z')).enqueued).toBe(1); // mei 16:00 CST
    expect((await runAt(t, meetingPromptsJob, '2026-12-04T08:06:00Z')).enqueued).toBe(0);
    expect(promptsIn(await t.inbox('mei'))).toHaveLength(1);
    expect(promptsIn(await t.inbox('raj'))).toHaveLength(0);
    expect((await runAt(t, meetingPromptsJob, '2026-12-04T10:31:00Z')).enqueued).toBe(1); // raj 16:00 IST
    expect((await runAt(t, meetingPromptsJob, '2026-12-04T16:01:00Z')).enqueued).toBe(1); // tom 16:00 GMT
    expect((await runAt(t, meetingPromptsJob, '2026-12-04T20:59:00Z')).enqueued).toBe(0);
    expect((await runAt(t, meetingPromptsJob, '2026-12-04T21:01:00Z')).enqueued).toBe(1); // amy 16:00 EST
    expect((await runAt(t, meetingPromptsJob, '2026-12-05T01:00:00Z')).enqueued).toBe(0);
    for (const who of ['mei', 'raj', 'tom', 'amy']) expect(promptsIn(await t.inbox(who))).toHaveLength(1);
    const amy = promptsIn(await t.inbox('amy'))[0]!;
    expect(amy).toContain('Sun 2026-12-06 21:00');
    expect(amy).toContain('Progress last week');
    expect(amy).toContain('[Answer]');
    expect(promptsIn(await t.inbox('mei'))[0]).toContain('上周进展');
  });

  it('captures DM answers one by one or all at once, and confirms them', async () => {
    const first = t.text(await t.say('mei', '拜访了华东制造，签了框架协议'));
    expect(first).toContain('上周进展');
    expect(first).toContain('签了框架协议');
    expect(first).toContain('客户需求与反馈');
    const all = t.text(await t.say('raj', '1. Closed two renewals\n2. Acme wants faster delivery\n3. none\n4. Visit Globex\n5. Pricing approval'));
    expect(all).toContain('Closed two renewals');
    expect(all).toContain('Pricing approval');
    expect(all).toContain('Thanks! Your answers are in');
    const skipped = t.text(await t.say('tom', 'Prepared the Acme QBR'));
    expect(skipped).toContain('Progress last week');
    // An answer that happens to start with a command word is still an answer, not `/kam help`.
    const commandWord = t.text(await t.say('tom', 'help with Acme delivery dates, they want weekly updates'));
    expect(commandWord).toContain('they want weekly updates');
    expect(commandWord).not.toContain('what I can do');
    // A command still works while a prompt is open.
    expect(t.text(await t.say('tom', '/kam whoami'))).toContain('Tom Baker');
  });

  it('the Answer form saves answers; bad prompt ids and other people\'s prompts are refused', async () => {
    const opened = await t.say('amy', '/kam meeting answer');
    expect(opened.forms[0]?.id).toBe('meeting.answers');
    const state = opened.forms[0]!.state!;
    const empty = await t.submit('amy', 'meeting.answers', { progress: '', clientNeeds: '', blockers: '', plan: '', help: '' }, state);
    expect(Object.values(empty.formErrors ?? {}).join(' ')).toContain('at least one');
    expect(t.text(await t.submit('tom', 'meeting.answers', { progress: 'x' }, state))).toContain('someone else');
    // The Answer button on raj's prompt opens the form with his DM answers filled in.
    const res = await fetch(`${t.app.url}/console/api/conversations?user=raj`);
    const entries = ((await res.json()) as { entries: Array<{ message?: { blocks: Array<{ buttons?: Array<{ action: string; value?: string }> }> } }> }).entries;
    const button = entries.flatMap((e) => e.message?.blocks ?? []).flatMap((b) => b.buttons ?? []).find((b) => b.action === 'meeting.answer')!;
    const clicked = await t.click('raj', 'meeting.answer', button.value);
    expect(JSON.stringify(clicked.forms[0])).toContain('Closed two renewals');
    expect(t.text(await t.click('tom', 'meeting.answer', button.value))).toContain('someone else');
    // amy changes her mind and leaves it unanswered: nothing saved so far.
    const agenda = t.text(await t.say('wang', '/kam meeting agenda'));
    expect(agenda).toContain('Closed two renewals');
    expect(agenda).toMatch(/尚未回答：.*@amy/);
  });

  it('compiles the agenda an hour before the meeting with answers, unanswered prompts and carried-forward items', async () => {
    expect((await runAt(t, meetingAgendasJob, '2026-12-07T00:55:00Z')).enqueued).toBe(0);
    expect((await runAt(t, meetingAgendasJob, '2026-12-07T01:01:00Z')).enqueued).toBe(1);
    expect((await runAt(t, meetingAgendasJob, '2026-12-07T01:30:00Z')).enqueued).toBe(0);
    const agenda = (await t.inbox('wang')).filter((e) => e.includes('周会议程')).at(-1)!;
    expect(agenda).toContain('签了框架协议');
    expect(agenda).toContain('Closed two renewals');
    expect(agenda).toMatch(/尚未回答：.*@Tom Baker/);
    expect(agenda).toContain('@amy');
    expect(agenda).toContain('send the Globex quote');
    expect(agenda).toContain('已逾期');
  });

  it('reminds owners of action items due tomorrow or overdue, once per working day', async () => {
    expect((await runAt(t, actionItemRemindersJob, '2026-12-03T01:05:00Z')).enqueued).toBe(0); // due in 2 days
    expect((await runAt(t, actionItemRemindersJob, '2026-12-04T01:05:00Z')).enqueued).toBe(1); // due tomorrow
    expect((await runAt(t, actionItemRemindersJob, '2026-12-04T02:05:00Z')).enqueued).toBe(0);
    expect((await runAt(t, actionItemRemindersJob, '2026-12-05T01:05:00Z')).enqueued).toBe(0); // Saturday
    expect((await runAt(t, actionItemRemindersJob, '2026-12-07T01:05:00Z')).enqueued).toBe(1); // overdue
    const reminders = (await t.inbox('mei')).filter((e) => e.includes('需要你处理的行动项'));
    expect(reminders).toHaveLength(2);
    expect(reminders[0]).toContain('明天截止');
    expect(reminders[1]).toContain('逾期');
  });

  it('follows New York across the end of daylight saving time', async () => {
    // Meeting Monday 2026-11-02 10:00 CST = Sunday 2026-11-01 21:00 EST; the prompt is Friday 16:00 EDT (20:00Z).
    const before = promptsIn(await t.inbox('amy')).length;
    await runAt(t, meetingPromptsJob, '2026-10-30T19:59:00Z');
    expect(promptsIn(await t.inbox('amy'))).toHaveLength(before);
    await runAt(t, meetingPromptsJob, '2026-10-30T20:01:00Z');
    const prompts = promptsIn(await t.inbox('amy'));
    expect(prompts).toHaveLength(before + 1);
    expect(prompts.at(-1)).toContain('Sun 2026-11-01 21:00');
  });

  it('moves the prompt before a holiday, skips members on leave and meetings on holidays', async () => {
    const db = t.database.db as Db;
    const ws = await workspaceId(t);
    const created = new Date('2026-12-01T00:00:00Z');
    await db.insert(holidayOverrides).values([
      { workspaceId: ws, date: '2026-12-11', kind: 'holiday', name: 'team day', createdAt: created },
      { workspaceId: ws, date: '2026-12-21', kind: 'holiday', name: 'no meeting', createdAt: created },
    ]);
    await db.insert(memberLeaves).values({ workspaceId: ws, memberId: await memberId(t, 'raj'), fromDate: '2026-12-10', toDate: '2026-12-11', createdAt: created });
    const count = async (who: string) => promptsIn(await t.inbox(who)).length;
    const before = { mei: await count('mei'), raj: await count('raj') };
    // Meeting Monday 14 Dec; Friday 11 Dec is a holiday, so the prompt goes out on Thursday.
    // Two scheduler instances tick at the same moment: one prompt.
    t.clock.set('2026-12-10T08:01:00Z');
    const twice = await Promise.all([meetingPromptsJob.run(jobContext(t), { now: t.clock.now() }), meetingPromptsJob.run(jobContext(t), { now: t.clock.now() })]);
    expect(twice[0].enqueued + twice[1].enqueued).toBe(1);
    await t.deliver();
    expect(await count('mei')).toBe(before.mei + 1);
    await runAt(t, meetingPromptsJob, '2026-12-10T10:31:00Z');
    expect(await count('raj')).toBe(before.raj);
    expect((await runAt(t, meetingPromptsJob, '2026-12-11T08:01:00Z')).enqueued).toBe(0);
    // Monday 21 Dec is a holiday: no meeting, so no prompt on Friday 18 Dec and no agenda.
    expect((await runAt(t, meetingPromptsJob, '2026-12-18T08:01:00Z')).enqueued).toBe(0);
    expect((await runAt(t, meetingAgendasJob, '2026-12-21T01:01:00Z')).enqueued).toBe(0);
  });

  it('follows the manager\'s own meeting slot, and sends nothing when the meeting is off', async () => {
    const db = t.database.db as Db;
    const ws = await workspaceId(t);
    const wang = await memberId(t, 'wang');
    // Wednesday 15:00 Shanghai: prompts on Tuesday 16:00 local, agenda at 14:00.
    await db.insert(memberScheduleSettings).values({ workspaceId: ws, memberId: wang, meetingWeekday: 3, meetingMinutes: 15 * 60, updatedAt: new Date('2026-12-20T00:00:00Z') });
    const before = promptsIn(await t.inbox('mei')).length;
    expect((await runAt(t, meetingPromptsJob, '2026-12-28T08:01:00Z')).enqueued).toBe(0); // Monday
    expect((await runAt(t, meetingPromptsJob, '2026-12-29T08:01:00Z')).enqueued).toBe(1); // Tuesday
    expect(promptsIn(await t.inbox('mei')).at(-1)).toMatch(/2026-12-30（周三）15:00/);
    expect(promptsIn(await t.inbox('mei'))).toHaveLength(before + 1);
    expect((await runAt(t, meetingAgendasJob, '2026-12-30T06:01:00Z')).enqueued).toBe(1);
    await db.update(memberScheduleSettings).set({ meetingWeekday: 0 });
    expect((await runAt(t, meetingPromptsJob, '2027-01-05T08:01:00Z')).enqueued).toBe(0);
    expect((await runAt(t, meetingAgendasJob, '2027-01-06T06:01:00Z')).enqueued).toBe(0);
    expect(t.text(await t.say('wang', '/kam meeting agenda'))).toContain('周会已关闭');
  });
});
