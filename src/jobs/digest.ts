import type { Db } from '../../db/client.ts';
import { buildDigests } from '../capabilities/digest/service.ts';
import { digestMessage } from '../capabilities/digest/views.ts';
import { groupBy } from '../lib/collections.ts';
import { addDays, weekdayOf } from '../lib/time.ts';
import { findDueMembers, intSetting, isoWeekKey, isWorkingDay, memberSubject } from './due.ts';
import { loadTeamCalendar } from './meeting-prompts.ts';
import { finishRun, type JobRunWrite } from './runs.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobRunReport } from './types.ts';

export { buildDigests };
export const DIGEST_JOB = 'digest';
/** Default digest moment: Monday 08:30 in the manager's zone (workspace settings digestWeekday/digestMinutes). */
export const DEFAULT_DIGEST_WEEKDAY = 1;
export const DEFAULT_DIGEST_MINUTES = 8 * 60 + 30;
/** Managers per buildDigests + commit (see run). */
export const DIGEST_BATCH = 100;

/**
 * The manager weekly digest: at the start of each manager's week (the workspace digest day and
 * time, default Monday 08:30, in the manager's zone; moved to the next working day when that day
 * is a holiday). Digests are built for up to DIGEST_BATCH managers of a workspace at once with a
 * fixed number of statements and committed with one claim+enqueue per batch.
 */
async function run(ctx: JobContext, options: JobRunOptions): Promise<JobRunReport> {
  const db = ctx.database.db;
  const calendar = await loadTeamCalendar(db, options.now, { workspaceId: options.workspaceId });
  const { members } = await findDueMembers(db, {
    job: DIGEST_JOB, now: options.now, graceMinutes: digestJob.graceMinutes, roles: ['manager', 'admin'],
    workspaceId: options.workspaceId, memberId: options.memberId, force: options.force, includeDone: options.dryRun,
    dueTime(member, date) {
      const weekday = intSetting(member.workspaceSettings.digestWeekday, 1, 7, DEFAULT_DIGEST_WEEKDAY);
      const minutes = intSetting(member.workspaceSettings.digestMinutes, 0, 1439, DEFAULT_DIGEST_MINUTES);
      if (options.force) return { minutes, periodKey: isoWeekKey(date) };
      const today = weekdayOf(date);
      if (today < weekday) return null;
      // The first working day from the digest weekday on, within the same week.
      const days = calendar.days.get(member.workspaceId);
      for (let d = addDays(date, weekday - today); d <= date; d = addDays(d, 1)) {
        if (isWorkingDay(days, d)) return d === date ? { minutes, periodKey: isoWeekKey(date) } : null;
      }
      return null;
    },
  });
  if (!members.length) return { job: DIGEST_JOB, due: 0, enqueued: 0, previews: [] };
  // Managers are handled DIGEST_BATCH at a time (build, then claim + enqueue in its own
  // transaction), so only one batch of digests and messages is in memory at once; the statement
  // count grows with the number of batches, never with the number of members.
  const report: JobRunReport = { job: DIGEST_JOB, due: 0, enqueued: 0, previews: [] };
  for (const [workspaceId, all] of groupBy(members, (m) => m.workspaceId)) {
    for (let i = 0; i < all.length; i += DIGEST_BATCH) {
      const leads = all.slice(i, i + DIGEST_BATCH);
      const digests = await buildDigests({ db: db as Db, workspaceId, now: options.now }, leads.map((m) => m.memberId), options.now);
      const runs: JobRunWrite[] = [];
      for (const lead of leads) {
        const d = digests.get(lead.memberId);
        // An admin without a team gets no digest (nothing to sum up).
        if (!d || !d.assistants.length) continue;
        runs.push({
          workspaceId, subjectKey: memberSubject(lead.memberId), periodKey: lead.periodKey,
          messages: [{ target: { memberId: lead.memberId }, message: digestMessage(ctx.translator(lead.locale), d), dedupeKey: `${DIGEST_JOB}:${lead.memberId}:${lead.periodKey}` }],
        });
      }
      if (!runs.length) continue;
      const done = await finishRun(ctx, options, DIGEST_JOB, runs);
      report.due += done.due;
      report.enqueued += done.enqueued;
      for (const preview of done.previews) report.previews.push(preview);
    }
  }
  return report;
}

/** Digest: looked for every 5 minutes; still worth sending until the end of the working day (10 h). */
export const digestJob: JobDefinition = {
  name: DIGEST_JOB,
  cron: '*/5 * * * *',
  graceMinutes: 10 * 60,
  run,
};
