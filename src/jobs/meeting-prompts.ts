import { queryRows, sql, type Db } from '../../db/client.ts';
import type { Role } from '../../db/schema/members.ts';
import { meetingSlotFrom, nextMeeting, PROMPT_LOCAL_MINUTES, type MeetingRef, type MeetingSlot } from '../capabilities/meetings/service.ts';
import { formatWhen, promptMessage } from '../capabilities/meetings/views.ts';
import { addDays, localDate, zonedTimeToInstant } from '../lib/time.ts';
import { findDueMembers, isWorkingDay, loadScheduleMembers, memberSubject, previousWorkingDay, workingDays, type ScheduleMember } from './due.ts';
import { commitJobRuns, type JobRunWrite } from './runs.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobRunReport, PreviewMessage } from './types.ts';

export const MEETING_PROMPTS_JOB = 'meeting-prompts';
/** Assistants per prompt + claim + enqueue transaction (see run). */
export const PROMPT_BATCH = 1000;

/** A manager's weekly meeting slot from their schedule settings (default Monday 10:00; null = off). */
export function slotOf(manager: Pick<ScheduleMember, 'meetingWeekday' | 'meetingMinutes'>): MeetingSlot | null {
  return meetingSlotFrom(manager.meetingWeekday, manager.meetingMinutes);
}

export interface TeamCalendar {
  leads: Map<number, ScheduleMember>;
  /** Working-day answers per workspace for the dates around now (−3 … +17 days). */
  days: Map<number, Map<string, boolean>>;
}

/** Team leads with their meeting settings, and the working days around now (a few statements). */
export async function loadTeamCalendar(db: Db, now: Date, options: { workspaceId?: number; roles?: readonly Role[] } = {}): Promise<TeamCalendar> {
  const leads = await loadScheduleMembers(db, { roles: options.roles ?? ['manager', 'admin'], workspaceId: options.workspaceId });
  const base = localDate(now, 'UTC');
  const window = Array.from({ length: 21 }, (_, i) => addDays(base, i - 3));
  const byWorkspace = new Map<number, Set<string>>();
  for (const lead of leads) byWorkspace.set(lead.workspaceId, new Set(window));
  return { leads: new Map(leads.map((l) => [l.memberId, l])), days: await workingDays(db, byWorkspace, now) };
}

/**
 * The meeting an assistant is prompted for on a local date: the manager's next meeting that
 * falls on a working day, whose prompt day (the assistant's last working day before the meeting's
 * local date in the assistant's zone) is `date`. With `force`, simply the next meeting.
 */
export function meetingPromptedOn(calendar: TeamCalendar, assistant: ScheduleMember, date: string, force = false): MeetingRef | null {
  const manager = assistant.managerId === null ? undefined : calendar.leads.get(assistant.managerId);
  const slot = manager && slotOf(manager);
  if (!manager || !slot || manager.workspaceId !== assistant.workspaceId) return null;
  const days = calendar.days.get(assistant.workspaceId);
  const startOfDay = zonedTimeToInstant(date, '00:00', assistant.timezone);
  if (!startOfDay) return null;
  let after = new Date(startOfDay.getTime() - 1);
  for (let i = 0; i < 3; i += 1) {
    const meeting = nextMeeting(manager.memberId, slot, manager.timezone, after);
    after = meeting.at;
    if (!isWorkingDay(days, meeting.date)) continue;
    if (force) return meeting;
    const promptDay = previousWorkingDay(days, localDate(meeting.at, assistant.timezone));
    if (promptDay === date) return meeting;
    if (promptDay > date) return null;
  }
  return null;
}

/**
 * Weekly meeting prompts (周会): each assistant gets the agenda questions at 16:00 in their own
 * zone on their last working day before the meeting's local date, so the prompt always arrives
 * before the meeting whatever the zones. A prompt missed while the bot was down is still sent
 * within the grace window (until 22:00 local); later it is skipped.
 */
async function run(ctx: JobContext, options: JobRunOptions): Promise<JobRunReport> {
  const db = ctx.database.db;
  const calendar = await loadTeamCalendar(db, options.now, { workspaceId: options.workspaceId });
  const chosen = new Map<string, MeetingRef>();
  const { members } = await findDueMembers(db, {
    job: MEETING_PROMPTS_JOB, now: options.now, graceMinutes: meetingPromptsJob.graceMinutes, roles: ['assistant'],
    workspaceId: options.workspaceId, memberId: options.memberId, force: options.force, includeDone: options.dryRun,
    dueTime(member, date) {
      const meeting = meetingPromptedOn(calendar, member, date, options.force);
      if (!meeting) return null;
      chosen.set(`${member.memberId}|${date}`, meeting);
      return { minutes: PROMPT_LOCAL_MINUTES, periodKey: `${meeting.date}@${meeting.managerId}` };
    },
  });
  const due = members.map((m) => ({ member: m, meeting: chosen.get(`${m.memberId}|${m.localDate}`)! })).filter((d) => d.meeting);
  if (!due.length) return { job: MEETING_PROMPTS_JOB, due: 0, enqueued: 0, previews: [] };

  const build = (batch: typeof due, promptIds: Map<number, number>): JobRunWrite[] => batch.map(({ member, meeting }) => {
    const t = ctx.translator(member.locale);
    const msg = promptMessage(t, promptIds.get(member.memberId) ?? 0, meeting.managerId, formatWhen(meeting.at, member.timezone, member.locale));
    return {
      workspaceId: member.workspaceId, subjectKey: memberSubject(member.memberId), periodKey: member.periodKey,
      messages: [{ target: { memberId: member.memberId }, message: msg, dedupeKey: `${MEETING_PROMPTS_JOB}:${member.memberId}:${member.periodKey}` }],
    };
  });

  if (options.dryRun) {
    const previews: PreviewMessage[] = build(due, new Map()).flatMap((r) => r.messages.map((m) => ({ workspaceId: r.workspaceId, target: m.target, message: m.message })));
    return { job: MEETING_PROMPTS_JOB, due: due.length, enqueued: 0, previews };
  }
  // PROMPT_BATCH assistants per transaction (prompt rows, claims, messages), in one fixed order so
  // concurrent instances queue instead of deadlocking: memory stays bounded and the statement
  // count grows with the number of batches, never per member.
  due.sort((x, y) => x.member.workspaceId - y.member.workspaceId || x.meeting.managerId - y.meeting.managerId
    || (x.meeting.date < y.meeting.date ? -1 : x.meeting.date > y.meeting.date ? 1 : 0) || x.member.memberId - y.member.memberId);
  let enqueued = 0;
  for (let i = 0; i < due.length; i += PROMPT_BATCH) {
    const batch = due.slice(i, i + PROMPT_BATCH);
    const rows = JSON.stringify(batch.map(({ member, meeting }) => ({
      w: member.workspaceId, mg: meeting.managerId, a: member.memberId, d: meeting.date, at: meeting.at.toISOString(),
    })));
    enqueued += await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      // The prompt rows exist before the messages, so the Answer button can carry the prompt id.
      const ids = await queryRows<{ assistant_id: number; id: number }>(t, sql`
        with input as (select * from jsonb_to_recordset(${rows}::jsonb) as r(w int, mg int, a int, d date, at timestamptz)),
        inserted as (
          insert into meeting_prompts (workspace_id, manager_id, assistant_id, meeting_date, meeting_at, sent_at)
          select w, mg, a, d, at, ${options.now.toISOString()}::timestamptz from input order by w, mg, d, a
          on conflict do nothing returning id, assistant_id)
        select assistant_id, id from inserted
        union all
        select p.assistant_id, p.id from input i
        join meeting_prompts p on p.workspace_id = i.w and p.manager_id = i.mg and p.meeting_date = i.d and p.assistant_id = i.a`);
      const promptIds = new Map(ids.map((r) => [Number(r.assistant_id), Number(r.id)]));
      return (await commitJobRuns(t, options.now, MEETING_PROMPTS_JOB, build(batch, promptIds))).enqueued;
    });
  }
  return { job: MEETING_PROMPTS_JOB, due: due.length, enqueued, previews: [] };
}

/** Meeting prompts: looked for every 5 minutes; due 16:00 local; worth sending until 22:00. */
export const meetingPromptsJob: JobDefinition = {
  name: MEETING_PROMPTS_JOB,
  cron: '*/5 * * * *',
  graceMinutes: 6 * 60,
  run,
};
