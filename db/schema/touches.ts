import { date, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

export const TOUCH_KINDS = ['call', 'email', 'visit', 'meeting', 'greeting', 'event', 'other'] as const;
export type TouchKind = (typeof TOUCH_KINDS)[number];

/** A logged client contact (客户维护); a visit carries the visit-report fields too. */
export const touches = pgTable('touches', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: TOUCH_KINDS }).notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  summary: text('summary').notNull().default(''),
  nextStep: text('next_step'),
  nextStepDue: date('next_step_due', { mode: 'string' }),
  nextStepDoneAt: timestamp('next_step_done_at', { withTimezone: true }),
  /** Visit report fields (kind = visit). */
  attendees: text('attendees'),
  clientNeeds: text('client_needs'),
  outcome: text('outcome'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('touches_workspace_member_time_idx').on(t.workspaceId, t.memberId, t.occurredAt),
  index('touches_workspace_account_time_idx').on(t.workspaceId, t.accountId, t.occurredAt),
]);

export type Touch = typeof touches.$inferSelect;
