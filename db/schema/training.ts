import { boolean, date, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

/**
 * The workspace's onboarding checklist (初期培训). Built-in items have a `key` and no title (the
 * title is translated); custom items carry their own title. Removed items are archived.
 */
export const trainingItems = pgTable('training_items', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  key: text('key').notNull(),
  title: text('title'),
  dueOffsetDays: integer('due_offset_days').notNull(),
  position: integer('position').notNull().default(0),
  archived: boolean('archived').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [uniqueIndex('training_items_workspace_key_uq').on(t.workspaceId, t.key)]);

export type TrainingItem = typeof trainingItems.$inferSelect;

/** One checklist item assigned to one member, with its due date in the member's time zone. */
export const trainingAssignments = pgTable('training_assignments', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  itemId: integer('item_id').notNull().references(() => trainingItems.id, { onDelete: 'cascade' }),
  dueDate: date('due_date', { mode: 'string' }).notNull(),
  assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('training_assignments_member_item_uq').on(t.workspaceId, t.memberId, t.itemId),
  index('training_assignments_workspace_completed_idx').on(t.workspaceId, t.completedAt),
]);

export type TrainingAssignment = typeof trainingAssignments.$inferSelect;

/** A continuous-training session (持续培训) a manager scheduled. */
export const trainingSessions = pgTable('training_sessions', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  createdBy: integer('created_by').notNull().references(() => members.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [index('training_sessions_workspace_start_idx').on(t.workspaceId, t.startsAt)]);

export type TrainingSession = typeof trainingSessions.$inferSelect;

export const RSVP_ANSWERS = ['yes', 'no', 'maybe'] as const;
export type RsvpAnswer = (typeof RSVP_ANSWERS)[number];

/** An invitation to a session: the RSVP answer and whether the member attended. */
export const trainingInvites = pgTable('training_invites', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  sessionId: integer('session_id').notNull().references(() => trainingSessions.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  rsvp: text('rsvp', { enum: RSVP_ANSWERS }),
  rsvpAt: timestamp('rsvp_at', { withTimezone: true }),
  /** Set when the manager records attendance; attending completes the session. */
  attendedAt: timestamp('attended_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('training_invites_session_member_uq').on(t.workspaceId, t.sessionId, t.memberId),
  index('training_invites_workspace_member_idx').on(t.workspaceId, t.memberId, t.attendedAt),
]);

export type TrainingInvite = typeof trainingInvites.$inferSelect;
