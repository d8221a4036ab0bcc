import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { workspaces } from './workspaces.ts';

export const ROLES = ['admin', 'manager', 'assistant'] as const;
export type Role = (typeof ROLES)[number];
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** A person in a workspace, mapped from one platform user. */
export const members = pgTable('members', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  /** Platform user id (Slack U…, Lark open_id, console handle). Only adapters interpret it. */
  externalId: text('external_id').notNull(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ROLES }).notNull().default('assistant'),
  managerId: integer('manager_id').references((): AnyPgColumn => members.id, { onDelete: 'set null' }),
  timezone: text('timezone').notNull().default('UTC'),
  locale: text('locale', { enum: LOCALES }).notNull().default('en'),
  /** True once the member picked a locale/time zone themselves; platform profile refreshes keep out. */
  localeChosen: boolean('locale_chosen').notNull().default(false),
  timezoneChosen: boolean('timezone_chosen').notNull().default(false),
  active: boolean('active').notNull().default(true),
  isBot: boolean('is_bot').notNull().default(false),
  profileRefreshedAt: timestamp('profile_refreshed_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('members_workspace_external_uq').on(t.workspaceId, t.externalId),
  index('members_workspace_manager_idx').on(t.workspaceId, t.managerId),
  index('members_workspace_name_idx').on(t.workspaceId, sql`lower(${t.displayName})`),
]);

export type Member = typeof members.$inferSelect;
export type NewMember = typeof members.$inferInsert;
