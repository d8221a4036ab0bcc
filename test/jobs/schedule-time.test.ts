import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../db/client.ts';
import { holidayOverrides } from '../../db/schema/holidays.ts';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { startJobs } from '../../src/jobs/index.ts';
import { createSilentLogger } from '../../src/lib/logger.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import {
  addAssistant, addOverdueStep, count, db, NUDGE_TITLE, outboxOf, SCHEDULE_JOBS, startScheduleHarness, workspaceId, type ScheduleHarness,
} from './schedule-support.ts';

describe.each(DATABASE_KINDS)('nudges arrive at 09:30 in each member\'s own time zone (%s)', (kind) => {
  let h: ScheduleHarness;
  const nudges = (handle: string) => count(h.t, handle, NUDGE_TITLE);

  beforeAll(async () => {
    h = await startScheduleHarness(kind, '2026-03-01T00:00:00Z');
    for (const [handle, tz] of [['ny', 'America/New_York'], ['sh', 'Asia/Shanghai'], ['kol', 'Asia/Kolkata'], ['gap', 'America/New_York']] as const) {
      await addAssistant(h.t, handle, tz);
      await addOverdueStep(h.t, handle);
    }
    await addAssistant(h.t, 'calm', 'Asia/Shanghai');
  });
  afterAll(async () => { await h?.close(); });

  it('New York in March: 14:30 UTC before the clocks change, 13:30 UTC after', async () => {
    await h.tickAt('2026-03-06T14:29:00Z'); // Fri 09:29 EST
    expect(await nudges('ny')).toBe(0);
    await h.tickAt('2026-03-06T14:30:00Z'); // Fri 09:30 EST
    expect(await nudges('ny')).toBe(1);
    await h.tickAt('2026-03-09T13:29:00Z'); // Mon 09:29 EDT
    expect(await nudges('ny')).toBe(1);
    await h.tickAt('2026-03-09T13:30:00Z'); // Mon 09:30 EDT (UTC-4 now)
    expect(await nudges('ny')).toBe(2);
  });

  it('New York in November: 13:30 UTC before the clocks go back, 14:30 UTC after', async () => {
    await h.tickAt('2026-10-30T13:30:00Z'); // Fri 09:30 EDT
    expect(await nudges('ny')).toBe(3);
    await h.tickAt('2026-11-02T13:30:00Z'); // Mon 08:30 EST: not yet
    expect(await nudges('ny')).toBe(3);
    await h.tickAt('2026-11-02T14:30:00Z'); // Mon 09:30 EST
    expect(await nudges('ny')).toBe(4);
  });

  it('Asia/Shanghai (+08:00) at 01:30 UTC and Asia/Kolkata (+05:30) at 04:00 UTC', async () => {
    await h.tickAt('2026-03-02T01:29:00Z');
    expect(await nudges('sh')).toBe(0);
    await h.tickAt('2026-03-02T01:30:00Z');
    expect(await nudges('sh')).toBe(1);
    expect(await nudges('kol')).toBe(0);
    await h.tickAt('2026-03-02T03:59:00Z');
    expect(await nudges('kol')).toBe(0);
    await h.tickAt('2026-03-02T04:00:00Z');
    expect(await nudges('kol')).toBe(1);
  });

  it('at most one nudge a day, however many ticks', async () => {
    for (const at of ['2026-03-02T01:35:00Z', '2026-03-02T02:00:00Z', '2026-03-02T03:55:00Z']) await h.tickAt(at);
    expect(await nudges('sh')).toBe(1);
    const rows = await outboxOf(h.t, 'nudges');
    const keys = rows.map((r) => r.dedupe_key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('nothing to say: nothing is sent', async () => {
    // `calm` has no accounts, and on Monday 2 March there is no earlier working day's report to miss.
    await h.tickAt('2026-03-02T01:40:00Z');
    expect(await nudges('calm')).toBe(0);
  });

  it('no nudges at the weekend', async () => {
    await h.tickAt('2026-03-07T01:30:00Z'); // Saturday in Shanghai
    await h.tickAt('2026-03-08T01:30:00Z'); // Sunday
    expect(await nudges('sh')).toBe(1);
  });

  it('public holidays are skipped and make-up working days (调休) get a nudge', async () => {
    await h.tickAt('2026-10-01T01:30:00Z'); // National Day, Thursday
    expect(await nudges('sh')).toBe(1);
    await h.tickAt('2026-10-10T01:30:00Z'); // Saturday make-up working day
    expect(await nudges('sh')).toBe(2);
  });

  it('a nudge set inside the DST gap (02:30 on 8 March in New York) comes at 03:30 EDT on a make-up day', async () => {
    await db(h.t).insert(holidayOverrides).values({ workspaceId: await workspaceId(h.t), date: '2026-03-08', kind: 'workday', name: 'make-up', createdAt: h.t.clock.now() });
    h.t.clock.set('2026-03-07T12:00:00Z');
    await h.t.say('gap', '/kam schedule nudges 02:30');
    const before = await nudges('gap');
    await h.tickAt('2026-03-08T07:29:00Z'); // 03:29 EDT
    expect(await nudges('gap')).toBe(before);
    await h.tickAt('2026-03-08T07:30:00Z'); // 03:30 EDT: 02:30 does not exist that night
    expect(await nudges('gap')).toBe(before + 1);
  });

  it('leave pauses nudges, and they come back when it ends', async () => {
    h.t.clock.set('2026-03-02T10:00:00Z');
    expect((await h.t.say('sh', '/kam leave 2026-03-03 2026-03-04')).replies.length).toBe(1);
    await h.tickAt('2026-03-03T01:30:00Z');
    await h.tickAt('2026-03-04T01:30:00Z');
    expect(await nudges('sh')).toBe(2);
    await h.tickAt('2026-03-05T01:30:00Z');
    expect(await nudges('sh')).toBe(3);
  });

  it('quiet hours hold the nudge until they end (still within the morning)', async () => {
    h.t.clock.set('2026-03-04T12:00:00Z');
    await h.t.say('kol', '/kam schedule quiet 09:00-10:00');
    const before = await nudges('kol');
    await h.tickAt('2026-03-05T04:00:00Z'); // 09:30 IST, quiet
    expect(await nudges('kol')).toBe(before);
    await h.tickAt('2026-03-05T04:30:00Z'); // 10:00 IST
    expect(await nudges('kol')).toBe(before + 1);
  });

  it('nudges off means none at all', async () => {
    await h.t.say('ny', '/kam schedule nudges off');
    await h.tickAt('2026-11-03T14:30:00Z');
    expect(await nudges('ny')).toBe(4);
    await h.t.say('ny', '/kam schedule nudges on');
  });

  it('catch-up on start: missed work is done while still useful, skipped when stale', async () => {
    const deps = () => ({
      config: h.t.app.config, database: h.t.database, runtime: h.t.app.runtime, delivery: h.t.app.delivery,
      clock: h.t.clock, logger: createSilentLogger(), outbox: createOutbox(),
    });
    const before = await nudges('sh');
    // Down from before 09:30 until 11:00 Shanghai time: the nudge is still worth sending.
    h.t.clock.set('2026-03-06T03:00:00Z');
    let jobs = startJobs(deps(), SCHEDULE_JOBS);
    await jobs.ready;
    await jobs.stop();
    await h.t.deliver();
    expect(await nudges('sh')).toBe(before + 1);
    // Down until 12:30 the next working day: stale, skipped, and later ticks that day skip it too.
    h.t.clock.set('2026-03-09T04:30:00Z');
    jobs = startJobs(deps(), SCHEDULE_JOBS);
    await jobs.ready;
    await jobs.stop();
    await h.tickAt('2026-03-09T06:00:00Z');
    expect(await nudges('sh')).toBe(before + 1);
  });

  it('a member whose stored time zone is broken is skipped; everyone else still gets theirs', async () => {
    await queryRows(db(h.t), sql`update members set timezone = 'Mars/Olympus' where external_id = 'calm'`);
    const before = await nudges('sh');
    await h.tickAt('2026-03-10T01:30:00Z'); // Tuesday 09:30 in Shanghai
    expect(await nudges('sh')).toBe(before + 1);
  });
});
