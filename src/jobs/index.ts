import type { Database } from '../../db/client.ts';
import type { Outbox } from '../chat/context.ts';
import type { ChatRuntime } from '../chat/runtime.ts';
import type { AppConfig } from '../config.ts';
import type { DeliveryWorker } from '../delivery/worker.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { JOBS } from './catalog.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import type { JobContext, JobDefinition } from './types.ts';

export interface JobDeps {
  config: AppConfig;
  database: Database;
  runtime: ChatRuntime;
  delivery: DeliveryWorker;
  clock: Clock;
  logger: Logger;
  outbox: Outbox;
}

export interface JobsHandle {
  stop(): Promise<void>;
  /** The running scheduler (for tests and admin tooling); absent when jobs are off. */
  scheduler?: Scheduler;
  /** Resolves when the catch-up run on start has finished. */
  ready?: Promise<void>;
}

/** The context every job run gets, built from the app's parts. */
export function createJobContext(deps: Pick<JobDeps, 'database' | 'clock' | 'logger' | 'outbox' | 'runtime'>): JobContext {
  return {
    database: deps.database, clock: deps.clock, logger: deps.logger, outbox: deps.outbox,
    translator: (locale) => deps.runtime.translator(locale),
  };
}

/**
 * Starts the scheduled jobs: registers every job in the catalog with the scheduler (the only
 * node-cron user), then catches up on work missed while the process was down — each job does
 * what is still inside its grace window and skips what is stale.
 */
export function startJobs(deps: JobDeps, jobs: readonly JobDefinition[] = JOBS): JobsHandle {
  const scheduler = createScheduler({
    jobs, context: createJobContext(deps), clock: deps.clock, logger: deps.logger,
    onEnqueued: () => deps.delivery.kick(),
  });
  scheduler.start();
  const ready = scheduler.runDue(deps.clock.now()).then((reports) => {
    const enqueued = reports.reduce((n, r) => n + r.enqueued, 0);
    if (enqueued) deps.logger.info({ enqueued }, 'caught up on scheduled work missed while down');
  }, (err) => { deps.logger.error({ err }, 'catch-up on start failed'); });
  return {
    scheduler,
    ready,
    async stop() {
      await ready;
      await scheduler.stop();
    },
  };
}
