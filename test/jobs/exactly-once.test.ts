import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, sql, type Database } from '../../db/client.ts';
import { accounts } from '../../db/schema/accounts.ts';
import { members } from '../../db/schema/members.ts';
import { touches } from '../../db/schema/touches.ts';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { createDeliveryWorker, DeliveryError, type DeliveryRequest, type PlatformSender } from '../../src/delivery/worker.ts';
import { createJobContext } from '../../src/jobs/index.ts';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler.ts';
import { createSilentLogger } from '../../src/lib/logger.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { DATABASE_KINDS } from '../support/db.ts';
import { db, NUDGE_TITLE, outboxOf, SCHEDULE_JOBS, workspaceId } from './schedule-support.ts';

const TEAM_SIZE = 25;

/** A platform that fails the way Slack and Lark do: first 429 with Retry-After, then a 500, then fine. */
class FlakyPlatform implements PlatformSender {
  readonly sent: DeliveryRequest[] = [];
  calls = 0;
  constructor(private readonly failures: DeliveryError[]) {}
  async send(request: DeliveryRequest): Promise<{ externalRef?: string }> {
    this.calls += 1;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(request);
    return { externalRef: `msg-${this.sent.length}` };
  }
}

describe.each(DATABASE_KINDS)('scheduled messages go out exactly once (%s)', (kind) => {
  let t: TestApp;
  let second: Database;
  let ws: number;
  const handles: string[] = [];

  function scheduler(database: Database): Scheduler {
    const context = createJobContext({ database, clock: t.clock, logger: createSilentLogger(), outbox: createOutbox(), runtime: t.app.runtime });
    return createScheduler({ jobs: SCHEDULE_JOBS, context, clock: t.clock, logger: createSilentLogger() });
  }

  beforeAll(async () => {
    t = await startTestApp(kind, {}, '2026-11-30T00:00:00Z');
    ws = await workspaceId(t);
    // A second "instance": its own connection pool to the same PostgreSQL database (PGlite: the same engine).
    const url = (t.database as Database & { url?: string }).url;
    second = url ? await openDatabase({ url, poolSize: 5 }) : t.database;
    const now = t.clock.now();
    for (let i = 0; i < TEAM_SIZE; i += 1) {
      const handle = `a${i}`;
      handles.push(handle);
      const [m] = await db(t).insert(members).values({ workspaceId: ws, externalId: handle, displayName: `Assistant ${i}`, role: 'assistant', timezone: 'Asia/Shanghai', locale: 'en', createdAt: new Date('2026-11-01T00:00:00Z') }).returning();
      const [a] = await db(t).insert(accounts).values({ workspaceId: ws, name: `Client ${i}`, tier: 'C', assistantId: m!.id, cadenceDays: 3650, createdAt: now }).returning();
      await db(t).insert(touches).values({ workspaceId: ws, accountId: a!.id, memberId: m!.id, kind: 'call', occurredAt: now, nextStep: `Follow up ${i}`, nextStepDue: '2026-11-20', createdAt: now });
    }
  });
  afterAll(async () => {
    if (second && second !== t?.database) await second.close();
    await t?.close();
  });

  it('two scheduler instances on one database ticking together send each nudge once', async () => {
    const a = scheduler(t.database);
    const b = scheduler(second);
    t.clock.set('2026-11-30T01:30:00Z'); // 09:30 in Shanghai
    const now = t.clock.now();
    const [ra, rb, ra2, rb2] = await Promise.all([a.tick(now), b.tick(now), a.tick(new Date(now.getTime() + 1000)), b.tick(new Date(now.getTime() + 2000))]);
    // Ticks of one instance that overlap share one run, so count each run report once.
    const enqueued = [...new Set([ra, rb, ra2, rb2].flat())].filter((r) => r.job === 'nudges').reduce((n, r) => n + r.enqueued, 0);
    const rows = (await outboxOf(t, 'nudges')).filter((r) => r.dedupe_key.includes(':2026-11-30'));
    const ids = await queryRows<{ id: number }>(db(t), sql`select id from members where workspace_id = ${ws} and external_id like 'a%'`);
    const team = new Set(ids.map((r) => Number(r.id)));
    const mine = rows.filter((r) => team.has(Number(r.member_id)));
    expect(mine.length).toBe(TEAM_SIZE);
    expect(new Set(mine.map((r) => r.member_id)).size).toBe(TEAM_SIZE);
    expect(enqueued).toBe(rows.length);
    await t.deliver();
    for (const handle of handles.slice(0, 5)) {
      expect((await t.inbox(handle)).filter((l) => l.includes(NUDGE_TITLE))).toHaveLength(1);
    }
  });

  it('a crash after enqueue (before sending) delivers once after restart, and the restart does not enqueue again', async () => {
    // Instance one queues Tuesday's nudges, then dies before its delivery worker runs.
    t.clock.set('2026-12-01T01:30:00Z');
    await scheduler(t.database).tick(t.clock.now());
    const queued = (await outboxOf(t, 'nudges')).filter((r) => r.dedupe_key.endsWith(':2026-12-01'));
    expect(queued.length).toBeGreaterThanOrEqual(TEAM_SIZE);
    expect(queued.every((r) => r.status === 'pending')).toBe(true);
    // A worker of the dying instance had claimed one message at 01:39 when it crashed mid-send (2-minute lease).
    await queryRows(db(t), sql`update outbox set status = 'sending', attempts = 1,
      locked_until = '2026-12-01T01:41:00Z'::timestamptz
      where id = (select min(id) from outbox where dedupe_key like 'nudges:%:2026-12-01') returning id`);

    // The restarted instance: catch-up tick (nothing new) and a fresh delivery worker.
    t.clock.set('2026-12-01T01:40:00Z');
    const restarted = scheduler(second);
    const reports = await restarted.runDue(t.clock.now());
    expect(reports.reduce((n, r) => n + r.enqueued, 0)).toBe(0);
    const platform = new FlakyPlatform([]);
    const worker = createDeliveryWorker({ database: second, senders: { console: platform }, clock: t.clock, logger: createSilentLogger() });
    await worker.runOnce();
    expect(platform.sent.length).toBe(queued.length - 1);
    // The crashed send's lease runs out: it goes out once, too.
    t.clock.set('2026-12-01T01:43:00Z');
    await worker.runOnce();
    await worker.runOnce();
    expect(platform.sent.length).toBe(queued.length);
    const targets = platform.sent.map((r) => ('member' in r.target ? r.target.member.id : 0));
    expect(new Set(targets).size).toBe(targets.length);
  });

  it('a platform answering 429 then 500 is retried, delivered once, never doubled', async () => {
    const [m] = await db(t).insert(members).values({ workspaceId: ws, externalId: 'flaky', displayName: 'Flaky', role: 'assistant', timezone: 'Asia/Kolkata', locale: 'en', createdAt: new Date('2026-11-01T00:00:00Z') }).returning();
    const [a] = await db(t).insert(accounts).values({ workspaceId: ws, name: 'Flaky Client', tier: 'C', assistantId: m!.id, cadenceDays: 3650, createdAt: t.clock.now() }).returning();
    await db(t).insert(touches).values({ workspaceId: ws, accountId: a!.id, memberId: m!.id, kind: 'call', occurredAt: t.clock.now(), nextStep: 'Call back', nextStepDue: '2026-11-20', createdAt: t.clock.now() });
    const platform = new FlakyPlatform([
      new DeliveryError('slack answered 429 rate_limited', true, 30_000),
      new DeliveryError('slack answered 500 internal_error', true),
    ]);
    t.app.delivery.setSender('console', platform);
    t.clock.set('2026-12-01T04:00:00Z'); // 09:30 in Kolkata
    const s = scheduler(t.database);
    await s.tick(t.clock.now());
    await t.deliver(); // 429: wait 30 s as asked
    expect(platform.sent).toHaveLength(0);
    await t.deliver(); // too early to retry
    expect(platform.calls).toBe(1);
    t.clock.advance(30_000);
    await t.deliver(); // 500: back off
    expect(platform.sent).toHaveLength(0);
    t.clock.advance(60_000);
    await s.tick(t.clock.now()); // a later tick must not queue it again
    await t.deliver();
    await t.deliver();
    expect(platform.sent).toHaveLength(1);
    expect(platform.calls).toBe(3);
    const [row] = (await outboxOf(t, 'nudges')).filter((r) => Number(r.member_id) === m!.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
    expect(platform.sent[0]!.message.blocks.some((b) => b.type === 'text' && b.text.includes('Call back'))).toBe(true);
  });
});
