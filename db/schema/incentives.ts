import { bigint, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.ts';
import { reviews } from './reviews.ts';
import { workspaces } from './workspaces.ts';

export const BONUS_METRICS = ['touches', 'visits', 'csat', 'sales', 'growth', 'coverage', 'ontime'] as const;
export type BonusMetric = (typeof BONUS_METRICS)[number];

/**
 * Workspace bonus rules (激励): base per quarter in minor units, KPI weights in basis points
 * (sum 10000), minimum achievement and overall cap in percent.
 */
export const bonusRules = pgTable('bonus_rules', {
  workspaceId: integer('workspace_id').primaryKey().references(() => workspaces.id, { onDelete: 'cascade' }),
  baseMinor: bigint('base_minor', { mode: 'bigint' }).notNull(),
  currency: text('currency').notNull(),
  weightsBp: jsonb('weights_bp').$type<Partial<Record<BonusMetric, number>>>().notNull(),
  minPct: integer('min_pct').notNull(),
  capPct: integer('cap_pct').notNull(),
  updatedBy: integer('updated_by').references(() => members.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export type BonusRules = typeof bonusRules.$inferSelect;

/** One line of a bonus proposal: how a KPI contributed. */
export interface BonusLine {
  metric: BonusMetric;
  weightBp: number;
  actual: string | null;
  target: string | null;
  /** Achievement in basis points (10000 = 100%), or null when there is no target. */
  achievementBp: number | null;
  payoutMinor: string;
}

/** A bonus proposal per assistant per quarter. Never paid automatically: a manager approves it. */
export const bonusProposals = pgTable('bonus_proposals', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  reviewId: integer('review_id').references(() => reviews.id, { onDelete: 'set null' }),
  periodKey: text('period_key').notNull(),
  currency: text('currency').notNull(),
  proposedMinor: bigint('proposed_minor', { mode: 'bigint' }).notNull(),
  breakdown: jsonb('breakdown').$type<BonusLine[]>().notNull(),
  status: text('status', { enum: ['proposed', 'approved'] }).notNull().default('proposed'),
  approvedMinor: bigint('approved_minor', { mode: 'bigint' }),
  reason: text('reason'),
  approvedBy: integer('approved_by').references(() => members.id, { onDelete: 'set null' }),
  approvedAt: timestamp('approved_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [uniqueIndex('bonus_proposals_member_period_uq').on(t.workspaceId, t.memberId, t.periodKey)]);

export type BonusProposal = typeof bonusProposals.$inferSelect;
