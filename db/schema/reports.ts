import { integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

/** A progress report (工作汇报): one per member per period; resubmitting edits it. */
export const progressReports = pgTable('progress_reports', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  periodKind: text('period_kind', { enum: ['day', 'week'] }).notNull(),
  /** Local period label in the member's time zone: 2026-11-30 or 2026-W49. */
  periodKey: text('period_key').notNull(),
  done: text('done').notNull().default(''),
  next: text('next').notNull().default(''),
  blockers: text('blockers').notNull().default(''),
  submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
  editedAt: timestamp('edited_at', { withTimezone: true }),
}, (t) => [uniqueIndex('progress_reports_member_period_uq').on(t.workspaceId, t.memberId, t.periodKind, t.periodKey)]);

export type ProgressReport = typeof progressReports.$inferSelect;
