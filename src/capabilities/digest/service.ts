import { and, asc, eq, sql } from 'drizzle-orm';
import { intArray, queryRows } from '../../../db/client.ts';
import { groupBy } from '../../lib/collections.ts';
import { members, type Member } from '../../../db/schema/members.ts';
import type { Scope } from '../../chat/context.ts';
import { addDays, localDate, localParts, periodOffset, weekdayOf, zonedTimeToInstant } from '../../lib/time.ts';
import { workingDayMap } from '../holidays/service.ts';
import { computeKpis, type KpiSnapshot } from '../kpi/service.ts';

/** CSAT below this (average over 90 days) puts an account at risk. */
export const LOW_CSAT = 3.5;
export const RECOGNITION_GAP_DAYS = 30;

export interface AssistantDigest {
  member: Member;
  /** Last week's KPI snapshot (actual vs weekly target, trend vs the week before). */
  kpi?: KpiSnapshot;
  reportsSubmitted: number;
  reportsExpected: number;
  openComplaints: number;
  kudosReceived: number;
  kudosGiven: number;
  /** False when neither kudos nor a recognition post named them in the last 30 days. */
  recognisedRecently: boolean;
}

export interface RiskAccount {
  id: number;
  name: string;
  tier: string;
  assistantId: number;
  /** Days since the last touch (null: never touched). */
  daysSinceTouch: number | null;
  cadenceDays: number;
  csat: number | null;
  reason: 'cadence' | 'csat' | 'both';
}

export interface OverdueItem {
  id: number;
  ownerId: number;
  task: string;
  dueDate: string;
}

export type TopAction =
  | { kind: 'complaints'; memberId: number; count: number }
  | { kind: 'risk'; accountName: string; memberId: number; days: number | null; csat: number | null }
  | { kind: 'overdueItems'; memberId: number; count: number }
  | { kind: 'reports'; memberId: number; missed: number }
  | { kind: 'pace'; memberId: number; pct: number }
  | { kind: 'recognise'; memberId: number };

/** Everything the manager weekly digest (周报) shows. */
export interface Digest {
  manager: Member;
  /** The week the digest covers (ISO week key in the manager's zone), e.g. 2026-W48. */
  weekKey: string;
  weekStart: string;
  weekEnd: string;
  assistants: AssistantDigest[];
  atRisk: RiskAccount[];
  overdueItems: OverdueItem[];
  topActions: TopAction[];
}

type Row = Record<string, unknown>;

/** A pure function of a string, computed once per distinct argument. */
function memo<T>(fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined && !cache.has(key)) { value = fn(key); cache.set(key, value); }
    return value as T;
  };
}

/**
 * Builds the weekly digest for many managers of one workspace with a fixed number of SQL
 * statements (managers, assistants, KPIs, reports, counts, accounts at risk, overdue items,
 * holidays): the statement count does not grow with the number of managers or assistants.
 * "Last week" is the last complete ISO week in each manager's zone; each assistant's days of
 * that week are taken in the assistant's own zone.
 */
export async function buildDigests(scope: Scope, managerIds: number[], now: Date): Promise<Map<number, Digest>> {
  const out = new Map<number, Digest>();
  const ids = [...new Set(managerIds)];
  if (!ids.length) return out;
  const ws = scope.workspaceId;
  const managers = await scope.db.select().from(members).where(and(eq(members.workspaceId, ws), sql`${members.id} = any(${intArray(ids)})`));
  const team = await scope.db.select().from(members).where(and(
    eq(members.workspaceId, ws), eq(members.active, true), eq(members.isBot, false), sql`${members.managerId} = any(${intArray(ids)})`,
  )).orderBy(asc(members.displayName));
  const managerOf = new Map(managers.map((m) => [m.id, m]));
  const weekOf = new Map(managers.map((m) => [m.id, periodOffset('week', now, m.timezone, -1)]));
  const assistantIds = team.map((a) => a.id);

  // Date arithmetic is memoised: a team shares a handful of (week, zone) pairs, and the time
  // helpers are slow enough to dominate at a thousand assistants.
  const weekDates = memo((start: string) => Array.from({ length: 8 }, (_, i) => addDays(start, i)));
  const midnight = memo((key: string) => {
    const [date, zone] = key.split('|') as [string, string];
    return zonedTimeToInstant(date, '00:00', zone)!.toISOString();
  });
  const weekStartOf = new Map([...weekOf].map(([id, week]) => [id, localParts(week.start, week.timezone).date]));
  // Each assistant: the local dates of the manager's last week, in the assistant's own zone.
  const windows = team.map((a) => {
    const week = weekOf.get(a.managerId!)!;
    const start = weekStartOf.get(a.managerId!)!;
    const dates = weekDates(start);
    return {
      member_id: a.id, d0: start, d6: dates[6]!, wk: week.key,
      f: midnight(`${start}|${a.timezone}`), t: midnight(`${dates[7]!}|${a.timezone}`),
    };
  });
  const windowOf = new Map(windows.map((w) => [w.member_id, w]));
  const allDates = new Set<string>();
  for (const w of windows) for (const d of weekDates(w.d0).slice(0, 7)) allDates.add(d);
  const weekday = memo((d: string) => weekdayOf(d));
  const since30 = new Date(now.getTime() - RECOGNITION_GAP_DAYS * 86_400_000).toISOString();
  const since90 = new Date(now.getTime() - 90 * 86_400_000).toISOString();
  const input = JSON.stringify(windows);
  const weekMid = new Map<number, Date>();
  for (const [id, week] of weekOf) weekMid.set(id, new Date((week.start.getTime() + week.end.getTime()) / 2));
  // One KPI computation for everyone: the middle of last week lands in that ISO week in any zone.
  const kpiAt = weekMid.values().next().value ?? now;

  const [kpis, days, reportRows, countRows, riskRows, itemRows] = await Promise.all([
    assistantIds.length ? computeKpis(scope, assistantIds, 'week', kpiAt) : Promise.resolve(new Map<number, KpiSnapshot>()),
    workingDayMap(scope, [...allDates]),
    assistantIds.length ? queryRows<Row>(scope.db, sql`
      select w.member_id,
        count(r.id) filter (where r.period_kind = 'day' and r.period_key >= w.d0 and r.period_key <= w.d6)::int as daily,
        count(r.id) filter (where r.period_kind = 'week' and r.period_key = w.wk)::int as weekly
      from jsonb_to_recordset(${input}::jsonb) as w(member_id int, d0 text, d6 text, wk text, f timestamptz, t timestamptz)
      left join progress_reports r on r.workspace_id = ${ws} and r.member_id = w.member_id
        and ((r.period_kind = 'day' and r.period_key >= w.d0 and r.period_key <= w.d6) or (r.period_kind = 'week' and r.period_key = w.wk))
      group by w.member_id`) : Promise.resolve([]),
    assistantIds.length ? queryRows<Row>(scope.db, sql`
      select w.member_id,
        (select count(*) from feedback f where f.workspace_id = ${ws} and f.member_id = w.member_id and f.is_complaint and f.status is distinct from 'resolved')::int as open_complaints,
        (select count(*) from kudos k where k.workspace_id = ${ws} and k.receiver_id = w.member_id and k.given_at >= w.f and k.given_at < w.t)::int as kudos_received,
        (select count(*) from kudos k where k.workspace_id = ${ws} and k.giver_id = w.member_id and k.given_at >= w.f and k.given_at < w.t)::int as kudos_given,
        (exists (select 1 from kudos k where k.workspace_id = ${ws} and k.receiver_id = w.member_id and k.given_at >= ${since30}::timestamptz)
          or exists (select 1 from recognitions g where g.workspace_id = ${ws} and g.member_id = w.member_id and g.posted_at >= ${since30}::timestamptz)) as recognised
      from jsonb_to_recordset(${input}::jsonb) as w(member_id int, d0 text, d6 text, wk text, f timestamptz, t timestamptz)`) : Promise.resolve([]),
    assistantIds.length ? queryRows<Row>(scope.db, sql`
      select a.id, a.name, a.tier, a.assistant_id, a.cadence_days,
        floor(extract(epoch from (${now.toISOString()}::timestamptz - lt.last_touch)) / 86400)::int as days_since,
        fb.csat
      from accounts a
      left join lateral (select max(t.occurred_at) as last_touch from touches t where t.workspace_id = a.workspace_id and t.account_id = a.id) lt on true
      left join lateral (select avg(f.score)::float8 as csat from feedback f
        where f.workspace_id = a.workspace_id and f.account_id = a.id and f.score is not null and f.received_at >= ${since90}::timestamptz) fb on true
      where a.workspace_id = ${ws} and a.archived_at is null and a.assistant_id = any(${intArray(assistantIds)})
        and (lt.last_touch is null or lt.last_touch < ${now.toISOString()}::timestamptz - a.cadence_days * interval '1 day' or fb.csat < ${LOW_CSAT})
      order by lt.last_touch asc nulls first, a.id`) : Promise.resolve([]),
    queryRows<Row>(scope.db, sql`
      select a.id, a.manager_id, a.owner_id, a.task, to_char(a.due_date, 'YYYY-MM-DD') as due_date
      from action_items a
      where a.workspace_id = ${ws} and a.status = 'open' and a.manager_id = any(${intArray(ids)})
        and a.due_date < ${addDays(localParts(now, 'UTC').date, 1)}::date
      order by a.due_date, a.id`),
  ]);

  const reportsOf = new Map(reportRows.map((r) => [Number(r.member_id), r]));
  const countsOf = new Map(countRows.map((r) => [Number(r.member_id), r]));
  const teamOf = groupBy(team, (a) => a.managerId!);
  const risksOf = groupBy(riskRows, (r) => Number(r.assistant_id));
  const itemsOf = groupBy(itemRows, (r) => Number(r.manager_id));

  for (const managerId of ids) {
    const manager = managerOf.get(managerId);
    if (!manager) continue;
    const week = weekOf.get(managerId)!;
    const weekStart = weekStartOf.get(managerId)!;
    const assistants: AssistantDigest[] = (teamOf.get(managerId) ?? []).map((member) => {
      const w = windowOf.get(member.id)!;
      const r = reportsOf.get(member.id);
      const c = countsOf.get(member.id);
      // Working days of the week since the member joined: nobody misses reports before day one.
      const joined = localDate(member.createdAt, member.timezone);
      let expected = 0;
      for (const d of weekDates(w.d0).slice(0, 7)) {
        if (d >= joined && (days.get(d) ?? weekday(d) <= 5)) expected += 1;
      }
      const weekly = Number(r?.weekly ?? 0);
      return {
        member, kpi: kpis.get(member.id),
        // A weekly report stands in for the week's daily reports.
        reportsSubmitted: weekly ? expected : Math.min(expected, Number(r?.daily ?? 0)),
        reportsExpected: expected,
        openComplaints: Number(c?.open_complaints ?? 0),
        kudosReceived: Number(c?.kudos_received ?? 0),
        kudosGiven: Number(c?.kudos_given ?? 0),
        recognisedRecently: Boolean(c?.recognised),
      };
    });
    const managerToday = localParts(now, manager.timezone).date;
    const atRisk: RiskAccount[] = assistants.flatMap((a) => (risksOf.get(a.member.id) ?? []).map((r) => {
      const daysSince = r.days_since === null ? null : Number(r.days_since);
      const cadence = Number(r.cadence_days);
      const csat = r.csat === null ? null : Number(r.csat);
      const late = daysSince === null || daysSince >= cadence;
      const low = csat !== null && csat < LOW_CSAT;
      return { id: Number(r.id), name: String(r.name), tier: String(r.tier), assistantId: a.member.id, daysSinceTouch: daysSince, cadenceDays: cadence, csat, reason: late && low ? 'both' as const : low ? 'csat' as const : 'cadence' as const };
    }));
    const overdueItems: OverdueItem[] = (itemsOf.get(managerId) ?? [])
      .filter((i) => String(i.due_date) < managerToday)
      .map((i) => ({ id: Number(i.id), ownerId: Number(i.owner_id), task: String(i.task), dueDate: String(i.due_date) }));
    out.set(managerId, {
      manager, weekKey: week.key, weekStart, weekEnd: weekDates(weekStart)[6]!, assistants, atRisk, overdueItems,
      topActions: topActions(assistants, atRisk, overdueItems),
    });
  }
  return out;
}

/**
 * The three things most worth the manager's time, by weight: open complaints first (a client
 * is waiting), then accounts at risk, overdue action items, missed reports, KPI pace, and people
 * nobody has recognised for a month.
 */
export function topActions(assistants: AssistantDigest[], atRisk: RiskAccount[], overdue: OverdueItem[]): TopAction[] {
  const scored: Array<{ score: number; action: TopAction }> = [];
  for (const a of assistants) {
    const id = a.member.id;
    if (a.openComplaints) scored.push({ score: 100 + a.openComplaints * 10, action: { kind: 'complaints', memberId: id, count: a.openComplaints } });
    const missed = a.reportsExpected - a.reportsSubmitted;
    if (missed >= 2) scored.push({ score: 40 + missed * 5, action: { kind: 'reports', memberId: id, missed } });
    const touches = a.kpi?.lines.find((l) => l.metric === 'touches');
    if (touches?.achievementPct !== null && touches?.achievementPct !== undefined && touches.achievementPct < 70) {
      scored.push({ score: 30 + (70 - touches.achievementPct) / 2, action: { kind: 'pace', memberId: id, pct: touches.achievementPct } });
    }
    if (!a.recognisedRecently) scored.push({ score: 20, action: { kind: 'recognise', memberId: id } });
  }
  for (const r of atRisk) {
    const tierWeight = r.tier === 'A' ? 30 : r.tier === 'B' ? 15 : 0;
    scored.push({ score: 60 + tierWeight + (r.reason === 'both' ? 10 : 0), action: { kind: 'risk', accountName: r.name, memberId: r.assistantId, days: r.daysSinceTouch, csat: r.csat } });
  }
  for (const [ownerId, items] of groupBy(overdue, (i) => i.ownerId)) {
    scored.push({ score: 50 + items.length * 5, action: { kind: 'overdueItems', memberId: ownerId, count: items.length } });
  }
  return scored.sort((x, y) => y.score - x.score).slice(0, 3).map((s) => s.action);
}
