import { and, eq, inArray } from 'drizzle-orm';
import { queryRows, sql, type Database } from '../../db/client.ts';
import { outbox } from '../../db/schema/delivery.ts';
import { members, type Member } from '../../db/schema/members.ts';
import { workspaces, type Workspace } from '../../db/schema/workspaces.ts';
import type { Platform } from '../chat/context.ts';
import { mentionedMemberIds, type Message } from '../chat/message.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';

/** What an adapter needs to know about a member to address or mention them. */
export type Person = Pick<Member, 'id' | 'externalId' | 'displayName' | 'locale' | 'timezone'>;

/** One message for a platform adapter to send. */
export interface DeliveryRequest {
  outboxId: number;
  workspace: Workspace;
  /** A member (send as a DM) or an opaque conversation reference. */
  target: { member: Person } | { conversation: string };
  message: Message;
  /** Everyone mentioned in the message, by member id. */
  people: Map<number, Person>;
}

/** The outbound half of a platform adapter. */
export interface PlatformSender {
  send(request: DeliveryRequest): Promise<{ externalRef?: string }>;
}

/** A send failure. Retryable ones come back later (after `retryAfterMs` when the platform said so). */
export class DeliveryError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface DeliveryWorkerOptions {
  database: Database;
  senders: Partial<Record<Platform, PlatformSender>>;
  clock: Clock;
  logger: Logger;
  pollIntervalMs?: number;
  batchSize?: number;
  maxAttempts?: number;
}

export interface DeliveryWorker {
  start(): void;
  stop(): Promise<void>;
  /** Asks for a delivery pass soon (after a commit that enqueued something). */
  kick(): void;
  /** Delivers everything due now; resolves with how many were sent (for tests and scripts). */
  runOnce(): Promise<number>;
  setSender(platform: Platform, sender: PlatformSender): void;
}

// A message being sent is locked this long; a crashed sender's rows are picked up after it.
const SEND_LEASE_SECONDS = 120;
const MAX_BACKOFF_MS = 30 * 60_000;

/** Backoff before attempt n+1: 5 s, 10 s, 20 s … capped at 30 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 5_000 * 2 ** Math.max(0, attempts - 1));
}

/** Renders a <@m:ID> mention as "@Name" from loaded people ("@someone" for an unknown id). */
export function mentionByName(people: Map<number, Person>): (memberId: number) => string {
  return (id) => `@${people.get(id)?.displayName ?? 'someone'}`;
}

/** Loads people (members) by id within a workspace. */
export async function loadPeople(database: Database['db'], workspaceId: number, ids: number[]): Promise<Map<number, Person>> {
  if (!ids.length) return new Map();
  const rows = await database.select({
    id: members.id, externalId: members.externalId, displayName: members.displayName,
    locale: members.locale, timezone: members.timezone,
  }).from(members).where(and(eq(members.workspaceId, workspaceId), inArray(members.id, ids)));
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Sends queued messages through the platform senders. Rows are claimed with SKIP LOCKED, so any
 * number of bot instances can run workers on one database without sending a message twice.
 */
export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { database, clock, logger } = options;
  const db = database.db;
  const senders = { ...options.senders };
  const batchSize = options.batchSize ?? 50;
  const maxAttempts = options.maxAttempts ?? 12;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = true;

  async function claim(now: Date) {
    return queryRows<{ id: number }>(db, sql`
      update outbox set status = 'sending', attempts = attempts + 1,
        locked_until = ${now.toISOString()}::timestamptz + make_interval(secs => ${SEND_LEASE_SECONDS})
      where id in (
        select o.id from outbox o join workspaces w on w.id = o.workspace_id
        where w.active and (
          (o.status = 'pending' and o.next_attempt_at <= ${now.toISOString()}::timestamptz)
          or (o.status = 'sending' and o.locked_until < ${now.toISOString()}::timestamptz))
        order by o.next_attempt_at, o.id
        limit ${batchSize}
        for update of o skip locked)
      returning id`);
  }

  async function deliver(id: number): Promise<boolean> {
    const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
    if (!row) return false;
    const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, row.workspaceId));
    const sender = workspace ? senders[workspace.platform] : undefined;
    const now = clock.now();
    if (!workspace || !sender) {
      // No adapter for this platform in this process (e.g. Slack not configured): keep it queued.
      await db.update(outbox).set({ status: 'pending', nextAttemptAt: new Date(now.getTime() + 60_000), lastError: 'no sender for platform' })
        .where(eq(outbox.id, id));
      return false;
    }
    const message = row.message as Message;
    try {
      const ids = mentionedMemberIds(message);
      if (row.memberId) ids.push(row.memberId);
      const people = await loadPeople(db, row.workspaceId, ids);
      let target: DeliveryRequest['target'];
      if (row.memberId) {
        const member = people.get(row.memberId);
        if (!member) throw new DeliveryError('target member no longer exists', false);
        target = { member };
      } else {
        target = { conversation: row.conversation ?? '' };
      }
      const result = await sender.send({ outboxId: row.id, workspace, target, message, people });
      await db.update(outbox).set({ status: 'sent', sentAt: clock.now(), lockedUntil: null, lastError: null, externalRef: result.externalRef ?? null })
        .where(eq(outbox.id, id));
      return true;
    } catch (error) {
      const retryable = error instanceof DeliveryError ? error.retryable : true;
      const text = error instanceof Error ? error.message : String(error);
      const dead = !retryable || row.attempts >= maxAttempts;
      const waitMs = error instanceof DeliveryError && error.retryAfterMs !== undefined
        ? Math.max(error.retryAfterMs, 1_000) : backoffMs(row.attempts);
      await db.update(outbox).set({
        status: dead ? 'dead' : 'pending', lockedUntil: null, lastError: text.slice(0, 500),
        nextAttemptAt: new Date(now.getTime() + waitMs),
      }).where(eq(outbox.id, id));
      (dead ? logger.error.bind(logger) : logger.warn.bind(logger))(
        { outboxId: id, attempts: row.attempts, retryInMs: dead ? undefined : waitMs, err: text }, dead ? 'delivery gave up' : 'delivery will retry');
      return false;
    }
  }

  async function pass(): Promise<number> {
    let sent = 0;
    for (;;) {
      // UPDATE … RETURNING has no order; send in enqueue order so replies read in sequence.
      const claimed = (await claim(clock.now())).map((r) => Number(r.id)).sort((a, b) => a - b);
      for (const id of claimed) if (await deliver(id)) sent += 1;
      if (claimed.length < batchSize) return sent;
    }
  }

  function runOnce(): Promise<number> {
    if (running) { again = true; return running; }
    running = pass().finally(() => {
      running = undefined;
      if (again && !stopped) { again = false; void runOnce().catch((err) => logger.error({ err }, 'delivery pass failed')); }
    });
    return running;
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setInterval(() => { void runOnce().catch((err) => logger.error({ err }, 'delivery pass failed')); }, options.pollIntervalMs ?? 2_000);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
    kick() {
      if (stopped) return;
      setImmediate(() => { void runOnce().catch((err) => logger.error({ err }, 'delivery pass failed')); });
    },
    runOnce,
    setSender(platform, sender) { senders[platform] = sender; },
  };
}
