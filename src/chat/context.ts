import type { Db } from '../../db/client.ts';
import type { Member, Role } from '../../db/schema/members.ts';
import type { Workspace } from '../../db/schema/workspaces.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Locale, Translator } from './i18n/index.ts';
import type { Message } from './message.ts';

export type Platform = Workspace['platform'];

/**
 * The database handle plus the tenant and the moment a piece of work happens in. Every service
 * function takes one, so no query can forget its workspace.
 */
export interface Scope {
  db: Db;
  workspaceId: number;
  now: Date;
}

/** Where an outbound message goes: a member's DM or an opaque conversation reference. */
export type OutboundTarget = { memberId: number } | { conversation: string };

/** Queues messages for delivery inside the current transaction (see src/delivery). */
export interface Outbox {
  /** Enqueues once per dedupe key; returns false when that key was already queued. */
  enqueue(scope: Scope, target: OutboundTarget, message: Message, dedupeKey: string): Promise<boolean>;
}

export interface ConversationRef {
  /** Opaque platform reference (channel id, chat id, console room). */
  ref: string;
  kind: 'dm' | 'channel';
}

/** Everything a command, action or form handler needs. Built per event by the runtime. */
export interface CommandContext {
  scope: Scope;
  workspace: Workspace;
  member: Member;
  locale: Locale;
  t: Translator;
  /** Translator for another member's locale (for notifications to them). */
  translatorFor(locale: Locale): Translator;
  conversation: ConversationRef;
  platform: Platform;
  clock: Clock;
  outbox: Outbox;
  logger: Logger;
  /** Cross-capability hooks (see CapabilityHooks). */
  hooks: { teamJoined(assistant: Member): Promise<void> };
  /** Dedupe key of the inbound event (platform event id, view id…), when known. */
  eventKey?: string;
}

export type { Role };
