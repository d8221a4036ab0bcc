import { queryRows, sql, type Db } from '../../db/client.ts';
import { DEFAULT_NUDGE_MINUTES } from '../../db/schema/schedule.ts';
import { getTargets } from '../capabilities/kpi/service.ts';
import type { Translator } from '../chat/i18n/index.ts';
import { message, type Button, type Message } from '../chat/message.ts';
import { addDays, formatClockTime, periodContaining, type Period } from '../lib/time.ts';
import { findDueMembers, memberSubject, previousWorkingDay, reportCadence, type DueMember } from './due.ts';
import { REPORT_FORM_ACTION } from './report-reminders.ts';
import { finishRun, type JobRunWrite } from './runs.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobRunReport } from './types.ts';

export const NUDGE_JOB = 'nudges';
/** Hours a complaint may stay unacknowledged before it shows up in a nudge. */
export const COMPLAINT_RESPONSE_HOURS = 24;
/** Items shown per family and in total: a nudge is a short list, not a report. */
export const NUDGE_ITEMS_PER_FAMILY = 3;
export const NUDGE_MAX_ITEMS = 8;
/** Snoozing hides an item for this many days (today included). */
export const SNOOZE_DAYS = 3;
/** Button actions of nudge items (handled by the schedule capability). */
export const NUDGE_ACTIONS = { act: 'nudge.act', snooze: 'nudge.snooze', report: REPORT_FORM_ACTION } as const;
/** KPI pace: a count target is "behind" below this share of what should be done by now. */
const KPI_BEHIND_RATIO = 0.8;
/** Too early in the month to judge the pace before this share has passed. */
const KPI_MIN_ELAPSED = 0.25;

// Overdue meeting action items are left to the action-item reminder job (one reminder, not two).
export type NudgeFamily = 'complaint' | 'step' | 'report' | 'cadence' | 'training' | 'kpi';
const FAMILY_ORDER: NudgeFamily[] = ['complaint', 'step', 'report', 'cadence', 'training', 'kpi'];

/** One thing that needs the assistant's attention, with its one-click actions. */
export interface NudgeItem {
  family: NudgeFamily;
  /** Snooze key, e.g. `step:12`. */
  key: string;
  text: string;
  buttons: Button[];
}

type Row = Record<string, unknown>;
const key = (w: unknown, m: unknown) => `${Number(w)}:${Number(m)}`;

/** The due-member relation every item query joins: one jsonb parameter, no per-member statements. */
function dueRelation(members: DueMember[], days: Map<number, Map<string, boolean>>) {
  return JSON.stringify(members.map((m) => ({
    w: m.workspaceId, m: m.memberId, d: m.localDate,
    p: previousWorkingDay(days.get(m.workspaceId), m.localDate),
    r: reportCadence(m.workspaceSettings) === 'day',
  })));
}

/**
 * Loads every item family for all due members: one statement per family (plus the KPI
 * service's fixed set per workspace), whatever the number of members.
 */
export async function loadNudgeItems(db: Db, now: Date, members: DueMember[], days: Map<number, Map<string, boolean>>): Promise<Map<string, Row[]>> {
  const byMember = new Map<string, Row[]>();
  if (!members.length) return byMember;
  const due = dueRelation(members, days);
  const at = now.toISOString();
  const rel = sql`json_to_recordset(${due}::json) as d(w int, m int, d date, p date, r boolean)`;
  const snoozed = (itemKey: ReturnType<typeof sql>) => sql`not exists (select 1 from nudge_snoozes s
    where s.workspace_id = d.w and s.member_id = d.m and s.item_key = ${itemKey} and s.until_date >= d.d)`;
  const limit = NUDGE_ITEMS_PER_FAMILY;

  // The KPI pace runs alongside the item families (it is the heaviest part).
  const kpi = kpiBehind(db, now, members);
  const [steps, cadence, complaints, reports, training] = await Promise.all([
    queryRows<Row>(db, sql`
      select * from (
        select 'step' as family, d.w, d.m, t.id, a.name as account, t.next_step as title, to_char(t.next_step_due, 'YYYY-MM-DD') as due,
          row_number() over (partition by d.w, d.m order by t.next_step_due, t.id) as rn,
          count(*) over (partition by d.w, d.m) as total
        from ${rel}
        join touches t on t.workspace_id = d.w and t.member_id = d.m
        join accounts a on a.workspace_id = t.workspace_id and a.id = t.account_id
        where t.next_step is not null and t.next_step_due < d.d and t.next_step_done_at is null
          and ${snoozed(sql`'step:' || t.id`)}) x
      where rn <= ${limit}`),
    queryRows<Row>(db, sql`
      select * from (
        select 'cadence' as family, d.w, d.m, a.id, a.name as account, a.cadence_days as cadence,
          floor(extract(epoch from (${at}::timestamptz - coalesce(lt.last, a.created_at))) / 86400)::int as days,
          row_number() over (partition by d.w, d.m order by coalesce(lt.last, a.created_at), a.id) as rn,
          count(*) over (partition by d.w, d.m) as total
        from ${rel}
        join accounts a on a.workspace_id = d.w and a.assistant_id = d.m and a.archived_at is null
        left join lateral (select max(t.occurred_at) as last from touches t
          where t.workspace_id = a.workspace_id and t.account_id = a.id) lt on true
        where coalesce(lt.last, a.created_at) < ${at}::timestamptz - make_interval(days => a.cadence_days)
          and ${snoozed(sql`'cadence:' || a.id`)}) x
      where rn <= ${limit}`),
    queryRows<Row>(db, sql`
      select * from (
        select 'complaint' as family, d.w, d.m, f.id, a.name as account, left(f.text, 80) as title,
          floor(extract(epoch from (${at}::timestamptz - f.received_at)) / 3600)::int as hours,
          row_number() over (partition by d.w, d.m order by f.received_at, f.id) as rn,
          count(*) over (partition by d.w, d.m) as total
        from feedback f
        join accounts a on a.workspace_id = f.workspace_id and a.id = f.account_id
        join ${rel} on d.w = f.workspace_id and d.m = coalesce(a.assistant_id, f.member_id)
        where f.is_complaint and f.status = 'open'
          and f.received_at < ${at}::timestamptz - make_interval(hours => ${COMPLAINT_RESPONSE_HOURS})
          and ${snoozed(sql`'complaint:' || f.id`)}) x
      where rn <= ${limit}`),
    queryRows<Row>(db, sql`
      select 'report' as family, d.w, d.m, to_char(d.p, 'YYYY-MM-DD') as due, 1 as total
      from ${rel}
      join members mm on mm.workspace_id = d.w and mm.id = d.m
      where d.r and mm.created_at < d.p::timestamp
        and not exists (select 1 from progress_reports r where r.workspace_id = d.w and r.member_id = d.m
          and r.period_kind = 'day' and r.period_key = to_char(d.p, 'YYYY-MM-DD'))
        and not exists (select 1 from member_leaves l where l.workspace_id = d.w and l.member_id = d.m
          and l.cancelled_at is null and d.p between l.from_date and l.to_date)
        and ${snoozed(sql`'report:' || to_char(d.p, 'YYYY-MM-DD')`)}`),
    queryRows<Row>(db, sql`
      select * from (
        select 'training' as family, d.w, d.m, ta.id, ti.title, ti.key as item_key, to_char(ta.due_date, 'YYYY-MM-DD') as due,
          row_number() over (partition by d.w, d.m order by ta.due_date, ta.id) as rn,
          count(*) over (partition by d.w, d.m) as total
        from ${rel}
        join training_assignments ta on ta.workspace_id = d.w and ta.member_id = d.m
        join training_items ti on ti.workspace_id = ta.workspace_id and ti.id = ta.item_id
        where ta.completed_at is null and ta.due_date < d.d and not ti.archived
          and ${snoozed(sql`'training:' || ta.id`)}) x
      where rn <= ${limit}`),
  ]);
  for (const row of [...steps, ...cadence, ...complaints, ...reports, ...training]) {
    const k = key(row.w, row.m);
    const list = byMember.get(k) ?? [];
    list.push(row);
    byMember.set(k, list);
  }
  for (const row of await kpi) {
    const k = key(row.w, row.m);
    const list = byMember.get(k) ?? [];
    list.push(row);
    byMember.set(k, list);
  }
  return byMember;
}

/** The KPI metrics a daily nudge paces: counts that build up over the month. */
const PACED_METRICS = ['touches', 'visits'] as const;

/**
 * Count KPIs (touches, visits) clearly behind this month's pace, per member. Targets come from
 * the KPI capability (getTargets: member target, else workspace default); "expected by now" is
 * target × elapsed share of the member's own month, as in computeKpis. computeKpis itself
 * computes every metric family (CSAT, sales, coverage…) and measured ~5× the cost of the whole
 * rest of the nudge at 10,000 assistants, so the nudge counts only what it paces, in one statement.
 */
async function kpiBehind(db: Db, now: Date, members: DueMember[]): Promise<Row[]> {
  const byWorkspace = new Map<number, DueMember[]>();
  for (const m of members) {
    const list = byWorkspace.get(m.workspaceId) ?? [];
    list.push(m);
    byWorkspace.set(m.workspaceId, list);
  }
  // Targets: one small query per workspace (kpi_targets), side by side.
  const targets = new Map<string, Partial<Record<string, number>>>();
  await Promise.all([...byWorkspace].map(async ([workspaceId, list]) => {
    const map = await getTargets({ db, workspaceId, now }, list.map((m) => m.memberId), 'month');
    for (const [memberId, t] of map) targets.set(`${workspaceId}:${memberId}`, t);
  }));
  const months = new Map<string, Period>();
  const monthOf = (tz: string) => {
    let p = months.get(tz);
    if (!p) { p = periodContaining('month', now, tz); months.set(tz, p); }
    return p;
  };
  const paced = members.filter((m) => PACED_METRICS.some((k) => (targets.get(`${m.workspaceId}:${m.memberId}`)?.[k] ?? 0) > 0));
  if (!paced.length) return [];
  const input = JSON.stringify(paced.map((m) => ({ w: m.workspaceId, m: m.memberId, s: monthOf(m.timezone).start.toISOString(), d: m.localDate })));
  const counts = await queryRows<{ w: number; m: number; touches: number; visits: number; snoozed: string[] | null }>(db, sql`
    select d.w, d.m, count(t.id)::int as touches, count(t.id) filter (where t.kind = 'visit')::int as visits,
      (select array_agg(s.item_key) from nudge_snoozes s where s.workspace_id = d.w and s.member_id = d.m
        and s.item_key like 'kpi:%' and s.until_date >= d.d) as snoozed
    from json_to_recordset(${input}::json) as d(w int, m int, s timestamptz, d date)
    left join touches t on t.workspace_id = d.w and t.member_id = d.m and t.occurred_at >= d.s and t.occurred_at < ${now.toISOString()}::timestamptz
    group by d.w, d.m, d.d`);
  const byMember = new Map(paced.map((m) => [`${m.workspaceId}:${m.memberId}`, m]));
  const rows: Row[] = [];
  for (const c of counts) {
    const m = byMember.get(`${Number(c.w)}:${Number(c.m)}`);
    if (!m) continue;
    const month = monthOf(m.timezone);
    const share = (now.getTime() - month.start.getTime()) / (month.end.getTime() - month.start.getTime());
    if (share < KPI_MIN_ELAPSED) continue;
    const snoozed = new Set(c.snoozed ?? []);
    for (const metric of PACED_METRICS) {
      const target = targets.get(`${m.workspaceId}:${m.memberId}`)?.[metric] ?? 0;
      const actual = Number(c[metric]);
      const itemKey = `kpi:${metric}:${month.key}`;
      if (target <= 0 || actual >= target * share * KPI_BEHIND_RATIO || snoozed.has(itemKey)) continue;
      rows.push({ family: 'kpi', w: m.workspaceId, m: m.memberId, metric, key: itemKey,
        pct: Math.round((actual / target) * 100), elapsed: Math.round(share * 100), total: 1 });
    }
  }
  return rows;
}

// Button labels are the same in every nudge of a language: translate them once per translator.
const labelCache = new WeakMap<Translator, Record<string, string>>();
function labels(t: Translator): Record<string, string> {
  let l = labelCache.get(t);
  if (!l) {
    l = {
      snooze: t('schedule.nudge.snooze', { days: SNOOZE_DAYS }), acknowledge: t('schedule.nudge.acknowledge'),
      markDone: t('schedule.nudge.markDone'), writeReport: t('schedule.nudge.writeReport'), logTouch: t('schedule.nudge.logTouch'),
    };
    labelCache.set(t, l);
  }
  return l;
}

function snoozeButton(t: Translator, itemKey: string): Button {
  return { label: labels(t).snooze!, action: NUDGE_ACTIONS.snooze, value: itemKey };
}

function act(label: string, target: string, value: string | number, primary = true): Button {
  return { label, action: NUDGE_ACTIONS.act, value: `${target}:${value}`, ...(primary ? { style: 'primary' as const } : {}) };
}

/** Turns item rows into nudge items in the member's language, most urgent family first. */
export function nudgeItems(t: Translator, rows: Row[]): { items: NudgeItem[]; total: number } {
  const items: NudgeItem[] = [];
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(String(r.family), Math.max(totals.get(String(r.family)) ?? 0, Number(r.total ?? 1)));
  const sorted = [...rows].sort((a, b) => FAMILY_ORDER.indexOf(a.family as NudgeFamily) - FAMILY_ORDER.indexOf(b.family as NudgeFamily));
  for (const r of sorted) {
    const family = r.family as NudgeFamily;
    switch (family) {
      case 'complaint': {
        const k = `complaint:${r.id}`;
        items.push({ family, key: k, text: t('schedule.nudge.complaint', { account: String(r.account), text: String(r.title), hours: Number(r.hours), id: Number(r.id) }),
          buttons: [act(labels(t).acknowledge!, 'feedback.ack', Number(r.id)), snoozeButton(t, k)] });
        break;
      }
      case 'step': {
        const k = `step:${r.id}`;
        items.push({ family, key: k, text: t('schedule.nudge.step', { account: String(r.account), step: String(r.title), due: String(r.due) }),
          buttons: [act(labels(t).markDone!, 'touch.done', Number(r.id)), snoozeButton(t, k)] });
        break;
      }
      case 'report': {
        const k = `report:${r.due}`;
        items.push({ family, key: k, text: t('schedule.nudge.report', { date: String(r.due) }),
          buttons: [{ label: labels(t).writeReport!, action: NUDGE_ACTIONS.report, value: `day:${r.due}`, style: 'primary' }, snoozeButton(t, k)] });
        break;
      }
      case 'cadence': {
        const k = `cadence:${r.id}`;
        items.push({ family, key: k, text: t('schedule.nudge.cadence', { account: String(r.account), days: Number(r.days), cadence: Number(r.cadence) }),
          buttons: [act(labels(t).logTouch!, 'touch.another', Number(r.id)), snoozeButton(t, k)] });
        break;
      }
      case 'training': {
        const k = `training:${r.id}`;
        // Built-in checklist items have no title: their name is the training capability's translation.
        const item = r.title ? String(r.title) : t(`training.item.${String(r.item_key)}`);
        items.push({ family, key: k, text: t('schedule.nudge.training', { item, due: String(r.due) }),
          buttons: [act(labels(t).markDone!, 'training.done', Number(r.id)), snoozeButton(t, k)] });
        break;
      }
      case 'kpi': {
        const k = String(r.key);
        items.push({ family, key: k, text: t('schedule.nudge.kpi', { metric: t(`schedule.nudge.metric.${String(r.metric)}`), pct: Number(r.pct), elapsed: Number(r.elapsed) }),
          buttons: [snoozeButton(t, k)] });
        break;
      }
    }
  }
  let total = 0;
  for (const n of totals.values()) total += n;
  return { items, total };
}

/** The one nudge message of the day, or undefined when there is nothing to say. */
export function nudgeMessage(t: Translator, member: Pick<DueMember, 'nudgeMinutes'>, rows: Row[]): Message | undefined {
  const { items, total } = nudgeItems(t, rows);
  if (!items.length) return undefined;
  const shown = items.slice(0, NUDGE_MAX_ITEMS);
  const title = total === 1 ? t('schedule.nudge.titleOne') : t('schedule.nudge.title', { count: total });
  const builder = message().header(title);
  for (const item of shown) builder.text(item.text).buttons(item.buttons);
  const more = total - shown.length;
  if (more > 0) builder.context(t('schedule.nudge.more', { count: more }));
  builder.context(t('schedule.nudge.footer', { time: formatClockTime(member.nudgeMinutes) }));
  return builder.fallback(title).build();
}

/**
 * The daily performance nudge: at most one message per assistant per working day (default
 * 09:30 in their zone), bundling what needs attention. Nothing to say → nothing sent, but the
 * day is still recorded so it is decided once.
 */
async function run(ctx: JobContext, options: JobRunOptions): Promise<JobRunReport> {
  const db = ctx.database.db;
  const { members, workingDays } = await findDueMembers(db, {
    job: NUDGE_JOB, now: options.now, graceMinutes: nudgesJob.graceMinutes, roles: ['assistant'],
    workspaceId: options.workspaceId, memberId: options.memberId, force: options.force, includeDone: options.dryRun,
    requireNudgesOn: true,
    dueTime: (member, date) => ({ minutes: member.nudgeMinutes, periodKey: date }),
    sqlDueMinutes: sql`coalesce(s.nudge_minutes, ${DEFAULT_NUDGE_MINUTES})`,
  });
  if (!members.length) return { job: NUDGE_JOB, due: 0, enqueued: 0, previews: [] };
  const items = await loadNudgeItems(db, options.now, members, workingDays);
  const runs: JobRunWrite[] = members.map((m) => {
    const msg = nudgeMessage(ctx.translator(m.locale), m, items.get(key(m.workspaceId, m.memberId)) ?? []);
    return {
      workspaceId: m.workspaceId, subjectKey: memberSubject(m.memberId), periodKey: m.periodKey,
      messages: msg ? [{ target: { memberId: m.memberId }, message: msg, dedupeKey: `${NUDGE_JOB}:${memberSubject(m.memberId)}:${m.periodKey}` }] : [],
    };
  });
  return finishRun(ctx, options, NUDGE_JOB, runs);
}

/** The snooze end date for an item snoozed on a local date. */
export function snoozeUntil(localDate: string): string {
  return addDays(localDate, SNOOZE_DAYS - 1);
}

/** The performance nudge job: every 5 minutes; the morning nudge is still useful until 2.5 h late (noon). */
export const nudgesJob: JobDefinition = {
  name: NUDGE_JOB,
  cron: '*/5 * * * *',
  graceMinutes: 150,
  run,
};
