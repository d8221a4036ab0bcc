import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

export const DUTY_AREAS = ['daily', 'client_relations', 'data_analysis', 'custom'] as const;
export type DutyArea = (typeof DUTY_AREAS)[number];
export const DUTY_CADENCES = ['daily', 'weekly', 'monthly', 'none'] as const;
export type DutyCadence = (typeof DUTY_CADENCES)[number];

/** A standing responsibility (职责) of an assistant; removing one keeps the row (removed_at). */
export const duties = pgTable('duties', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  area: text('area', { enum: DUTY_AREAS }).notNull(),
  description: text('description').notNull(),
  cadence: text('cadence', { enum: DUTY_CADENCES }).notNull().default('none'),
  accountId: integer('account_id').references(() => accounts.id, { onDelete: 'set null' }),
  createdBy: integer('created_by').references(() => members.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  removedAt: timestamp('removed_at', { withTimezone: true }),
}, (t) => [index('duties_workspace_member_idx').on(t.workspaceId, t.memberId)]);

export type Duty = typeof duties.$inferSelect;

/** The workspace's default duty set, given to an assistant when they join a team. */
export const dutyDefaults = pgTable('duty_defaults', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  area: text('area', { enum: DUTY_AREAS }).notNull(),
  description: text('description').notNull(),
  cadence: text('cadence', { enum: DUTY_CADENCES }).notNull().default('none'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [index('duty_defaults_workspace_idx').on(t.workspaceId)]);

export type DutyDefault = typeof dutyDefaults.$inferSelect;
