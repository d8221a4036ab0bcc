import { queryRows, sql } from '../../db/client.ts';
import { message } from '../chat/message.ts';
import { weekdayOf } from '../lib/time.ts';
import { findDueMembers, intSetting, isoWeekKey, memberSubject, reportCadence, type DueMember } from './due.ts';
import { finishRun, type JobRunWrite } from './runs.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobRunReport } from './types.ts';

export const REPORT_REMINDER_JOB = 'report-reminders';
/** Default local time of the report reminder: 17:30, near the end of the working day. */
export const DEFAULT_REPORT_REMINDER_MINUTES = 17 * 60 + 30;
/** Default weekday of the weekly report reminder: Friday. */
export const DEFAULT_REPORT_REMINDER_WEEKDAY = 5;
/** Button action that opens the progress report form (handled by the schedule capability). */
export const REPORT_FORM_ACTION = 'nudge.report';

function reminderMinutes(settings: Record<string, unknown>): number {
  return intSetting(settings.reportReminderMinutes, 0, 1439, DEFAULT_REPORT_REMINDER_MINUTES);
}

/** Builds the reminder for one member (the report kind and period it is about). */
function reminderMessage(ctx: JobContext, m: DueMember, kind: 'day' | 'week') {
  const t = ctx.translator(m.locale);
  return message()
    .header(t(`schedule.reminder.title.${kind}`, { period: m.periodKey }))
    .text(t(`schedule.reminder.body.${kind}`))
    .buttons([{ label: t('schedule.reminder.button'), action: REPORT_FORM_ACTION, value: `${kind}:${m.periodKey}`, style: 'primary' }])
    .context(t('schedule.reminder.footer'))
    .build();
}

/**
 * Reminds assistants to submit their daily (or weekly) progress report near the end of their
 * working day, only when it is not submitted yet. The workspace setting `reportCadence`
 * (day | week | off) decides which report is expected.
 */
async function run(ctx: JobContext, options: JobRunOptions): Promise<JobRunReport> {
  const db = ctx.database.db;
  const { members } = await findDueMembers(db, {
    job: REPORT_REMINDER_JOB, now: options.now, graceMinutes: reportRemindersJob.graceMinutes, roles: ['assistant'],
    workspaceId: options.workspaceId, memberId: options.memberId, force: options.force, includeDone: options.dryRun,
    // Mirrors reminderMinutes(): a valid integer setting, else the default.
    sqlDueMinutes: sql`case when jsonb_typeof(w.settings->'reportReminderMinutes') = 'number'
      and (w.settings->>'reportReminderMinutes') ~ '^[0-9]{1,4}$'
      and (w.settings->>'reportReminderMinutes')::int < 1440 then (w.settings->>'reportReminderMinutes')::int
      else ${DEFAULT_REPORT_REMINDER_MINUTES} end`,
    dueTime(member, date) {
      const cadence = reportCadence(member.workspaceSettings);
      if (cadence === 'off') return null;
      const minutes = reminderMinutes(member.workspaceSettings);
      if (cadence === 'day') return { minutes, periodKey: date };
      const weekday = Number(member.workspaceSettings.reportReminderWeekday ?? DEFAULT_REPORT_REMINDER_WEEKDAY);
      if (!options.force && weekdayOf(date) !== weekday) return null;
      return { minutes, periodKey: isoWeekKey(date) };
    },
  });
  if (!members.length) return { job: REPORT_REMINDER_JOB, due: 0, enqueued: 0, previews: [] };

  // Who already submitted, for every due member at once.
  const input = JSON.stringify(members.map((m) => ({ w: m.workspaceId, m: m.memberId, k: kindOf(m), p: m.periodKey })));
  const submitted = await queryRows<{ w: number; m: number }>(db, sql`
    select d.w, d.m from jsonb_to_recordset(${input}::jsonb) as d(w int, m int, k text, p text)
    where exists (select 1 from progress_reports r
      where r.workspace_id = d.w and r.member_id = d.m and r.period_kind = d.k and r.period_key = d.p)`);
  const done = new Set(submitted.map((r) => `${r.w}:${r.m}`));

  const runs: JobRunWrite[] = members.map((m) => {
    const kind = kindOf(m);
    const missing = !done.has(`${m.workspaceId}:${m.memberId}`);
    return {
      workspaceId: m.workspaceId, subjectKey: memberSubject(m.memberId), periodKey: m.periodKey,
      messages: missing ? [{
        target: { memberId: m.memberId }, message: reminderMessage(ctx, m, kind),
        dedupeKey: `${REPORT_REMINDER_JOB}:${memberSubject(m.memberId)}:${m.periodKey}`,
      }] : [],
    };
  });
  return finishRun(ctx, options, REPORT_REMINDER_JOB, runs);
}

function kindOf(m: DueMember): 'day' | 'week' {
  return m.periodKey.includes('W') ? 'week' : 'day';
}

/** The report reminder job: every 5 minutes, due at 17:30 local, still useful for 3 hours. */
export const reportRemindersJob: JobDefinition = {
  name: REPORT_REMINDER_JOB,
  cron: '*/5 * * * *',
  graceMinutes: 180,
  run,
};
