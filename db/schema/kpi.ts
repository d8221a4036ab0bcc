import { sql } from 'drizzle-orm';
import { index, integer, numeric, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

export const TARGET_METRICS = ['touches', 'visits', 'csat', 'sales', 'growth', 'coverage', 'ontime'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];
export const TARGET_PERIODS = ['month', 'quarter'] as const;
export type TargetPeriod = (typeof TARGET_PERIODS)[number];

/**
 * A KPI target (绩效指标) for one member, or the workspace default when member_id is null.
 * Values are exact decimals: counts, a CSAT score, percentages, or sales in major units.
 */
export const kpiTargets = pgTable('kpi_targets', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').references(() => members.id, { onDelete: 'cascade' }),
  periodKind: text('period_kind', { enum: TARGET_PERIODS }).notNull(),
  metric: text('metric', { enum: TARGET_METRICS }).notNull(),
  value: numeric('value', { precision: 18, scale: 2 }).notNull(),
  setBy: integer('set_by').references(() => members.id, { onDelete: 'set null' }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('kpi_targets_uq').on(t.workspaceId, sql`coalesce(${t.memberId}, 0)`, t.periodKind, t.metric),
  index('kpi_targets_workspace_member_idx').on(t.workspaceId, t.memberId),
]);

export type KpiTarget = typeof kpiTargets.$inferSelect;
