import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

/** Public praise (表彰) from one member to another, optionally tagged with a workspace value. */
export const kudos = pgTable('kudos', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  giverId: integer('giver_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  receiverId: integer('receiver_id').notNull().references(() => members.id, { onDelete: 'cascade' }),
  reason: text('reason').notNull(),
  /** A value tag without the leading #, e.g. customer-first. */
  valueTag: text('value_tag'),
  /** Where it was posted (opaque conversation reference), when known. */
  conversation: text('conversation'),
  givenAt: timestamp('given_at', { withTimezone: true }).notNull(),
}, (t) => [
  index('kudos_workspace_receiver_time_idx').on(t.workspaceId, t.receiverId, t.givenAt),
  index('kudos_workspace_giver_time_idx').on(t.workspaceId, t.giverId, t.givenAt),
  index('kudos_workspace_time_idx').on(t.workspaceId, t.givenAt),
]);

export type Kudos = typeof kudos.$inferSelect;

/** The workspace's value tags (#customer-first …); removed tags are archived so history keeps them. */
export const kudosValues = pgTable('kudos_values', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  tag: text('tag').notNull(),
  description: text('description').notNull().default(''),
  archived: boolean('archived').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
}, (t) => [uniqueIndex('kudos_values_workspace_tag_uq').on(t.workspaceId, t.tag)]);

export type KudosValue = typeof kudosValues.$inferSelect;
