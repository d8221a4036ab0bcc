import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

export const REVIEW_STATUSES = ['draft', 'shared', 'acknowledged'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
export const REVIEW_AREAS = ['duties', 'client_relations', 'kpi', 'communication', 'growth'] as const;
export type ReviewArea = (typeof REVIEW_AREAS)[number];

/** A manager's rating of one area: 1–5 with a comment. */
export interface ReviewRating { score: number; comment: string }

/** A quarterly review (绩效评估): drafted by the manager, shared, then acknowledged by the assistant. */
export const reviews = pgTable('reviews', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  managerId: integer('manager_id').references(() => members.id, { onDelete: 'set null' }),
  /** Quarter label, e.g. 2026-Q4. */
  periodKey: text('period_key').notNull(),
  status: text('status', { enum: REVIEW_STATUSES }).notNull().default('draft'),
  /** KPI snapshot vs targets, feedback highlights, kudos and training at drafting time. */
  snapshot: jsonb('snapshot').notNull(),
  ratings: jsonb('ratings').$type<Partial<Record<ReviewArea, ReviewRating>>>().notNull().default({}),
  summary: text('summary').notNull().default(''),
  ackComment: text('ack_comment'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  sharedAt: timestamp('shared_at', { withTimezone: true }),
  acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('reviews_member_period_uq').on(t.workspaceId, t.memberId, t.periodKey),
  index('reviews_workspace_manager_idx').on(t.workspaceId, t.managerId, t.periodKey),
]);

export type Review = typeof reviews.$inferSelect;
