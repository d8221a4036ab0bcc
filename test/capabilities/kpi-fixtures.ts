import type { Db } from '../../db/client.ts';
import { accounts } from '../../db/schema/accounts.ts';
import { feedback } from '../../db/schema/feedback.ts';
import { members } from '../../db/schema/members.ts';
import { progressReports } from '../../db/schema/reports.ts';
import { sales } from '../../db/schema/sales.ts';
import { touches } from '../../db/schema/touches.ts';
import { workspaces } from '../../db/schema/workspaces.ts';

/**
 * Seeded data for KPI tests with hand-computed expectations. Members live in Asia/Shanghai,
 * America/New_York and Asia/Kolkata; touches sit on both sides of their local month edges.
 */
export async function seedKpiFixture(db: Db) {
  const created = new Date('2026-01-01T00:00:00Z');
  const [ws] = await db.insert(workspaces).values({ platform: 'console', externalId: `kpi-${Math.random()}`, name: 'KPI' }).returning();
  const wsId = ws!.id;
  const person = async (externalId: string, timezone: string, role: 'manager' | 'assistant' = 'assistant', managerId?: number) => {
    const [m] = await db.insert(members).values({ workspaceId: wsId, externalId, displayName: externalId, role, timezone, managerId, createdAt: created }).returning();
    return m!;
  };
  const boss = await person('boss', 'Asia/Shanghai', 'manager');
  const sh = await person('sh', 'Asia/Shanghai', 'assistant', boss.id);
  const ny = await person('ny', 'America/New_York', 'assistant', boss.id);
  const ind = await person('ind', 'Asia/Kolkata', 'assistant', boss.id);
  const idle = await person('idle', 'UTC', 'assistant', boss.id);
  const account = async (name: string, assistantId: number, cadenceDays: number) => {
    const [a] = await db.insert(accounts).values({ workspaceId: wsId, name, assistantId, managerId: boss.id, cadenceDays, createdAt: created }).returning();
    return a!;
  };
  const shA = await account('SH-A', sh.id, 7);
  const shB = await account('SH-B', sh.id, 14);
  const nyA = await account('NY-A', ny.id, 7);
  const inA = await account('IN-A', ind.id, 30);

  const touch = (memberId: number, accountId: number, at: string, kind: 'call' | 'visit' = 'call') =>
    ({ workspaceId: wsId, memberId, accountId, kind, occurredAt: new Date(at) });
  await db.insert(touches).values([
    // Shanghai (+08): Nov starts 2026-10-31T16:00Z.
    touch(sh.id, shA.id, '2026-10-31T15:30:00Z'), // Oct 31 23:30 local → October
    touch(sh.id, shA.id, '2026-10-31T16:30:00Z', 'visit'), // Nov 1 00:30 local → November
    touch(sh.id, shA.id, '2026-11-10T02:00:00Z'),
    touch(sh.id, shB.id, '2026-10-20T02:00:00Z'), // October; SH-B not touched since → not covered
    touch(sh.id, shA.id, '2026-10-05T02:00:00Z'),
    // New York (−04 until Nov 1 06:00Z, then −05): Nov starts 2026-11-01T04:00Z.
    touch(ny.id, nyA.id, '2026-11-01T03:30:00Z'), // Oct 31 23:30 local → October
    touch(ny.id, nyA.id, '2026-11-01T04:30:00Z', 'visit'), // Nov 1 00:30 local → November
    // Kolkata (+05:30): Nov starts 2026-10-31T18:30Z.
    touch(ind.id, inA.id, '2026-10-31T18:29:00Z'), // Oct 31 23:59 local → October
    touch(ind.id, inA.id, '2026-10-31T18:30:00Z'), // Nov 1 00:00 local → November
    touch(ind.id, inA.id, '2026-11-14T10:00:00Z', 'visit'),
  ]);
  const fb = (memberId: number, accountId: number, score: number | null, at: string, extra: Partial<typeof feedback.$inferInsert> = {}) =>
    ({ workspaceId: wsId, memberId, accountId, score, text: 'x', receivedAt: new Date(at), ...extra });
  await db.insert(feedback).values([
    fb(sh.id, shA.id, 5, '2026-11-02T02:00:00Z'),
    fb(sh.id, shA.id, 4, '2026-11-03T02:00:00Z'),
    fb(sh.id, shA.id, 3, '2026-10-15T02:00:00Z'),
    // Complaints resolved in November after 2 h, 10 h and 30 h → median 10 h.
    fb(sh.id, shA.id, null, '2026-11-04T00:00:00Z', { isComplaint: true, status: 'resolved', resolvedAt: new Date('2026-11-04T02:00:00Z') }),
    fb(sh.id, shA.id, null, '2026-11-05T00:00:00Z', { isComplaint: true, status: 'resolved', resolvedAt: new Date('2026-11-05T10:00:00Z') }),
    fb(sh.id, shB.id, null, '2026-11-06T00:00:00Z', { isComplaint: true, status: 'resolved', resolvedAt: new Date('2026-11-07T06:00:00Z') }),
    fb(sh.id, shB.id, null, '2026-11-08T00:00:00Z', { isComplaint: true, status: 'open' }),
  ]);
  const sale = (accountId: number, memberId: number, month: string, amountMinor: bigint) =>
    ({ workspaceId: wsId, accountId, memberId, month, amountMinor, currency: 'CNY', recordedAt: created });
  await db.insert(sales).values([
    sale(shA.id, sh.id, '2026-11-01', 100_000n), // ¥1,000.00
    sale(shB.id, sh.id, '2026-11-01', 25_050n), // ¥250.50
    sale(shA.id, sh.id, '2026-10-01', 100_040n), // ¥1,000.40
    sale(shA.id, sh.id, '2025-11-01', 62_525n), // ¥625.25
    { ...sale(nyA.id, ny.id, '2026-11-01', 99_999n), currency: 'USD' }, // other currency: not in CNY KPIs
  ]);
  await db.insert(progressReports).values([
    // Shanghai: W44 (Oct 26–Nov 1) ends Nov 2 00:00 local, W45 ends Nov 9.
    { workspaceId: wsId, memberId: sh.id, periodKind: 'week', periodKey: '2026-W44', submittedAt: new Date('2026-10-30T09:00:00Z') },
    { workspaceId: wsId, memberId: sh.id, periodKind: 'week', periodKey: '2026-W45', submittedAt: new Date('2026-11-09T01:00:00Z') }, // Nov 9 09:00 local: late
  ]);
  return { wsId, boss, sh, ny, ind, idle, shA, shB, nyA, inA };
}
