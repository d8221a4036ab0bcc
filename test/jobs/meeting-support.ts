import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { members } from '../../db/schema/members.ts';
import { workspaces } from '../../db/schema/workspaces.ts';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { createJobContext } from '../../src/jobs/index.ts';
import type { JobContext, JobDefinition, JobRunReport } from '../../src/jobs/types.ts';
import { createSilentLogger } from '../../src/lib/logger.ts';
import type { TestApp } from '../support/app.ts';

/** The job context the real scheduler would build, over the test app's parts. */
export function jobContext(t: TestApp): JobContext {
  return createJobContext({ database: t.database, clock: t.clock, logger: createSilentLogger(), outbox: createOutbox(), runtime: t.app.runtime });
}

/** Runs a job at `at` (moving the fake clock there first), then delivers what it queued. */
export async function runAt(t: TestApp, job: JobDefinition, at: string): Promise<JobRunReport> {
  t.clock.set(at);
  const report = await job.run(jobContext(t), { now: t.clock.now() });
  await t.deliver();
  return report;
}

/** Adds a console member with a time zone and language, on wang's team. */
export async function addAssistant(t: TestApp, handle: string, timezone: string, language = 'en'): Promise<void> {
  await t.say(handle, `/kam settings timezone ${timezone}`);
  await t.say(handle, `/kam settings language ${language}`);
  await t.say('wang', `/kam team add @${handle}`);
}

export async function memberId(t: TestApp, handle: string): Promise<number> {
  const db = t.database.db as Db;
  const [row] = await db.select({ id: members.id }).from(members).where(eq(members.externalId, handle));
  return row!.id;
}

export async function workspaceId(t: TestApp): Promise<number> {
  const db = t.database.db as Db;
  const [row] = await db.select({ id: workspaces.id }).from(workspaces).where(and(eq(workspaces.platform, 'console')));
  return row!.id;
}

/** The newest inbox entries of a user after `before` entries were already there. */
export async function newEntries(t: TestApp, user: string, before: number): Promise<string[]> {
  return (await t.inbox(user)).slice(before);
}
