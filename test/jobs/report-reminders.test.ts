import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/db.ts';
import { count, startScheduleHarness, type ScheduleHarness } from './schedule-support.ts';

describe.each(DATABASE_KINDS)('weekly report reminders (%s)', (kind) => {
  let h: ScheduleHarness;
  const meiReminders = () => count(h.t, 'mei', '本周的汇报还没提交');
  const tomReminders = () => count(h.t, 'tom', 'report for this week isn\'t in yet');

  beforeAll(async () => {
    h = await startScheduleHarness(kind, '2026-11-30T02:00:00Z');
    expect(h.t.text(await h.t.say('wang', '/kam admin reports week'))).toContain('周报');
  });
  afterAll(async () => { await h?.close(); });

  it('come on Friday at 17:30 local, not on other days, with a button that opens the weekly form', async () => {
    await h.tickAt('2026-12-03T09:30:00Z'); // Thursday 17:30 in Shanghai
    expect(await meiReminders()).toBe(0);
    await h.tickAt('2026-12-04T09:30:00Z'); // Friday 17:30 in Shanghai
    expect(await meiReminders()).toBe(1);
    expect(await tomReminders()).toBe(0); // 09:30 in London
    const opened = await h.t.click('mei', 'nudge.report', 'week:2026-W49');
    expect(opened.forms[0]).toMatchObject({ id: 'reports.submit', state: 'week:2026-W49' });
    await h.tickAt('2026-12-04T10:30:00Z');
    expect(await meiReminders()).toBe(1);
  });

  it('are not sent to someone who already reported this week', async () => {
    h.t.clock.set('2026-12-04T12:00:00Z');
    const form = (await h.t.click('tom', 'nudge.report', 'week:2026-W49')).forms[0]!;
    await h.t.submit('tom', form.id, { done: 'Renewed Acme', next: 'QBR prep', blockers: '' }, form.state);
    await h.tickAt('2026-12-04T17:30:00Z'); // Friday 17:30 in London
    expect(await tomReminders()).toBe(0);
  });

  it('are not sent on leave', async () => {
    h.t.clock.set('2026-12-07T02:00:00Z');
    await h.t.say('mei', '/kam 请假 2026-12-11 2026-12-11');
    await h.tickAt('2026-12-11T09:30:00Z');
    expect(await meiReminders()).toBe(1);
  });

  it('a stale button is refused instead of opening a wrong form', async () => {
    expect(h.t.text(await h.t.click('mei', 'nudge.report', 'week:2026-12-04'))).toContain('过期');
  });
});
