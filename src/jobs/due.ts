import { DateTime } from 'luxon';
import type { SQL } from 'drizzle-orm';
import { queryRows, sql, type Db } from '../../db/client.ts';
import { DEFAULT_NUDGE_MINUTES } from '../../db/schema/schedule.ts';
import type { Locale, Role } from '../../db/schema/members.ts';
import type { WorkspaceSettings } from '../../db/schema/workspaces.ts';
import { workingDayMap } from '../capabilities/holidays/service.ts';
import { addDays, formatClockTime, isValidTimezone, localParts, weekdayOf, zonedTimeToInstant } from '../lib/time.ts';

/**
 * "Who is due" for scheduled jobs, computed set-based: one query lists the candidate members
 * with their schedule settings, then at most one query each for job runs already done, leave
 * and the holiday calendars. The number of statements does not depend on how many members
 * there are (holiday calendars: one per workspace that has candidates).
 */

/** A member as the scheduler sees them: profile, own schedule settings and workspace settings. */
export interface ScheduleMember {
  workspaceId: number;
  memberId: number;
  role: Role;
  managerId: number | null;
  displayName: string;
  timezone: string;
  locale: Locale;
  createdAt: Date;
  platform: string;
  workspaceSettings: WorkspaceSettings;
  nudgesEnabled: boolean;
  /** Local minutes after midnight of the daily nudge (default 09:30). */
  nudgeMinutes: number;
  quietStartMinutes: number | null;
  quietEndMinutes: number | null;
  /** A manager's weekly meeting (ISO weekday 1-7, local minutes), when set. */
  meetingWeekday: number | null;
  meetingMinutes: number | null;
}

/** When a member is due on a local date: local minutes after midnight and the run's period key. */
export interface DueTime {
  minutes: number;
  periodKey: string;
}

/** A member who is due now, for one period. */
export interface DueMember extends ScheduleMember {
  /** The local date the due moment falls on (member's zone). */
  localDate: string;
  periodKey: string;
  dueAt: Date;
}

export interface DueSpec {
  job: string;
  now: Date;
  /** Minutes after the due moment during which the work is still worth doing. */
  graceMinutes: number;
  /** Which members are subjects of this job. */
  roles: readonly Role[];
  /** The member's due time on a local date, or null when nothing is due that day. */
  dueTime(member: ScheduleMember, localDate: string): DueTime | null;
  workspaceId?: number;
  memberId?: number;
  /** Ignore the due-time window (admin `run`): today's period is due now. */
  force?: boolean;
  /** Keep members whose run already happened (previews). */
  includeDone?: boolean;
  /** Only on the member's working days (default true). */
  workingDaysOnly?: boolean;
  /** Skip members who switched nudges off. */
  requireNudgesOn?: boolean;
  /** Wait while the member is in quiet hours (default true). */
  respectQuietHours?: boolean;
  /**
   * Optional SQL for the member's local due time in minutes after midnight, over the aliases
   * `m` (members), `s` (member_schedule_settings) and `w` (workspaces). When given, members whose
   * local time is nowhere near it are left out in SQL (a loose window; the exact check is in
   * JS), so a tick when nobody is due does not load every member.
   */
  sqlDueMinutes?: SQL;
}

/** Minutes of slack around the SQL pre-filter window: more than any DST shift. */
const PREFILTER_SLACK_MINUTES = 90;

interface MemberRow extends Record<string, unknown> {
  workspace_id: number; member_id: number; role: Role; manager_id: number | null; display_name: string;
  timezone: string; locale: Locale; created_at: Date | string;
  nudges_enabled: boolean | null; nudge_minutes: number | null; quiet_start_minutes: number | null; quiet_end_minutes: number | null;
  meeting_weekday: number | null; meeting_minutes: number | null;
}

/** Members of the given roles in active workspaces, with their schedule settings (two queries). */
export async function loadScheduleMembers(db: Db, options: {
  roles: readonly Role[]; workspaceId?: number; memberId?: number;
  /** Keep only members whose local time is within `spanMinutes` after `dueMinutes` (plus slack). */
  window?: { now: Date; dueMinutes: SQL; spanMinutes: number };
}): Promise<ScheduleMember[]> {
  const roles = `{${options.roles.join(',')}}`;
  const window = options.window;
  // Zones PostgreSQL does not know are kept (never filtered, never an error); JS decides for them.
  const windowJoin = window ? sql`left join pg_timezone_names tz on tz.name = m.timezone` : sql``;
  const windowFilter = window ? sql`and (tz.name is null or mod(
      (extract(hour from ${window.now.toISOString()}::timestamptz at time zone tz.name) * 60
        + extract(minute from ${window.now.toISOString()}::timestamptz at time zone tz.name))::int
      - (${window.dueMinutes}) + ${PREFILTER_SLACK_MINUTES} + 2880, 1440) <= ${window.spanMinutes + 2 * PREFILTER_SLACK_MINUTES})` : sql``;
  const workspaceFilter = options.workspaceId !== undefined ? sql`and w.id = ${options.workspaceId}` : sql``;
  // Workspace settings once per workspace, not once per member row.
  const spaces = await queryRows<{ id: number; platform: string; settings: WorkspaceSettings | string | null }>(db, sql`
    select w.id, w.platform, w.settings from workspaces w where w.active ${workspaceFilter}`);
  const byId = new Map(spaces.map((w) => [Number(w.id), {
    platform: w.platform,
    settings: (typeof w.settings === 'string' ? JSON.parse(w.settings) : w.settings ?? {}) as WorkspaceSettings,
  }]));
  if (!byId.size) return [];
  const rows = await queryRows<MemberRow>(db, sql`
    select m.workspace_id, m.id as member_id, m.role, m.manager_id, m.display_name, m.timezone, m.locale, m.created_at,
      s.nudges_enabled, s.nudge_minutes, s.quiet_start_minutes, s.quiet_end_minutes, s.meeting_weekday, s.meeting_minutes
    from members m
    join workspaces w on w.id = m.workspace_id
    left join member_schedule_settings s on s.workspace_id = m.workspace_id and s.member_id = m.id
    ${windowJoin}
    where w.active and m.active and not m.is_bot and m.role = any(${roles}::text[]) ${workspaceFilter}
      ${options.memberId !== undefined ? sql`and m.id = ${options.memberId}` : sql``}
      ${windowFilter}
    order by m.workspace_id, m.id`);
  const members: ScheduleMember[] = [];
  for (const r of rows) {
    const ws = byId.get(Number(r.workspace_id));
    if (!ws) continue;
    members.push({
      workspaceId: Number(r.workspace_id), memberId: Number(r.member_id), role: r.role,
      managerId: r.manager_id === null ? null : Number(r.manager_id), displayName: r.display_name,
      timezone: r.timezone, locale: r.locale, createdAt: new Date(r.created_at), platform: ws.platform,
      workspaceSettings: ws.settings,
      nudgesEnabled: r.nudges_enabled ?? true,
      nudgeMinutes: r.nudge_minutes ?? DEFAULT_NUDGE_MINUTES,
      quietStartMinutes: r.quiet_start_minutes, quietEndMinutes: r.quiet_end_minutes,
      meetingWeekday: r.meeting_weekday, meetingMinutes: r.meeting_minutes,
    });
  }
  return members;
}

/** True when local `minutes` fall in the quiet range [start, end), which may wrap midnight. */
export function inQuietHours(minutes: number, start: number | null, end: number | null): boolean {
  if (start === null || end === null || start === end) return false;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/** Memoises local-time conversions per zone: thousands of members share a handful of zones. */
class ZoneCache {
  private readonly parts = new Map<string, ReturnType<typeof localParts>>();
  private readonly instants = new Map<string, Date | null>();
  private readonly validity = new Map<string, boolean>();
  constructor(private readonly now: Date) {}
  valid(timezone: string): boolean {
    let ok = this.validity.get(timezone);
    if (ok === undefined) { ok = isValidTimezone(timezone); this.validity.set(timezone, ok); }
    return ok;
  }
  local(timezone: string) {
    let p = this.parts.get(timezone);
    if (!p) { p = localParts(this.now, timezone); this.parts.set(timezone, p); }
    return p;
  }
  instant(date: string, minutes: number, timezone: string): Date | null {
    const key = `${timezone}|${date}|${minutes}`;
    if (!this.instants.has(key)) this.instants.set(key, zonedTimeToInstant(date, formatClockTime(minutes), timezone));
    return this.instants.get(key)!;
  }
}

/**
 * Which of the given local dates are working days, per workspace: weekends off, then the
 * workspace holiday calendar (holidays and make-up working days) when it is available.
 */
export async function workingDays(db: Db, datesByWorkspace: Map<number, Set<string>>, now: Date): Promise<Map<number, Map<string, boolean>>> {
  const result = new Map<number, Map<string, boolean>>();
  for (const [workspaceId, dates] of datesByWorkspace) {
    // One query per workspace (its holiday overrides), never per member.
    result.set(workspaceId, await workingDayMap({ db, workspaceId, now }, [...dates]));
  }
  return result;
}

/** True unless the workspace calendar says the date is a day off; unknown dates: Monday-Friday. */
export function isWorkingDay(days: Map<string, boolean> | undefined, date: string): boolean {
  return days?.get(date) ?? weekdayOf(date) <= 5;
}

/** The working day before `date` for a workspace (looks back up to 10 days). */
export function previousWorkingDay(days: Map<string, boolean> | undefined, date: string): string {
  const window = dateWindow(date);
  for (let back = 1; back < window.length; back += 1) {
    const d = window[back]!;
    if (isWorkingDay(days, d)) return d;
  }
  return window[1]!;
}

// Luxon date arithmetic is slow next to everything else here; thousands of members share a
// handful of local dates, so the windows are memoised.
const windows = new Map<string, string[]>();

/** Local dates a job needs working-day answers for: the date itself and the ten days before. */
export function dateWindow(date: string): string[] {
  let window = windows.get(date);
  if (!window) {
    window = Array.from({ length: 11 }, (_, i) => addDays(date, -i));
    if (windows.size > 1000) windows.clear();
    windows.set(date, window);
  }
  return window;
}

/** Active leave rows covering any date in [from, to] (one query). */
async function leavesBetween(db: Db, from: string, to: string, workspaceId?: number) {
  const rows = await queryRows<{ workspace_id: number; member_id: number; from_date: string; to_date: string }>(db, sql`
    select workspace_id, member_id, to_char(from_date, 'YYYY-MM-DD') as from_date, to_char(to_date, 'YYYY-MM-DD') as to_date
    from member_leaves
    where cancelled_at is null and to_date >= ${from}::date and from_date <= ${to}::date
      ${workspaceId !== undefined ? sql`and workspace_id = ${workspaceId}` : sql``}`);
  const byMember = new Map<string, Array<{ from: string; to: string }>>();
  for (const r of rows) {
    const key = `${r.workspace_id}:${r.member_id}`;
    const list = byMember.get(key) ?? [];
    list.push({ from: r.from_date, to: r.to_date });
    byMember.set(key, list);
  }
  return byMember;
}

/** The (workspace, subject, period) triples among `candidates` that a job already ran (one query). */
export async function runsAlreadyDone(db: Db, job: string, candidates: Array<{ workspaceId: number; subjectKey: string; periodKey: string }>): Promise<Set<string>> {
  if (!candidates.length) return new Set();
  const input = JSON.stringify(candidates.map((c) => ({ w: c.workspaceId, s: c.subjectKey, p: c.periodKey })));
  const rows = await queryRows<{ w: number; s: string; p: string }>(db, sql`
    select r.w, r.s, r.p
    from jsonb_to_recordset(${input}::jsonb) as r(w int, s text, p text)
    join job_runs j on j.workspace_id = r.w and j.job = ${job} and j.subject_key = r.s and j.period_key = r.p`);
  return new Set(rows.map((r) => `${r.w}|${r.s}|${r.p}`));
}

/** The job_runs subject key of a member. */
export function memberSubject(memberId: number): string {
  return `member:${memberId}`;
}

/** Members' working-day maps, loaded once per run and shared by the job's queries. */
export interface DueResult {
  members: DueMember[];
  workingDays: Map<number, Map<string, boolean>>;
}

/**
 * The members due now for a job: their due moment (in their own zone) has passed within the
 * grace window, it is a working day for them, they are not on leave or in quiet hours, and the
 * job has not run for them in that period yet. Work whose window has passed is stale and skipped.
 */
export async function findDueMembers(db: Db, spec: DueSpec): Promise<DueResult> {
  const { now } = spec;
  const zones = new ZoneCache(now);
  const members = await loadScheduleMembers(db, {
    roles: spec.roles, workspaceId: spec.workspaceId, memberId: spec.memberId,
    window: spec.sqlDueMinutes && !spec.force ? { now, dueMinutes: spec.sqlDueMinutes, spanMinutes: spec.graceMinutes } : undefined,
  });
  const graceMs = spec.graceMinutes * 60_000;

  // 1. The due moment, in each member's zone: today's, or yesterday's when the window spans midnight.
  const timed: DueMember[] = [];
  for (const m of members) {
    if (spec.requireNudgesOn && !m.nudgesEnabled) continue;
    // A zone the time library does not know would poison every date below: skip that member.
    if (!zones.valid(m.timezone)) continue;
    const today = zones.local(m.timezone).date;
    const dates = spec.force ? [today] : [today, addDays(today, -1)];
    for (const date of dates) {
      const due = spec.dueTime(m, date);
      if (!due) continue;
      const dueAt = zones.instant(date, due.minutes, m.timezone);
      if (!dueAt) continue;
      if (!spec.force && (now.getTime() < dueAt.getTime() || now.getTime() >= dueAt.getTime() + graceMs)) continue;
      timed.push({ ...m, localDate: date, periodKey: due.periodKey, dueAt });
      break;
    }
  }
  if (!timed.length) return { members: [], workingDays: new Map() };

  // 2. Quiet hours: wait (the member stays due until the grace window closes).
  const awake = spec.respectQuietHours === false ? timed : timed.filter((m) => {
    const p = zones.local(m.timezone);
    return !inQuietHours(p.hour * 60 + p.minute, m.quietStartMinutes, m.quietEndMinutes);
  });

  // 3. Runs already done in this period (another tick, another instance, before a restart).
  const done = spec.includeDone ? new Set<string>() : await runsAlreadyDone(db, spec.job,
    awake.map((m) => ({ workspaceId: m.workspaceId, subjectKey: memberSubject(m.memberId), periodKey: m.periodKey })));
  const pending = awake.filter((m) => !done.has(`${m.workspaceId}|${memberSubject(m.memberId)}|${m.periodKey}`));
  if (!pending.length) return { members: [], workingDays: new Map() };

  // 4. Working days (weekends, holidays, make-up days) and leave.
  const datesByWorkspace = new Map<number, Set<string>>();
  let minDate = pending[0]!.localDate;
  let maxDate = minDate;
  const seen = new Set<string>();
  for (const m of pending) {
    const set = datesByWorkspace.get(m.workspaceId) ?? new Set<string>();
    if (!seen.has(`${m.workspaceId}|${m.localDate}`)) {
      seen.add(`${m.workspaceId}|${m.localDate}`);
      for (const d of dateWindow(m.localDate)) set.add(d);
    }
    datesByWorkspace.set(m.workspaceId, set);
    if (m.localDate < minDate) minDate = m.localDate;
    if (m.localDate > maxDate) maxDate = m.localDate;
  }
  const days = await workingDays(db, datesByWorkspace, now);
  const leaves = await leavesBetween(db, minDate, maxDate, spec.workspaceId);
  const due = pending.filter((m) => {
    if (spec.workingDaysOnly !== false && days.get(m.workspaceId)?.get(m.localDate) === false) return false;
    const onLeave = leaves.get(`${m.workspaceId}:${m.memberId}`)?.some((l) => l.from <= m.localDate && m.localDate <= l.to);
    return !onLeave;
  });
  return { members: due, workingDays: days };
}

/** ISO week label (2026-W49) of a local date. */
export function isoWeekKey(date: string): string {
  const dt = DateTime.fromISO(date, { zone: 'UTC' });
  return `${dt.weekYear}-W${String(dt.weekNumber).padStart(2, '0')}`;
}

/** A workspace setting that must be an integer in [min, max]; anything else means `fallback`. */
export function intSetting(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

/** Report cadence of a workspace (setting `reportCadence`): daily, weekly or off. Default daily. */
export function reportCadence(settings: WorkspaceSettings): 'day' | 'week' | 'off' {
  const v = settings.reportCadence;
  return v === 'week' || v === 'off' ? v : 'day';
}
