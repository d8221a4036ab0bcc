import { eq } from 'drizzle-orm';
import { queryRows, sql, type Db } from '../../db/client.ts';
import { accounts } from '../../db/schema/accounts.ts';
import { members } from '../../db/schema/members.ts';
import { touches } from '../../db/schema/touches.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { createJobContext } from '../../src/jobs/index.ts';
import { nudgesJob } from '../../src/jobs/nudges.ts';
import { reportRemindersJob } from '../../src/jobs/report-reminders.ts';
import { createScheduler, type Scheduler } from '../../src/jobs/scheduler.ts';
import type { JobContext } from '../../src/jobs/types.ts';
import { createSilentLogger } from '../../src/lib/logger.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

/** The jobs this suite owns; other jobs (meetings, digests) are tested by their own suites. */
export const SCHEDULE_JOBS = [reportRemindersJob, nudgesJob];

export interface ScheduleHarness {
  t: TestApp;
  scheduler: Scheduler;
  context: JobContext;
  /** Moves the fake clock to `at`, runs a scheduler tick, delivers what it queued. */
  tickAt(at: string): Promise<void>;
  close(): Promise<void>;
}

/** The real app (console platform) plus a scheduler over it, driven by the fake clock. */
export async function startScheduleHarness(kind: 'pglite' | 'postgres', start: string): Promise<ScheduleHarness> {
  const t = await startTestApp(kind, {}, start);
  const context = createJobContext({ database: t.database, clock: t.clock, logger: createSilentLogger(), outbox: createOutbox(), runtime: t.app.runtime });
  const scheduler = createScheduler({ jobs: SCHEDULE_JOBS, context, clock: t.clock, logger: createSilentLogger() });
  return {
    t, scheduler, context,
    async tickAt(at) {
      t.clock.set(at);
      await scheduler.tick(t.clock.now());
      await t.deliver();
    },
    close: () => t.close(),
  };
}

export function db(t: TestApp): Db {
  return t.database.db as Db;
}

export async function memberId(t: TestApp, handle: string): Promise<number> {
  const [row] = await db(t).select({ id: members.id }).from(members).where(eq(members.externalId, handle));
  return row!.id;
}

export async function workspaceId(t: TestApp): Promise<number> {
  const [row] = await db(t).select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.platform, 'console'));
  return row!.id;
}

/** A new English-speaking assistant on wang's team, living in `timezone`. */
export async function addAssistant(t: TestApp, handle: string, timezone: string): Promise<number> {
  await t.say(handle, '/kam settings language en');
  await t.say(handle, `/kam settings timezone ${timezone}`);
  await t.say('wang', `/kam team add @${handle}`);
  await t.deliver();
  return memberId(t, handle);
}

/** Gives a member an account with a next step that is long overdue (so every nudge has an item). */
export async function addOverdueStep(t: TestApp, handle: string, step = 'Send the proposal', due = '2026-01-05'): Promise<{ accountId: number; touchId: number }> {
  const id = await memberId(t, handle);
  const ws = await workspaceId(t);
  const now = t.clock.now();
  const [account] = await db(t).insert(accounts).values({ workspaceId: ws, name: `${handle} Client ${step.length}${due}`, tier: 'C', assistantId: id, cadenceDays: 3650, createdAt: now }).returning();
  const [touch] = await db(t).insert(touches).values({
    workspaceId: ws, accountId: account!.id, memberId: id, kind: 'call', occurredAt: now, summary: 'call', nextStep: step, nextStepDue: due, createdAt: now,
  }).returning();
  return { accountId: account!.id, touchId: touch!.id };
}

/** How many of a user's inbox entries contain `needle`. */
export async function count(t: TestApp, handle: string, needle: string): Promise<number> {
  return (await t.inbox(handle)).filter((line) => line.includes(needle)).length;
}

/** Outbox rows of one job, for exactly-once checks. */
export async function outboxOf(t: TestApp | Db, job: string): Promise<Array<{ member_id: number; dedupe_key: string; status: string; attempts: number }>> {
  const handle = 'database' in t ? db(t) : t;
  return queryRows(handle, sql`select member_id, dedupe_key, status, attempts from outbox where dedupe_key like ${`${job}:%`} order by id`);
}

/** Every nudge starts with this (English members). */
export const NUDGE_TITLE = 'Good morning!';
