import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { touches } from '../../db/schema/touches.ts';
import { greetingRemindersJob } from '../../src/jobs/greeting-reminders.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { jobContext, runAt } from './meeting-support.ts';

const reminders = (entries: string[]) => entries.filter((e) => e.includes('国庆') || e.includes('National Day'));

describe.each(DATABASE_KINDS)('festival greeting reminders (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(kind, {}, '2026-09-27T00:00:00Z'); });
  afterAll(async () => { await t?.close(); });

  it('reminds each assistant once, at 10:00 in their own zone, a few days before 国庆', async () => {
    // 2026-09-28 10:05 in Shanghai (mei); still 03:05 in London (tom).
    expect((await runAt(t, greetingRemindersJob, '2026-09-28T02:05:00Z')).enqueued).toBe(1);
    const mei = reminders(await t.inbox('mei'));
    expect(mei).toHaveLength(1);
    expect(mei[0]).toContain('华东制造');
    expect(mei[0]).toContain('Globex');
    expect(reminders(await t.inbox('tom'))).toHaveLength(0);
    // Later ticks and the next morning send nothing more to mei; tom gets his at 10:00 London.
    expect((await runAt(t, greetingRemindersJob, '2026-09-28T02:20:00Z')).enqueued).toBe(0);
    expect((await runAt(t, greetingRemindersJob, '2026-09-28T09:05:00Z')).enqueued).toBe(1);
    expect((await runAt(t, greetingRemindersJob, '2026-09-29T02:05:00Z')).enqueued).toBe(0);
    expect(reminders(await t.inbox('mei'))).toHaveLength(1);
    expect(reminders(await t.inbox('tom'))[0]).toContain('Acme Corp');
  });

  it('logs the greeting touch in one click, once', async () => {
    const res = await fetch(`${t.app.url}/console/api/conversations?user=mei`);
    const entries = ((await res.json()) as { entries: Array<{ id: number; message?: { blocks: Array<{ buttons?: Array<{ action: string; value?: string; label: string }> }> } }> }).entries;
    const button = entries.flatMap((e) => e.message?.blocks ?? []).flatMap((b) => b.buttons ?? []).find((b) => b.action === 'greeting.log')!;
    expect(button).toBeDefined();
    await t.click('mei', button.action, button.value);
    await t.click('mei', button.action, button.value);
    const greetings = await t.database.db.select().from(touches).where(and(eq(touches.kind, 'greeting')));
    expect(greetings).toHaveLength(1);
  });

  it('previews without sending in a dry run', async () => {
    t.clock.set('2026-09-30T09:05:00Z');
    const before = (await t.inbox('tom')).length;
    const report = await greetingRemindersJob.run(jobContext(t), { now: t.clock.now(), dryRun: true });
    await t.deliver();
    expect(report.enqueued).toBe(0);
    expect(report.previews.some((p) => JSON.stringify(p.message).includes('Acme Corp'))).toBe(true);
    expect((await t.inbox('tom')).length).toBe(before);
  });
});
