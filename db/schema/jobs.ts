import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { workspaces } from './workspaces.ts';

/**
 * One row per (job, subject, period) that a scheduled job has handled. Inserted in the same
 * transaction that enqueues the job's messages: the unique key is what makes "exactly once"
 * hold across restarts and across several bot instances on one database.
 */
export const jobRuns = pgTable('job_runs', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  job: text('job').notNull(),
  /** Who or what the run was for: `member:12`, `manager:3`, `workspace`. */
  subjectKey: text('subject_key').notNull(),
  /** The local period the run covers in the subject's time zone: 2026-11-30, 2026-W49. */
  periodKey: text('period_key').notNull(),
  /** How many messages the run enqueued (0 = nothing to say). */
  messageCount: integer('message_count').notNull().default(0),
  ranAt: timestamp('ran_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('job_runs_uq').on(t.workspaceId, t.job, t.subjectKey, t.periodKey),
  index('job_runs_recent_idx').on(t.workspaceId, t.ranAt),
]);

export type JobRun = typeof jobRuns.$inferSelect;
