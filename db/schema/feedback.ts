import { boolean, index, integer, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

export const FEEDBACK_CATEGORIES = ['product', 'service', 'price', 'delivery', 'other'] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];
export const COMPLAINT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** Client feedback (客户反馈); a complaint is tracked open → acknowledged → resolved. */
export const feedback = pgTable('feedback', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  score: smallint('score'),
  category: text('category', { enum: FEEDBACK_CATEGORIES }).notNull().default('other'),
  text: text('text').notNull(),
  isComplaint: boolean('is_complaint').notNull().default(false),
  status: text('status', { enum: COMPLAINT_STATUSES }),
  acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  resolutionNote: text('resolution_note'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('feedback_workspace_member_time_idx').on(t.workspaceId, t.memberId, t.receivedAt),
  index('feedback_workspace_account_time_idx').on(t.workspaceId, t.accountId, t.receivedAt),
  index('feedback_workspace_status_idx').on(t.workspaceId, t.status),
]);

export type Feedback = typeof feedback.$inferSelect;
