import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

/**
 * Monthly sales per account (销售), in integer minor units (分 / cents), never float.
 * `member_id` is the assistant the account was assigned to when the figure was recorded.
 */
export const sales = pgTable('sales', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  accountId: integer('account_id').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').references(() => members.id, { onDelete: 'set null' }),
  /** First day of the sales month. */
  month: date('month', { mode: 'string' }).notNull(),
  amountMinor: bigint('amount_minor', { mode: 'bigint' }).notNull(),
  currency: text('currency').notNull(),
  source: text('source', { enum: ['chat', 'import'] }).notNull().default('chat'),
  recordedBy: integer('recorded_by').references(() => members.id, { onDelete: 'set null' }),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('sales_account_month_uq').on(t.workspaceId, t.accountId, t.month),
  index('sales_workspace_member_month_idx').on(t.workspaceId, t.memberId, t.month),
  index('sales_workspace_month_idx').on(t.workspaceId, sql`${t.month}`),
]);

export type Sale = typeof sales.$inferSelect;
