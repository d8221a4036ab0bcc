import { schedule as cronSchedule, validate as cronValidate, type ScheduledTask } from 'node-cron';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { JobContext, JobDefinition, JobRunOptions, JobRunReport } from './types.ts';

/**
 * The only node-cron user. Cron only says "look now"; each job decides who is due from each
 * member's own zone, working days, leave and holidays, and claims its runs in PostgreSQL, so
 * ticks may be late, doubled or run on several instances without changing what is sent.
 */
export interface Scheduler {
  readonly jobs: readonly JobDefinition[];
  /** Starts one cron task per job; ticks use `clock.now()`. */
  start(): void;
  /** Stops the cron tasks and waits for running jobs. */
  stop(): Promise<void>;
  /** Runs every job once for the moment `now` (what a cron tick does; tests call it directly). */
  tick(now: Date): Promise<JobRunReport[]>;
  /**
   * Catch-up on start: the same as a tick, since each job looks back over its grace window
   * (work missed while down is done if still useful, and skipped when stale).
   */
  runDue(now: Date): Promise<JobRunReport[]>;
  /** Runs one job now with options (admin `run`, tests). Throws for an unknown job name. */
  runJob(name: string, options: JobRunOptions): Promise<JobRunReport>;
  job(name: string): JobDefinition | undefined;
}

export interface SchedulerOptions {
  jobs: readonly JobDefinition[];
  context: JobContext;
  clock: Clock;
  logger: Logger;
  /** Called after a run that enqueued messages (kicks the delivery worker). */
  onEnqueued?: () => void;
}

// PostgreSQL serialization failure / deadlock: safe to retry, the run claims make it idempotent.
const RETRYABLE_CODES = new Set(['40001', '40P01']);

function isRetryable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Creates the scheduler for a list of jobs. Job names must be unique and cron expressions valid. */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { jobs, context, clock, logger } = options;
  const byName = new Map<string, JobDefinition>();
  for (const job of jobs) {
    if (byName.has(job.name)) throw new Error(`job registered twice: ${job.name}`);
    if (!cronValidate(job.cron)) throw new Error(`job ${job.name} has an invalid cron expression: ${job.cron}`);
    byName.set(job.name, job);
  }
  const tasks: ScheduledTask[] = [];
  const running = new Map<string, Promise<JobRunReport>>();

  async function runWithRetry(job: JobDefinition, runOptions: JobRunOptions): Promise<JobRunReport> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const report = await job.run(context, runOptions);
        if (report.enqueued > 0) options.onEnqueued?.();
        return report;
      } catch (error) {
        if (attempt >= 3 || !isRetryable(error)) throw error;
        logger.warn({ job: job.name, attempt, err: error }, 'job run conflicted with another instance; retrying');
      }
    }
  }

  /** One run of a job at a time per process; a tick arriving meanwhile shares that run. */
  function runOnce(job: JobDefinition, now: Date): Promise<JobRunReport> {
    const current = running.get(job.name);
    if (current) return current;
    const started = runWithRetry(job, { now }).finally(() => running.delete(job.name));
    running.set(job.name, started);
    return started;
  }

  async function tick(now: Date): Promise<JobRunReport[]> {
    const reports: JobRunReport[] = [];
    for (const job of jobs) {
      try {
        reports.push(await runOnce(job, now));
      } catch (error) {
        // One failing job must not stop the others; the next tick tries again.
        logger.error({ job: job.name, err: error }, 'scheduled job failed');
      }
    }
    return reports;
  }

  return {
    jobs,
    start() {
      if (tasks.length) return;
      for (const job of jobs) {
        tasks.push(cronSchedule(job.cron, async () => {
          try {
            const report = await runOnce(job, clock.now());
            if (report.enqueued) logger.info({ job: job.name, due: report.due, enqueued: report.enqueued }, 'job ran');
          } catch (error) {
            logger.error({ job: job.name, err: error }, 'scheduled job failed');
          }
        }, { name: `kam:${job.name}`, noOverlap: true, timezone: 'UTC' }));
      }
    },
    async stop() {
      for (const task of tasks.splice(0)) await task.destroy();
      await Promise.allSettled(running.values());
    },
    tick,
    runDue: tick,
    async runJob(name, runOptions) {
      const job = byName.get(name);
      if (!job) throw new Error(`unknown job: ${name}`);
      return runWithRetry(job, runOptions);
    },
    job: (name) => byName.get(name),
  };
}
