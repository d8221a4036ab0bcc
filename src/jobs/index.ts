import type { Database } from '../../db/client.ts';
import type { Outbox } from '../chat/context.ts';
import type { ChatRuntime } from '../chat/runtime.ts';
import type { AppConfig } from '../config.ts';
import type { DeliveryWorker } from '../delivery/worker.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';

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
}

/** Starts the scheduled jobs (src/jobs/scheduler.ts owns node-cron). */
export function startJobs(_deps: JobDeps): JobsHandle {
  return { stop: async () => {} };
}
