import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { kpiTargets } from '../../db/schema/kpi.ts';
import type { Scope } from '../../src/chat/context.ts';
import { computeKpis, getTargets } from '../../src/capabilities/kpi/service.ts';
import { DATABASE_KINDS, freshDatabase } from '../support/db.ts';
import { seedKpiFixture } from './kpi-fixtures.ts';

const AT = new Date('2026-11-15T12:00:00Z');

describe.each(DATABASE_KINDS)('KPI computation (%s)', (kind) => {
  let database: Database;
  let f: Awaited<ReturnType<typeof seedKpiFixture>>;
  let scope: Scope;
  beforeAll(async () => {
    database = await freshDatabase(kind);
    f = await seedKpiFixture(database.db);
    scope = { db: database.db, workspaceId: f.wsId, now: AT };
    const row = (memberId: number | null, periodKind: 'month' | 'quarter', metric: typeof kpiTargets.$inferInsert.metric, value: string) =>
      ({ workspaceId: f.wsId, memberId, periodKind, metric, value, updatedAt: AT });
    await database.db.insert(kpiTargets).values([
      row(null, 'month', 'touches', '40'),
      row(f.sh.id, 'month', 'touches', '20'),
      row(null, 'quarter', 'visits', '9'),
      row(null, 'month', 'csat', '4.5'),
      row(f.sh.id, 'month', 'sales', '2000'),
    ]);
  });
  afterAll(async () => { await database?.close(); });

  it('counts touches and visits in each member\'s own local month', async () => {
    const kpis = await computeKpis(scope, [f.sh.id, f.ny.id, f.ind.id, f.idle.id], 'month', AT);
    expect(kpis.get(f.sh.id)!.touches).toEqual({ actual: 2, previous: 3, previousToDate: 1 });
    expect(kpis.get(f.sh.id)!.visits.actual).toBe(1);
    expect(kpis.get(f.ny.id)!.touches.actual).toBe(1);
    expect(kpis.get(f.ny.id)!.touches.previous).toBe(1);
    expect(kpis.get(f.ny.id)!.visits.actual).toBe(1);
    expect(kpis.get(f.ind.id)!.touches.actual).toBe(2);
    expect(kpis.get(f.ind.id)!.touches.previous).toBe(1);
    expect(kpis.get(f.sh.id)!.period.key).toBe('2026-11');
  });

  it('computes CSAT, complaint median, sales growth, report on-time rate and coverage', async () => {
    const sh = (await computeKpis(scope, [f.sh.id], 'month', AT)).get(f.sh.id)!;
    expect(sh.csat).toEqual({ avg: 4.5, count: 2, previousAvg: 3, previousCount: 1 });
    expect(sh.complaints.resolved).toBe(3);
    expect(sh.complaints.medianHours).toBe(10);
    expect(sh.sales!.amountMinor).toBe(125_050n);
    expect(sh.sales!.previousMinor).toBe(100_040n);
    expect(sh.sales!.lastYearMinor).toBe(62_525n);
    expect(sh.sales!.growthPct).toBe(25); // 125050 / 100040 − 1 = exactly 25 %
    expect(sh.sales!.yoyPct).toBe(100);
    expect(sh.reports).toEqual({ onTime: 1, expected: 2, rate: 0.5 });
    expect(sh.coverage).toEqual({ covered: 1, assigned: 2, rate: 0.5 });
  });

  it('applies member targets over defaults, scales quarter targets, and computes pace', async () => {
    const kpis = await computeKpis(scope, [f.sh.id, f.ny.id], 'month', AT);
    const sh = kpis.get(f.sh.id)!;
    expect(sh.targets.touches).toBe(20);
    expect(sh.targets.visits).toBe(3);
    expect(sh.targets.csat).toBe(4.5);
    expect(sh.targets.sales).toBe(200_000);
    expect(kpis.get(f.ny.id)!.targets.touches).toBe(40);
    // Nov 1 00:00 Shanghai = Oct 31 16:00Z; at Nov 15 12:00Z → 14 d 20 h of 30 d elapsed.
    expect(sh.elapsedShare).toBeCloseTo(356 / 720, 6);
    const touches = sh.lines.find((l) => l.metric === 'touches')!;
    expect(touches.expected).toBe(9.9);
    expect(touches.achievementPct).toBe(10);
    // Previous month at the same point (Oct 16 07:00 local) had 1 touch; now 2.
    expect(touches.trend).toBe('up');
    const quarterly = await getTargets(scope, [f.sh.id], 'quarter');
    expect(quarterly.get(f.sh.id)!.touches).toBe(60);
    expect(quarterly.get(f.sh.id)!.visits).toBe(9);
  });

  it('returns zeros and no rates for a member with an empty period', async () => {
    const idle = (await computeKpis(scope, [f.idle.id], 'quarter', AT)).get(f.idle.id)!;
    expect(idle.period.key).toBe('2026-Q4');
    expect(idle.touches.actual).toBe(0);
    expect(idle.csat).toEqual({ avg: null, count: 0, previousAvg: null, previousCount: 0 });
    expect(idle.sales!.amountMinor).toBe(0n);
    expect(idle.sales!.growthPct).toBeNull();
    expect(idle.coverage.rate).toBeNull();
    expect(idle.complaints.medianHours).toBeNull();
  });

  it('uses local week edges: Monday 00:30 in Shanghai is still Sunday in New York', async () => {
    const at = new Date('2026-11-08T16:30:00Z'); // Mon Nov 9 00:30 Shanghai; Sun Nov 8 11:30 New York
    const kpis = await computeKpis(scope, [f.sh.id, f.ny.id], 'week', at);
    expect(kpis.get(f.sh.id)!.period.key).toBe('2026-W46');
    expect(kpis.get(f.ny.id)!.period.key).toBe('2026-W45');
    expect(kpis.get(f.sh.id)!.sales).toBeNull();
    expect(kpis.get(f.sh.id)!.touches.actual).toBe(1); // Nov 10 falls in Shanghai's W46
    expect(kpis.get(f.ny.id)!.touches.actual).toBe(0); // Nov 1 local is a Sunday: W44
  });

  it('issues the same number of statements for one member or many', async () => {
    const before = database.statementCount();
    await computeKpis(scope, [f.sh.id], 'month', AT);
    const one = database.statementCount() - before;
    const mid = database.statementCount();
    await computeKpis(scope, [f.sh.id, f.ny.id, f.ind.id, f.idle.id], 'month', AT);
    expect(database.statementCount() - mid).toBe(one);
  });
});
