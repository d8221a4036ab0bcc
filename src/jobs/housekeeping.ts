import { queryRows, sql } from '../../db/client.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobRunReport } from './types.ts';

export const HOUSEKEEPING_JOB = 'housekeeping';
/** Run records older than this are no longer needed to decide anything (the longest period is a week). */
export const JOB_RUN_RETENTION_DAYS = 90;

/**
 * Keeps the scheduler's own tables small: job runs older than 90 days and snoozes that ended
 * more than a week ago. Deleting is idempotent, so several instances may run it at once.
 */
async function run(ctx: JobContext, options: JobRunOptions): Promise<JobRunReport> {
  if (options.dryRun) return { job: HOUSEKEEPING_JOB, due: 0, enqueued: 0, previews: [] };
  const at = options.now.toISOString();
  const only = options.workspaceId !== undefined ? sql`and workspace_id = ${options.workspaceId}` : sql``;
  const db = ctx.database.db;
  const [runs] = await queryRows<{ n: number }>(db, sql`
    with gone as (delete from job_runs where ran_at < ${at}::timestamptz - make_interval(days => ${JOB_RUN_RETENTION_DAYS}) ${only} returning 1)
    select count(*)::int as n from gone`);
  const [snoozes] = await queryRows<{ n: number }>(db, sql`
    with gone as (delete from nudge_snoozes where until_date < (${at}::timestamptz at time zone 'UTC')::date - 7 ${only} returning 1)
    select count(*)::int as n from gone`);
  const removed = Number(runs?.n ?? 0) + Number(snoozes?.n ?? 0);
  if (removed) ctx.logger.info({ jobRuns: runs?.n, snoozes: snoozes?.n }, 'housekeeping removed old scheduler rows');
  return { job: HOUSEKEEPING_JOB, due: 0, enqueued: 0, previews: [] };
}

/** Daily at 03:17 UTC (off the hour, when little else runs). */
export const housekeepingJob: JobDefinition = {
  name: HOUSEKEEPING_JOB,
  cron: '17 3 * * *',
  graceMinutes: 24 * 60,
  run,
};
