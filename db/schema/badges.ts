import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

/** A milestone badge a member earned; each badge is awarded once per member. */
export const badgeAwards = pgTable('badge_awards', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  memberId: integer('member_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  /** Badge code, e.g. visits_10, first_five_star. */
  badge: text('badge').notNull(),
  /** Optional context, e.g. the quarter for a touch-target badge. */
  detail: text('detail').notNull().default(''),
  awardedAt: timestamp('awarded_at', { withTimezone: true }).notNull(),
}, (t) => [
  uniqueIndex('badge_awards_member_badge_uq').on(t.workspaceId, t.memberId, t.badge),
  index('badge_awards_workspace_time_idx').on(t.workspaceId, t.awardedAt),
]);

export type BadgeAward = typeof badgeAwards.$inferSelect;
