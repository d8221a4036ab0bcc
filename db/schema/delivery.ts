import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { members } from './members.ts';
import { workspaces } from './workspaces.ts';

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'dead'] as const;

/**
 * Outbound messages waiting to be delivered. Written in the same transaction as the change
 * that caused them, so nothing is lost; the unique dedupe key keeps anything from being sent twice.
 */
export const outbox = pgTable('outbox', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  /** Either a member (delivered as a DM) or an opaque conversation reference. */
  memberId: integer('member_id').references(() => members.id, { onDelete: 'cascade' }),
  conversation: text('conversation'),
  /** Neutral Message JSON (src/chat/message.ts). */
  message: jsonb('message').notNull(),
  dedupeKey: text('dedupe_key').notNull(),
  status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  lastError: text('last_error'),
  /** Platform message reference once sent (Slack ts, Lark message_id), for later updates. */
  externalRef: text('external_ref'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('outbox_workspace_dedupe_uq').on(t.workspaceId, t.dedupeKey),
  index('outbox_due_idx').on(t.status, t.nextAttemptAt),
]);

export type OutboxRow = typeof outbox.$inferSelect;

/** Inbound platform events already handled, so retries and double submits run once. */
export const processedEvents = pgTable('processed_events', {
  workspaceId: integer('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  eventKey: text('event_key').notNull(),
  processedAt: timestamp('processed_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex('processed_events_uq').on(t.workspaceId, t.eventKey)]);
