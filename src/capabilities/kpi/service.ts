import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import { bonusRules } from '../../../db/schema/incentives.ts';
import { kpiTargets, type TargetMetric, type TargetPeriod } from '../../../db/schema/kpi.ts';
import { members } from '../../../db/schema/members.ts';
import type { Scope } from '../../chat/context.ts';
import { periodContaining, periodOffset, type Period } from '../../lib/time.ts';
import { growthPct } from './money.ts';

/**
 * KPI computation (绩效指标). Everything is set-based: for a list of members we build one
 * parameter row per member (their own period bounds, computed in their time zone) and run one
 * SQL statement per metric family for all of them. No per-member or per-row loops hit the
 * database. The scheduler (digests, nudges), the kpi command, reviews and bonuses all use this.
 */

export type KpiPeriodKind = 'week' | 'month' | 'quarter';
export const KPI_PERIOD_KINDS: KpiPeriodKind[] = ['week', 'month', 'quarter'];

/** Metrics that count things up over a period: their targets scale with period length and have a pace. */
export const COUNT_METRICS: TargetMetric[] = ['touches', 'visits', 'sales'];

export type Trend = 'up' | 'down' | 'flat';

/** One metric in a snapshot: actual vs target, with pace and trend. */
export interface KpiLine {
  metric: TargetMetric | 'yoy' | 'resolution';
  /** Actual value; sales in minor units as a number of minor units (exact below 2^53). */
  actual: number | null;
  target: number | null;
  /** What should be done by now (count metrics only): target × elapsed share of the period. */
  expected: number | null;
  /** Previous period's value (full period). */
  previous: number | null;
  /** Up/down vs the previous period (counts: vs the previous period at the same point). */
  trend: Trend | null;
  /** actual / target in percent (rounded), when both exist. For resolution time lower is better. */
  achievementPct: number | null;
}

/** Everything we know about one member's period. */
export interface KpiSnapshot {
  memberId: number;
  timezone: string;
  periodKind: KpiPeriodKind;
  period: Period;
  previous: Period;
  /** Share of the period that has elapsed at `at` (0..1; 1 for past periods). */
  elapsedShare: number;
  touches: { actual: number; previous: number; previousToDate: number };
  visits: { actual: number; previous: number; previousToDate: number };
  csat: { avg: number | null; count: number; previousAvg: number | null; previousCount: number };
  /** Sales in the workspace's KPI currency; null for weeks (sales are monthly figures). */
  sales: {
    currency: string;
    amountMinor: bigint;
    previousMinor: bigint;
    lastYearMinor: bigint;
    growthPct: number | null;
    yoyPct: number | null;
  } | null;
  reports: { onTime: number; expected: number; rate: number | null };
  complaints: { resolved: number; medianHours: number | null; previousMedianHours: number | null };
  coverage: { covered: number; assigned: number; rate: number | null };
  targets: Partial<Record<TargetMetric, number>>;
  lines: KpiLine[];
}

/** Options for computeKpis. */
export interface ComputeOptions {
  /** Currency for sales figures; defaults to the bonus rules' currency, else CNY. */
  currency?: string;
  /** Member time zones when the caller already has them (saves one statement). */
  timezones?: Map<number, string>;
  /** When members joined, with `timezones`: reports are not expected before someone joined. */
  joinedAt?: Map<number, Date>;
  /** The period containing `at` is over: measure it as of its end (no pace, full share). */
  complete?: boolean;
}

interface MemberPeriods {
  memberId: number;
  timezone: string;
  period: Period;
  previous: Period;
  share: number;
  /** Instant in the previous period matching `share`, for fair trend comparison. */
  previousCut: Date;
  /** min(at, period end): the "as of" moment for coverage and report expectations. */
  asOf: Date;
  months: { start: string; end: string; prevStart: string; prevEnd: string; lyStart: string; lyEnd: string } | null;
  expectedReports: number;
}

/** Postgres array literal for ints. */
function intArray(values: number[]): string {
  return `{${values.map((v) => String(Math.trunc(v))).join(',')}}`;
}

/** Postgres array literal for text (quoted, escaped). */
function textArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

function monthBounds(period: Period, kind: KpiPeriodKind): MemberPeriods['months'] {
  if (kind === 'week') return null;
  // Sales are per calendar month: the period's local months, as dates.
  const [y, m] = period.key.includes('Q')
    ? [Number(period.key.slice(0, 4)), (Number(period.key.slice(-1)) - 1) * 3 + 1]
    : [Number(period.key.slice(0, 4)), Number(period.key.slice(5, 7))];
  const len = kind === 'quarter' ? 3 : 1;
  const add = (year: number, month: number, n: number) => {
    const total = year * 12 + (month - 1) + n;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01`;
  };
  return {
    start: add(y, m, 0), end: add(y, m, len),
    prevStart: add(y, m, -len), prevEnd: add(y, m, 0),
    lyStart: add(y, m, -12), lyEnd: add(y, m, len - 12),
  };
}

function weeksEndedIn(period: Period, asOf: Date, timezone: string, joinedAt?: Date): number {
  // Weekly reports are due when their week ends; count the weeks that ended inside the period by
  // asOf, and (for newcomers) after the member joined.
  let count = 0;
  let week = periodContaining('week', period.start, timezone);
  for (let i = 0; i < 20 && week.end <= asOf; i += 1) {
    if (week.end > period.start && week.end <= period.end && (!joinedAt || week.end > joinedAt)) count += 1;
    week = periodContaining('week', week.end, timezone);
  }
  return count;
}

function periodsFor(memberId: number, timezone: string, kind: KpiPeriodKind, at: Date, complete = false): MemberPeriods {
  const period = periodContaining(kind, at, timezone);
  const previous = periodOffset(kind, at, timezone, -1);
  const length = period.end.getTime() - period.start.getTime();
  const asOf = complete ? period.end : new Date(Math.min(at.getTime(), period.end.getTime()));
  const share = Math.max(0, Math.min(1, (asOf.getTime() - period.start.getTime()) / length));
  const previousCut = new Date(previous.start.getTime() + share * (previous.end.getTime() - previous.start.getTime()));
  return {
    memberId, timezone, period, previous, share, previousCut, asOf,
    months: monthBounds(period, kind), expectedReports: weeksEndedIn(period, asOf, timezone),
  };
}

/** The per-member parameter rows as a SQL `p` relation. */
function paramsRelation(rows: MemberPeriods[]): SQL {
  return sql`unnest(
    ${intArray(rows.map((r) => r.memberId))}::int[],
    ${textArray(rows.map((r) => r.timezone))}::text[],
    ${textArray(rows.map((r) => r.period.start.toISOString()))}::timestamptz[],
    ${textArray(rows.map((r) => r.period.end.toISOString()))}::timestamptz[],
    ${textArray(rows.map((r) => r.previous.start.toISOString()))}::timestamptz[],
    ${textArray(rows.map((r) => r.previousCut.toISOString()))}::timestamptz[],
    ${textArray(rows.map((r) => r.asOf.toISOString()))}::timestamptz[]
  ) as p(member_id, tz, s, e, ps, pcut, as_of)`;
}

function salesRelation(rows: MemberPeriods[]): SQL {
  const m = rows.map((r) => r.months!);
  return sql`unnest(
    ${intArray(rows.map((r) => r.memberId))}::int[],
    ${textArray(m.map((x) => x.start))}::date[], ${textArray(m.map((x) => x.end))}::date[],
    ${textArray(m.map((x) => x.prevStart))}::date[], ${textArray(m.map((x) => x.prevEnd))}::date[],
    ${textArray(m.map((x) => x.lyStart))}::date[], ${textArray(m.map((x) => x.lyEnd))}::date[]
  ) as p(member_id, ms, me, pms, pme, lys, lye)`;
}

/** Workspace KPI currency: the bonus rules' currency, else CNY. */
export async function kpiCurrency(scope: Scope): Promise<string> {
  const [row] = await scope.db.select({ currency: bonusRules.currency }).from(bonusRules).where(eq(bonusRules.workspaceId, scope.workspaceId));
  return row?.currency ?? 'CNY';
}

const DAYS_PER_MONTH = 365.25 / 12;

function scaleTarget(metric: TargetMetric, value: number, from: TargetPeriod, to: KpiPeriodKind): number {
  if (!COUNT_METRICS.includes(metric) || from === to) return value;
  const fromDays = from === 'month' ? DAYS_PER_MONTH : DAYS_PER_MONTH * 3;
  const toDays = to === 'week' ? 7 : to === 'month' ? DAYS_PER_MONTH : DAYS_PER_MONTH * 3;
  const scaled = value * (toDays / fromDays);
  // Sales targets are in minor units: keep them whole. Counts keep one decimal.
  return metric === 'sales' ? Math.round(scaled) : Math.round(scaled * 10) / 10;
}

/**
 * Effective targets for members and a period kind, in one query. For each metric the most
 * specific target wins: the member's own for this period kind, the member's own for the other
 * kind (scaled by length for counts), the workspace default for this kind, then the scaled default.
 * Sales targets come back in minor units.
 */
export async function getTargets(scope: Scope, memberIds: number[], periodKind: KpiPeriodKind): Promise<Map<number, Partial<Record<TargetMetric, number>>>> {
  const result = new Map<number, Partial<Record<TargetMetric, number>>>(memberIds.map((id) => [id, {}]));
  if (!memberIds.length) return result;
  const rows = await scope.db.select().from(kpiTargets).where(and(
    eq(kpiTargets.workspaceId, scope.workspaceId),
    or(isNull(kpiTargets.memberId), inArray(kpiTargets.memberId, memberIds)),
  ));
  const rank = (memberSpecific: boolean, exact: boolean) => (memberSpecific ? 0 : 2) + (exact ? 0 : 1);
  for (const id of memberIds) {
    const best = new Map<TargetMetric, { rank: number; value: number }>();
    for (const row of rows) {
      if (row.memberId !== null && row.memberId !== id) continue;
      const r = rank(row.memberId !== null, row.periodKind === periodKind);
      const current = best.get(row.metric);
      if (current && current.rank <= r) continue;
      best.set(row.metric, { rank: r, value: scaleTarget(row.metric, Number(row.value) * (row.metric === 'sales' ? 100 : 1), row.periodKind, periodKind) });
    }
    const targets: Partial<Record<TargetMetric, number>> = {};
    for (const [metric, { value }] of best) targets[metric] = value;
    result.set(id, targets);
  }
  return result;
}

function trendOf(actual: number | null, previous: number | null, lowerIsBetter = false): Trend | null {
  if (actual === null || previous === null) return null;
  const diff = actual - previous;
  if (Math.abs(diff) < 1e-9) return 'flat';
  return (diff > 0) !== lowerIsBetter ? 'up' : 'down';
}

function achievement(actual: number | null, target: number | null): number | null {
  if (actual === null || target === null || target <= 0) return null;
  return Math.round((actual / target) * 100);
}

function buildLines(s: Omit<KpiSnapshot, 'lines'>): KpiLine[] {
  const t = s.targets;
  const count = (metric: 'touches' | 'visits', v: { actual: number; previous: number; previousToDate: number }): KpiLine => ({
    metric, actual: v.actual, target: t[metric] ?? null,
    expected: t[metric] !== undefined ? Math.round(t[metric]! * s.elapsedShare * 10) / 10 : null,
    previous: v.previous, trend: trendOf(v.actual, v.previousToDate), achievementPct: achievement(v.actual, t[metric] ?? null),
  });
  const lines: KpiLine[] = [count('touches', s.touches), count('visits', s.visits)];
  lines.push({
    metric: 'csat', actual: s.csat.avg, target: t.csat ?? null, expected: null, previous: s.csat.previousAvg,
    trend: trendOf(s.csat.avg, s.csat.previousAvg), achievementPct: achievement(s.csat.avg, t.csat ?? null),
  });
  if (s.sales) {
    const actual = Number(s.sales.amountMinor);
    lines.push({
      metric: 'sales', actual, target: t.sales ?? null,
      expected: t.sales !== undefined ? Math.round(t.sales * s.elapsedShare) : null,
      previous: Number(s.sales.previousMinor), trend: trendOf(actual, Number(s.sales.previousMinor)),
      achievementPct: achievement(actual, t.sales ?? null),
    });
    lines.push({
      metric: 'growth', actual: s.sales.growthPct, target: t.growth ?? null, expected: null, previous: null,
      trend: s.sales.growthPct === null ? null : trendOf(s.sales.growthPct, 0), achievementPct: achievement(s.sales.growthPct, t.growth ?? null),
    });
    lines.push({ metric: 'yoy', actual: s.sales.yoyPct, target: null, expected: null, previous: null, trend: s.sales.yoyPct === null ? null : trendOf(s.sales.yoyPct, 0), achievementPct: null });
  }
  const ontime = s.reports.rate === null ? null : Math.round(s.reports.rate * 1000) / 10;
  lines.push({ metric: 'ontime', actual: ontime, target: t.ontime ?? null, expected: null, previous: null, trend: null, achievementPct: achievement(ontime, t.ontime ?? null) });
  lines.push({
    metric: 'resolution', actual: s.complaints.medianHours, target: null, expected: null, previous: s.complaints.previousMedianHours,
    trend: trendOf(s.complaints.medianHours, s.complaints.previousMedianHours, true), achievementPct: null,
  });
  const coverage = s.coverage.rate === null ? null : Math.round(s.coverage.rate * 1000) / 10;
  lines.push({ metric: 'coverage', actual: coverage, target: t.coverage ?? null, expected: null, previous: null, trend: null, achievementPct: achievement(coverage, t.coverage ?? null) });
  return lines;
}

type Row = Record<string, unknown>;
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/**
 * Computes KPI snapshots for many members at once. Each member's period (week, month, quarter)
 * is the one containing `at` in THEIR time zone. Issues a fixed number of statements however
 * many members are asked for: members (unless `options.timezones` is given), targets, then one per metric family
 * (touches+visits, feedback: CSAT and complaints, sales, reports, coverage).
 */
export async function computeKpis(scope: Scope, memberIds: number[], periodKind: KpiPeriodKind, at: Date, options: ComputeOptions = {}): Promise<Map<number, KpiSnapshot>> {
  const result = new Map<number, KpiSnapshot>();
  const ids = [...new Set(memberIds)];
  if (!ids.length) return result;
  const people: Array<{ id: number; timezone: string; createdAt?: Date }> = options.timezones && ids.every((id) => options.timezones!.has(id))
    ? ids.map((id) => ({ id, timezone: options.timezones!.get(id)!, createdAt: options.joinedAt?.get(id) }))
    : await scope.db.select({ id: members.id, timezone: members.timezone, createdAt: members.createdAt }).from(members)
      .where(and(eq(members.workspaceId, scope.workspaceId), inArray(members.id, ids)));
  if (!people.length) return result;
  // Members in the same zone share their periods: compute each zone once.
  const byZone = new Map<string, MemberPeriods>();
  const params = people.map((p) => {
    let zone = byZone.get(p.timezone);
    if (!zone) { zone = periodsFor(0, p.timezone, periodKind, at, options.complete); byZone.set(p.timezone, zone); }
    const joinedLate = p.createdAt && p.createdAt > zone.period.start;
    const expectedReports = joinedLate ? weeksEndedIn(zone.period, zone.asOf, p.timezone, p.createdAt) : zone.expectedReports;
    return { ...zone, memberId: p.id, expectedReports };
  });
  const ws = scope.workspaceId;
  const db = scope.db;
  const p = paramsRelation(params);
  const currencySql = options.currency !== undefined
    ? sql`${options.currency}::text`
    : sql`coalesce((select br.currency from bonus_rules br where br.workspace_id = ${ws}), 'CNY')`;
  const [targets, touchRows, feedbackRows, salesRows, reportRows, coverageRows] = await Promise.all([
    getTargets(scope, ids, periodKind),
    queryRows<Row>(db, sql`
      select p.member_id,
        count(t.id) filter (where t.occurred_at >= p.s)::int as touches,
        count(t.id) filter (where t.occurred_at >= p.s and t.kind = 'visit')::int as visits,
        count(t.id) filter (where t.occurred_at < p.s)::int as prev_touches,
        count(t.id) filter (where t.occurred_at < p.s and t.kind = 'visit')::int as prev_visits,
        count(t.id) filter (where t.occurred_at < p.pcut)::int as prev_touches_to_date,
        count(t.id) filter (where t.occurred_at < p.pcut and t.kind = 'visit')::int as prev_visits_to_date
      from ${p}
      left join touches t on t.workspace_id = ${ws} and t.member_id = p.member_id
        and t.occurred_at >= p.ps and t.occurred_at < p.e
      group by p.member_id`),
    // Feedback family: CSAT (by received time) and complaint resolution (by resolved time).
    queryRows<Row>(db, sql`
      select p.member_id,
        avg(f.score) filter (where f.score is not null and f.received_at >= p.s and f.received_at < p.e)::float8 as csat,
        count(f.score) filter (where f.received_at >= p.s and f.received_at < p.e)::int as csat_n,
        avg(f.score) filter (where f.score is not null and f.received_at >= p.ps and f.received_at < p.s)::float8 as prev_csat,
        count(f.score) filter (where f.received_at >= p.ps and f.received_at < p.s)::int as prev_csat_n,
        count(f.id) filter (where f.is_complaint and f.resolved_at >= p.s and f.resolved_at < p.e)::int as resolved,
        (percentile_cont(0.5) within group (order by extract(epoch from (f.resolved_at - f.received_at)) / 3600.0)
          filter (where f.is_complaint and f.resolved_at >= p.s and f.resolved_at < p.e))::float8 as median_h,
        (percentile_cont(0.5) within group (order by extract(epoch from (f.resolved_at - f.received_at)) / 3600.0)
          filter (where f.is_complaint and f.resolved_at >= p.ps and f.resolved_at < p.s))::float8 as prev_median_h
      from ${p}
      left join feedback f on f.workspace_id = ${ws} and f.member_id = p.member_id
        and ((f.received_at >= p.ps and f.received_at < p.e and f.score is not null)
          or (f.is_complaint and f.resolved_at >= p.ps and f.resolved_at < p.e))
      group by p.member_id`),
    periodKind === 'week' ? Promise.resolve([] as Row[]) : queryRows<Row>(db, sql`
      select p.member_id,
        coalesce(sum(s.amount_minor) filter (where s.month >= p.ms and s.month < p.me), 0)::text as cur,
        coalesce(sum(s.amount_minor) filter (where s.month >= p.pms and s.month < p.pme), 0)::text as prev,
        coalesce(sum(s.amount_minor) filter (where s.month >= p.lys and s.month < p.lye), 0)::text as ly,
        min(cur.code) as currency
      from ${salesRelation(params)}
      cross join (select ${currencySql} as code) cur
      left join sales s on s.workspace_id = ${ws} and s.member_id = p.member_id and s.currency = cur.code
        and ((s.month >= p.lys and s.month < p.lye) or (s.month >= p.pms and s.month < p.me))
      group by p.member_id`),
    queryRows<Row>(db, sql`
      select p.member_id, count(distinct r.period_key)::int as on_time
      from ${p}
      join progress_reports r on r.workspace_id = ${ws} and r.member_id = p.member_id and r.period_kind = 'week'
        and r.submitted_at < p.e + interval '7 days'
        and r.submitted_at <= ((to_date(r.period_key, 'IYYY-"W"IW') + 7)::timestamp at time zone p.tz)
        and ((to_date(r.period_key, 'IYYY-"W"IW') + 7)::timestamp at time zone p.tz) > p.s
        and ((to_date(r.period_key, 'IYYY-"W"IW') + 7)::timestamp at time zone p.tz) <= p.as_of
      group by p.member_id`),
    queryRows<Row>(db, sql`
      select p.member_id, count(a.id)::int as assigned,
        count(a.id) filter (where lt.last_at >= p.as_of - make_interval(days => a.cadence_days))::int as covered
      from ${p}
      join accounts a on a.workspace_id = ${ws} and a.assistant_id = p.member_id and a.archived_at is null
      left join lateral (
        select max(t.occurred_at) as last_at from touches t
        where t.workspace_id = ${ws} and t.account_id = a.id and t.occurred_at < p.as_of
      ) lt on true
      group by p.member_id`),
  ]);

  const byMember = (rows: Row[]) => new Map(rows.map((r) => [Number(r.member_id), r]));
  const touchBy = byMember(touchRows), feedbackBy = byMember(feedbackRows);
  const salesBy = byMember(salesRows), reportBy = byMember(reportRows), coverageBy = byMember(coverageRows);

  for (const m of params) {
    const tr = touchBy.get(m.memberId) ?? {};
    const cr = feedbackBy.get(m.memberId) ?? {};
    const kr = cr;
    const sr = salesBy.get(m.memberId);
    const rr = reportBy.get(m.memberId) ?? {};
    const vr = coverageBy.get(m.memberId) ?? {};
    const currency = options.currency ?? String(sr?.currency ?? 'CNY');
    const sales = m.months ? (() => {
      const amountMinor = BigInt(String(sr?.cur ?? '0'));
      const previousMinor = BigInt(String(sr?.prev ?? '0'));
      const lastYearMinor = BigInt(String(sr?.ly ?? '0'));
      return { currency, amountMinor, previousMinor, lastYearMinor, growthPct: growthPct(amountMinor, previousMinor), yoyPct: growthPct(amountMinor, lastYearMinor) };
    })() : null;
    const onTime = Math.min(num(rr.on_time), m.expectedReports);
    const assigned = num(vr.assigned);
    const base: Omit<KpiSnapshot, 'lines'> = {
      memberId: m.memberId, timezone: m.timezone, periodKind, period: m.period, previous: m.previous,
      elapsedShare: m.share,
      touches: { actual: num(tr.touches), previous: num(tr.prev_touches), previousToDate: num(tr.prev_touches_to_date) },
      visits: { actual: num(tr.visits), previous: num(tr.prev_visits), previousToDate: num(tr.prev_visits_to_date) },
      csat: { avg: round1x(numOrNull(cr.csat)), count: num(cr.csat_n), previousAvg: round1x(numOrNull(cr.prev_csat)), previousCount: num(cr.prev_csat_n) },
      sales,
      reports: { onTime, expected: m.expectedReports, rate: m.expectedReports ? onTime / m.expectedReports : null },
      complaints: { resolved: num(kr.resolved), medianHours: round1(numOrNull(kr.median_h)), previousMedianHours: round1(numOrNull(kr.prev_median_h)) },
      coverage: { covered: num(vr.covered), assigned, rate: assigned ? num(vr.covered) / assigned : null },
      targets: targets.get(m.memberId) ?? {},
    };
    result.set(m.memberId, { ...base, lines: buildLines(base) });
  }
  return result;
}

/** CSAT averages keep two decimals (4.67), enough to compare with a 4.5 target. */
function round1x(v: number | null): number | null {
  return v === null ? null : Math.round(v * 100) / 100;
}
