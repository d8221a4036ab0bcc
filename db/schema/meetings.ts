import { boolean, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

/** The weekly meeting (周会) questions, in the order they are asked. */
export const MEETING_QUESTIONS = ['progress', 'clientNeeds', 'blockers', 'plan', 'help'] as const;
export type MeetingQuestion = (typeof MEETING_QUESTIONS)[number];
export type MeetingAnswers = Partial<Record<MeetingQuestion, string>>;

/**
 * One weekly meeting prompt sent to one assistant for one meeting of their manager. The
 * meeting is identified by the manager and the meeting's local date in the manager's zone.
 */
export const meetingPrompts = pgTable('meeting_prompts', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  managerId: integer('manager_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  assistantId: integer('assistant_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  /** Local date of the meeting in the manager's time zone (2026-12-07). */
  meetingDate: date('meeting_date', { mode: 'string' }).notNull(),
  meetingAt: timestamp('meeting_at', { withTimezone: true }).notNull(),
  answers: jsonb('answers').$type<MeetingAnswers>().notNull().default({}),
  sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  answeredAt: timestamp('answered_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('meeting_prompts_uq').on(t.workspaceId, t.managerId, t.meetingDate, t.assistantId),
  index('meeting_prompts_assistant_idx').on(t.workspaceId, t.assistantId, t.meetingAt),
]);

export type MeetingPrompt = typeof meetingPrompts.$inferSelect;

/** Notes (会议纪要) a manager recorded after a weekly meeting. */
export const meetingNotes = pgTable('meeting_notes', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  managerId: integer('manager_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  notes: text('notes').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [index('meeting_notes_manager_idx').on(t.workspaceId, t.managerId, t.createdAt)]);

export const ACTION_ITEM_STATUSES = ['open', 'done'] as const;

/** An action item from a meeting: an owner, a task and an optional due date, tracked to done. */
export const actionItems = pgTable('action_items', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  /** The manager whose meeting (and team) the item belongs to. */
  managerId: integer('manager_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  noteId: integer('note_id').references(() => meetingNotes.id, { onDelete: 'set null' }),
  ownerId: integer('owner_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  task: text('task').notNull(),
  /** Local due date in the owner's time zone. */
  dueDate: date('due_date', { mode: 'string' }),
  status: text('status', { enum: ACTION_ITEM_STATUSES }).notNull().default('open'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  doneAt: timestamp('done_at', { withTimezone: true }),
}, (t) => [
  index('action_items_manager_idx').on(t.workspaceId, t.managerId, t.status),
  index('action_items_owner_idx').on(t.workspaceId, t.ownerId, t.status),
  index('action_items_open_due_idx').on(t.workspaceId, t.status, t.dueDate),
]);

export type ActionItem = typeof actionItems.$inferSelect;

/** Members who asked not to be named in recognition posts (表彰设置). */
export const recognitionPreferences = pgTable('recognition_preferences', {
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  optedOut: boolean('opted_out').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [uniqueIndex('recognition_preferences_uq').on(t.workspaceId, t.memberId)]);

/** A member named in a weekly recognition post, for "not recognised in 30 days" in the digest. */
export const recognitions = pgTable('recognitions', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  /** ISO week (2026-W49) of the post. */
  weekKey: text('week_key').notNull(),
  reasons: jsonb('reasons').$type<string[]>().notNull().default([]),
  postedAt: timestamp('posted_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('recognitions_member_week_uq').on(t.workspaceId, t.memberId, t.weekKey),
  index('recognitions_member_time_idx').on(t.workspaceId, t.memberId, t.postedAt),
]);
