import { boolean, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Slack OAuth installations (Bolt's InstallationStore), one row per Slack team or Enterprise
 * Grid org. Keyed by Slack ids rather than workspace_id: an installation exists before its KAM
 * workspace does. The JSON holds tokens, so it is never logged or returned by any command.
 */
export const slackInstallations = pgTable('slack_installations', {
  /** `<enterprise id or ->:<team id or ->`, so an org-wide install and team installs never collide. */
  installKey: text('install_key').primaryKey(),
  teamId: text('team_id'),
  enterpriseId: text('enterprise_id'),
  isEnterpriseInstall: boolean('is_enterprise_install').notNull().default(false),
  /** Bolt's Installation object as returned by oauth.v2.access. */
  installation: jsonb('installation').notNull(),
  installedAt: timestamp('installed_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
}, (t) => [index('slack_installations_team_idx').on(t.teamId)]);

export type SlackInstallationRow = typeof slackInstallations.$inferSelect;
