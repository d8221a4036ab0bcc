import type { Database } from '../../db/client.ts';
import type { Locale } from '../../db/schema/members.ts';
import type { Outbox, OutboundTarget } from '../chat/context.ts';
import type { Translator } from '../chat/i18n/index.ts';
import type { Message } from '../chat/message.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';

/** What every job gets. */
export interface JobContext {
  database: Database;
  clock: Clock;
  logger: Logger;
  outbox: Outbox;
  translator(locale: Locale): Translator;
}

export interface JobRunOptions {
  now: Date;
  /** Limit the run to one workspace / one member (admin `run <job> @member`). */
  workspaceId?: number;
  memberId?: number;
  /** Build the messages but write nothing and send nothing. */
  dryRun?: boolean;
  /** Run now even if the subjects' due moment has not come or its grace window passed (admin `run`). */
  force?: boolean;
}

/** A message a job would send, for `--dry-run` previews and tests. */
export interface PreviewMessage {
  workspaceId: number;
  target: OutboundTarget;
  message: Message;
}

export interface JobRunReport {
  job: string;
  /** Subjects (members, managers, teams) that were due. */
  due: number;
  /** Messages enqueued (0 in a dry run). */
  enqueued: number;
  previews: PreviewMessage[];
}

/**
 * A scheduled job. The scheduler ticks it on `cron` (UTC); the job itself decides who is due
 * from each member's own time zone, working days, leave and holidays, and records each run
 * with claimJobRun so nothing is sent twice.
 */
export interface JobDefinition {
  name: string;
  /** node-cron expression for how often to look for due work, e.g. every 5 minutes. */
  cron: string;
  /** How late (minutes after the due moment) the work is still worth doing on catch-up. */
  graceMinutes: number;
  run(ctx: JobContext, options: JobRunOptions): Promise<JobRunReport>;
}
