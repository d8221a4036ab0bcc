import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql, type Database } from '../../db/client.ts';
import { jobRuns } from '../../db/schema/jobs.ts';
import { members } from '../../db/schema/members.ts';
import { nudgeSnoozes } from '../../db/schema/schedule.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { housekeepingJob } from '../../src/jobs/housekeeping.ts';
import { createSilentLogger } from '../../src/lib/logger.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { DATABASE_KINDS, freshDatabase } from '../support/db.ts';

describe.each(DATABASE_KINDS)('housekeeping (%s)', (kind) => {
  let database: Database;
  beforeAll(async () => { database = await freshDatabase(kind); });
  afterAll(async () => { await database?.close(); });

  it('drops run records older than 90 days and long-ended snoozes, keeps the rest', async () => {
    const db = database.db;
    const [ws] = await db.insert(workspaces).values({ platform: 'console', externalId: 'hk' }).returning();
    const [m] = await db.insert(members).values({ workspaceId: ws!.id, externalId: 'x', displayName: 'X' }).returning();
    await db.insert(jobRuns).values([
      { workspaceId: ws!.id, job: 'nudges', subjectKey: 'member:1', periodKey: '2026-07-01', ranAt: new Date('2026-07-01T01:30:00Z') },
      { workspaceId: ws!.id, job: 'nudges', subjectKey: 'member:1', periodKey: '2026-11-27', ranAt: new Date('2026-11-27T01:30:00Z') },
    ]);
    await db.insert(nudgeSnoozes).values([
      { workspaceId: ws!.id, memberId: m!.id, itemKey: 'step:1', untilDate: '2026-11-01', createdAt: new Date('2026-10-30T00:00:00Z') },
      { workspaceId: ws!.id, memberId: m!.id, itemKey: 'step:2', untilDate: '2026-12-02', createdAt: new Date('2026-11-30T00:00:00Z') },
    ]);
    const clock = new FakeClock('2026-11-30T03:17:00Z');
    const ctx = { database, clock, logger: createSilentLogger(), outbox: createOutbox(), translator: () => (key: string) => key };
    await housekeepingJob.run(ctx, { now: clock.now() });
    const runs = await queryRows<{ period_key: string }>(db, sql`select period_key from job_runs order by period_key`);
    expect(runs.map((r) => r.period_key)).toEqual(['2026-11-27']);
    const snoozes = await queryRows<{ item_key: string }>(db, sql`select item_key from nudge_snoozes`);
    expect(snoozes.map((r) => r.item_key)).toEqual(['step:2']);
  });
});
