import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** Workspace-wide settings kept as JSON so small product knobs don't need a migration each. */
export interface WorkspaceSettings {
  /** Opaque platform conversation reference for public praise and recognition posts. */
  teamChannel?: string;
  defaultTimezone?: string;
  defaultLocale?: 'en' | 'zh-CN';
  [key: string]: unknown;
}

/** A tenant: one Slack team, one Lark tenant, or the local console. */
export const workspaces = pgTable('workspaces', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  platform: text('platform', { enum: ['console', 'slack', 'lark'] }).notNull(),
  externalId: text('external_id').notNull(),
  name: text('name').notNull().default(''),
  active: boolean('active').notNull().default(true),
  settings: jsonb('settings').$type<WorkspaceSettings>().notNull().default(sql`'{}'::jsonb`),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('workspaces_platform_external_uq').on(t.platform, t.externalId)]);

export type Workspace = typeof workspaces.$inferSelect;
