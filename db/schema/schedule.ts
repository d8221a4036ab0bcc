import { boolean, date, index, integer, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

/** Default local time of the daily performance nudge: 09:30. */
export const DEFAULT_NUDGE_MINUTES = 9 * 60 + 30;

/**
 * A member's own schedule settings (提醒设置). A missing row means the defaults: nudges on at
 * 09:30 local, no quiet hours, no weekly meeting set.
 */
export const memberScheduleSettings = pgTable('member_schedule_settings', {
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  nudgesEnabled: boolean('nudges_enabled').notNull().default(true),
  /** Local minutes after midnight for the daily nudge; null = DEFAULT_NUDGE_MINUTES. */
  nudgeMinutes: smallint('nudge_minutes'),
  /** Quiet hours as local minutes after midnight; the range may wrap midnight (22:00-07:00). */
  quietStartMinutes: smallint('quiet_start_minutes'),
  quietEndMinutes: smallint('quiet_end_minutes'),
  /** A manager's weekly meeting (周会): ISO weekday 1-7 and local minutes after midnight. */
  meetingWeekday: smallint('meeting_weekday'),
  meetingMinutes: smallint('meeting_minutes'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [uniqueIndex('member_schedule_settings_uq').on(t.workspaceId, t.memberId)]);

export type MemberScheduleSettings = typeof memberScheduleSettings.$inferSelect;

/** Leave (请假): local dates, inclusive, in the member's own time zone. No scheduled messages then. */
export const memberLeaves = pgTable('member_leaves', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  fromDate: date('from_date', { mode: 'string' }).notNull(),
  toDate: date('to_date', { mode: 'string' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
}, (t) => [index('member_leaves_member_idx').on(t.workspaceId, t.memberId, t.toDate)]);

export type MemberLeave = typeof memberLeaves.$inferSelect;

/**
 * A nudge item a member snoozed (e.g. `step:12`, `cadence:4`, `complaint:9`, `report`): it is
 * left out of nudges until (and including) the local date `untilDate`.
 */
export const nudgeSnoozes = pgTable('nudge_snoozes', {
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  itemKey: text('item_key').notNull(),
  untilDate: date('until_date', { mode: 'string' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [uniqueIndex('nudge_snoozes_uq').on(t.workspaceId, t.memberId, t.itemKey)]);

export type NudgeSnooze = typeof nudgeSnoozes.$inferSelect;
