import { sql } from '../../db/client.ts';
import { greetingRemindersDue } from '../capabilities/holidays/service.ts';
import { greetingReminderMessage } from '../capabilities/holidays/views.ts';
import { findDueMembers, memberSubject } from './due.ts';
import { finishRun, type JobRunWrite } from './runs.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobRunReport } from './types.ts';

export const GREETING_REMINDER_JOB = 'greeting-reminders';
/** Local time of the festival greeting reminder: mid-morning, when there is time to call. */
export const GREETING_REMINDER_MINUTES = 10 * 60;

/**
 * A few days before a major festival (春节, 中秋, 国庆, New Year, Christmas — the workspace's
 * list), each assistant gets one reminder listing their accounts not yet greeted, with a
 * one-click "Log greeting" per account. Sent at 10:00 on a working day in the assistant's own
 * zone; the reminder's dedupe key (member + festival + date) keeps it to one per festival.
 */
async function run(ctx: JobContext, options: JobRunOptions): Promise<JobRunReport> {
  const db = ctx.database.db;
  const { members } = await findDueMembers(db, {
    job: GREETING_REMINDER_JOB, now: options.now, graceMinutes: greetingRemindersJob.graceMinutes, roles: ['assistant'],
    workspaceId: options.workspaceId, memberId: options.memberId, force: options.force, includeDone: options.dryRun,
    sqlDueMinutes: sql.raw(String(GREETING_REMINDER_MINUTES)),
    dueTime: (_member, date) => ({ minutes: GREETING_REMINDER_MINUTES, periodKey: date }),
  });
  if (!members.length) return { job: GREETING_REMINDER_JOB, due: 0, enqueued: 0, previews: [] };

  // Festivals are per workspace, so one look-up per workspace that has somebody due.
  const runs: JobRunWrite[] = [];
  for (const workspaceId of new Set(members.map((m) => m.workspaceId))) {
    const reminders = await greetingRemindersDue({ db, workspaceId, now: options.now }, options.now);
    for (const m of members.filter((x) => x.workspaceId === workspaceId)) {
      const mine = reminders.filter((r) => r.member.id === m.memberId);
      runs.push({
        workspaceId, subjectKey: memberSubject(m.memberId), periodKey: m.periodKey,
        messages: mine.map((r) => ({ target: { memberId: m.memberId }, message: greetingReminderMessage(ctx.translator(m.locale), r), dedupeKey: r.dedupeKey })),
      });
    }
  }
  return finishRun(ctx, options, GREETING_REMINDER_JOB, runs);
}

/** Looks every 15 minutes; each assistant is due once a day at 10:00 local (until noon). */
export const greetingRemindersJob: JobDefinition = {
  name: GREETING_REMINDER_JOB,
  cron: '*/15 * * * *',
  graceMinutes: 120,
  run,
};
