import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import { accounts } from '../../db/schema/accounts.ts';
import { feedback } from '../../db/schema/feedback.ts';
import { holidayOverrides } from '../../db/schema/holidays.ts';
import { kpiTargets } from '../../db/schema/kpi.ts';
import { kudos } from '../../db/schema/kudos.ts';
import { actionItems } from '../../db/schema/meetings.ts';
import { members } from '../../db/schema/members.ts';
import { progressReports } from '../../db/schema/reports.ts';
import { touches } from '../../db/schema/touches.ts';
import { buildDigests, digestJob } from '../../src/jobs/digest.ts';
import { jobContext, memberId, runAt, workspaceId } from '../jobs/meeting-support.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { DATABASE_KINDS } from '../support/db.ts';

/**
 * Seeded week 2026-W48 (Mon 23 – Sun 29 November, Asia/Shanghai). The digest is read on
 * Monday 30 November 10:00 in Shanghai.
 */
async function seed(t: TestApp) {
  const db = t.database.db as Db;
  const ws = await workspaceId(t);
  const wang = await memberId(t, 'wang');
  const mei = await memberId(t, 'mei');
  const tom = await memberId(t, 'tom');
  const acct = async (name: string) => (await db.select().from(accounts).where(and(eq(accounts.workspaceId, ws), eq(accounts.name, name))))[0]!.id;
  const acme = await acct('Acme Corp');
  const huadong = await acct('华东制造');
  const at = (iso: string) => new Date(iso);
  // The team has used KAM Bot since November 1st (reports are only expected from joining on).
  await db.update(members).set({ createdAt: at('2026-11-01T00:00:00Z') }).where(eq(members.workspaceId, ws));
  await db.insert(touches).values([
    ...['2026-11-23T02:00:00Z', '2026-11-24T02:00:00Z', '2026-11-25T02:00:00Z'].map((d) => ({ workspaceId: ws, accountId: huadong, memberId: mei, kind: 'call' as const, occurredAt: at(d) })),
    ...['2026-11-26T02:00:00Z', '2026-11-27T02:00:00Z'].map((d) => ({ workspaceId: ws, accountId: huadong, memberId: mei, kind: 'visit' as const, occurredAt: at(d) })),
    { workspaceId: ws, accountId: huadong, memberId: mei, kind: 'call' as const, occurredAt: at('2026-11-18T02:00:00Z') },
    { workspaceId: ws, accountId: acme, memberId: tom, kind: 'call' as const, occurredAt: at('2026-11-10T02:00:00Z') },
  ]);
  await db.insert(feedback).values([
    { workspaceId: ws, accountId: huadong, memberId: mei, score: 5, text: 'great', receivedAt: at('2026-11-26T03:00:00Z') },
    { workspaceId: ws, accountId: acme, memberId: tom, score: 2, text: 'late delivery', isComplaint: true, status: 'open', receivedAt: at('2026-11-25T10:00:00Z') },
  ]);
  await db.insert(progressReports).values([
    ...['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'].map((d) => ({ workspaceId: ws, memberId: mei, periodKind: 'day' as const, periodKey: d, submittedAt: at(`${d}T10:00:00Z`) })),
    ...['2026-11-23', '2026-11-24'].map((d) => ({ workspaceId: ws, memberId: tom, periodKind: 'day' as const, periodKey: d, submittedAt: at(`${d}T17:00:00Z`) })),
  ]);
  await db.insert(kudos).values({ workspaceId: ws, giverId: tom, receiverId: mei, reason: 'helped with the 华东 visit', givenAt: at('2026-11-26T05:00:00Z') });
  await db.insert(actionItems).values({ workspaceId: ws, managerId: wang, ownerId: tom, task: 'fix the Acme delivery plan', dueDate: '2026-11-20', createdAt: at('2026-11-16T02:00:00Z') });
  await db.insert(kpiTargets).values({ workspaceId: ws, periodKind: 'month', metric: 'touches', value: '40', updatedAt: at('2026-11-01T00:00:00Z') });
  return { ws, wang, mei, tom };
}

describe.each(DATABASE_KINDS)('manager weekly digest (%s)', (kind) => {
  let t: TestApp;
  let ids: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    t = await startTestApp(kind);
    await t.say('tom', '/kam settings language en');
    ids = await seed(t);
  });
  afterAll(async () => { await t?.close(); });

  it('does not count reports as missed before an assistant joined', async () => {
    t.clock.set('2026-11-26T02:00:00Z'); // a newcomer joins on Thursday of week 48
    await t.say('ana', 'hello');
    await t.say('wang', '/kam team add @ana');
    t.clock.set('2026-11-30T02:00:00Z');
    const text = t.text(await t.say('wang', '/kam 周报'));
    expect(text).toMatch(/@ana\n[^@]*汇报 0\/2（缺 2 份）/);
    await t.say('wang', '/kam team remove @ana');
  });

  it('/kam digest shows KPIs, reports, complaints, risks, overdue items, kudos and the top actions', async () => {
    const text = t.text(await t.say('wang', '/kam 周报'));
    expect(text).toContain('周报 · 2026-W48（2026-11-23 – 2026-11-29）');
    // Per assistant: touches vs weekly target (40/month ≈ 9.2/week), visits, CSAT, reports, kudos.
    expect(text).toMatch(/@Mei Chen\n- 跟进 5 \/ 9\.2（54%）/);
    expect(text).toContain('拜访 2');
    expect(text).toContain('满意度 5.0');
    expect(text).toContain('汇报 5/5');
    expect(text).toContain('收到点赞 1 · 送出 0');
    expect(text).toContain('汇报 2/5（缺 3 份）');
    expect(text).toContain('未结投诉 1');
    expect(text).toContain('收到点赞 0 · 送出 1');
    // Accounts at risk: Acme untouched for 20 days (cadence 7), Globex never touched.
    expect(text).toMatch(/Acme Corp（A，@Tom Baker）：已 20 天未跟进（周期 7 天）/);
    expect(text).toContain('Globex（B，@Mei Chen）：从未跟进');
    expect(text).not.toMatch(/华东制造（A/);
    expect(text).toContain('fix the Acme delivery plan（截止 2026-11-20）');
    expect(text).toContain('30 天内未获表彰：@Tom Baker');
    // Top three: Tom's open complaint first, then the A-tier account at risk, then the other risk / overdue item.
    const top = text.split('最值得你花时间的三件事')[1]!.split('—')[0]!;
    expect(top.trim().split('\n')).toHaveLength(3);
    expect(top.trim().split('\n')[0]).toContain('协助 @Tom Baker 处理 1 条未结投诉');
    expect(top).toContain('Acme Corp');
  });

  it('keeps the digest to leads: assistants and other managers are refused', async () => {
    expect(t.text(await t.say('mei', '/kam digest'))).toMatch(/只有/);
    expect(t.text(await t.say('tom', '/kam weekly'))).toMatch(/Only/);
    await t.say('lin', 'hi');
    await t.say('wang', '/kam team role @lin manager');
    expect(t.text(await t.say('lin', '/kam digest @wang'))).toMatch(/只有|Only/);
    expect(t.text(await t.say('lin', '/kam digest'))).toMatch(/还没有助理|no assistants/);
    expect(t.text(await t.say('wang', '/kam digest @mei'))).toContain('没有带团队');
  });

  it('is sent once at 08:30 on Monday in the manager zone, and the next working day after a holiday', async () => {
    const onDemand = (await t.inbox('wang')).filter((e) => e.includes('周报 · 2026-W48')).length;
    expect((await runAt(t, digestJob, '2026-11-30T00:25:00Z')).enqueued).toBe(0);
    expect((await runAt(t, digestJob, '2026-11-30T00:31:00Z')).enqueued).toBe(1);
    expect((await runAt(t, digestJob, '2026-11-30T03:00:00Z')).enqueued).toBe(0);
    expect((await t.inbox('wang')).filter((e) => e.includes('周报 · 2026-W48'))).toHaveLength(onDemand + 1);
    const db = t.database.db as Db;
    await db.insert(holidayOverrides).values({ workspaceId: ids.ws, date: '2026-12-07', kind: 'holiday', name: 'test', createdAt: new Date('2026-11-30T00:00:00Z') });
    expect((await runAt(t, digestJob, '2026-12-07T00:31:00Z')).enqueued).toBe(0);
    expect((await runAt(t, digestJob, '2026-12-08T00:31:00Z')).enqueued).toBe(1);
    expect((await t.inbox('wang')).filter((e) => e.includes('2026-W49'))).toHaveLength(1);
  });

  it('two scheduler instances running at the same moment send one digest', async () => {
    t.clock.set('2026-12-14T00:31:00Z');
    const ctx = jobContext(t);
    const reports = await Promise.all([digestJob.run(ctx, { now: t.clock.now() }), digestJob.run(jobContext(t), { now: t.clock.now() })]);
    expect(reports.reduce((n, r) => n + r.enqueued, 0)).toBe(1);
    await t.deliver();
    expect((await t.inbox('wang')).filter((e) => e.includes('2026-W50'))).toHaveLength(1);
  });

  it('builds many digests with a fixed number of SQL statements', async () => {
    const db = t.database.db as Db;
    const scope = { db, workspaceId: ids.ws, now: new Date('2026-11-30T02:00:00Z') };
    const count = async (managerIds: number[]) => {
      const before = t.database.statementCount();
      const digests = await buildDigests(scope, managerIds, scope.now);
      return { statements: t.database.statementCount() - before, digests };
    };
    const one = await count([ids.wang]);
    // Two more managers with three assistants each.
    for (const boss of ['m1', 'm2']) {
      const [lead] = await db.insert(members).values({ workspaceId: ids.ws, externalId: boss, displayName: boss, role: 'manager', timezone: 'America/New_York', createdAt: scope.now }).returning();
      await db.insert(members).values(['a', 'b', 'c'].map((x) => ({ workspaceId: ids.ws, externalId: `${boss}${x}`, displayName: `${boss}${x}`, managerId: lead!.id, timezone: 'Asia/Kolkata', createdAt: scope.now })));
    }
    const leads = await db.select({ id: members.id }).from(members).where(and(eq(members.workspaceId, ids.ws), eq(members.role, 'manager')));
    const many = await count([ids.wang, ...leads.map((l) => l.id)]);
    expect(many.digests.size).toBeGreaterThanOrEqual(3);
    expect([...many.digests.values()].filter((d) => d.assistants.length === 3)).toHaveLength(2);
    expect(many.statements).toBe(one.statements);
  });
});
