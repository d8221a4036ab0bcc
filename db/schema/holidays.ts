import { date, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { members } from './members.ts';
import { touches } from './touches.ts';
import { workspaces } from './workspaces.ts';

export const HOLIDAY_OVERRIDE_KINDS = ['holiday', 'workday', 'cleared'] as const;
export type HolidayOverrideKind = (typeof HOLIDAY_OVERRIDE_KINDS)[number];

/**
 * An admin's change to the built-in holiday calendar for one local date: an extra holiday, a
 * make-up working day (调休上班), or `cleared` (a built-in entry that does not apply here).
 */
export const holidayOverrides = pgTable('holiday_overrides', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  date: date('date', { mode: 'string' }).notNull(),
  kind: text('kind', { enum: HOLIDAY_OVERRIDE_KINDS }).notNull(),
  name: text('name').notNull().default(''),
  createdBy: integer('created_by').references(() => members.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [uniqueIndex('holiday_overrides_workspace_date_uq').on(t.workspaceId, t.date)]);

export type HolidayOverride = typeof holidayOverrides.$inferSelect;

/** A festival greeting logged for an account (one per account and festival day). */
export const greetingLogs = pgTable('greeting_logs', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  /** Festival code (spring_festival, mid_autumn, national_day, new_year, christmas). */
  festival: text('festival').notNull(),
  festivalDate: date('festival_date', { mode: 'string' }).notNull(),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  touchId: integer('touch_id').references(() => touches.id, { onDelete: 'set null' }),
  loggedAt: timestamp('logged_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('greeting_logs_account_festival_uq').on(t.workspaceId, t.accountId, t.festival, t.festivalDate),
  index('greeting_logs_workspace_member_idx').on(t.workspaceId, t.memberId, t.festivalDate),
]);

export type GreetingLog = typeof greetingLogs.$inferSelect;
