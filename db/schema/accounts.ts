import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

export const TIERS = ['A', 'B', 'C'] as const;
export type Tier = (typeof TIERS)[number];
/** Default touch cadence in days by tier: top clients are touched weekly. */
export const DEFAULT_CADENCE_DAYS: Record<Tier, number> = { A: 7, B: 14, C: 30 };

/** A key client (大客户) the team manages. */
export const accounts = pgTable('accounts', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  tier: text('tier', { enum: TIERS }).notNull().default('B'),
  managerId: integer('manager_id').references(() => members.id, { onDelete: 'set null' }),
  assistantId: integer('assistant_id').references(() => members.id, { onDelete: 'set null' }),
  cadenceDays: integer('cadence_days').notNull(),
  notes: text('notes').notNull().default(''),
  archivedAt: timestamp('archived_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('accounts_workspace_name_uq').on(t.workspaceId, sql`lower(${t.name})`),
  index('accounts_workspace_assistant_idx').on(t.workspaceId, t.assistantId),
  index('accounts_workspace_manager_idx').on(t.workspaceId, t.managerId),
]);

export type Account = typeof accounts.$inferSelect;
