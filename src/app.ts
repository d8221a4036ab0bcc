import { openDatabase, type Database } from '../db/client.ts';
import { createCapabilities } from './capabilities/index.ts';
import type { AppConfig } from './config.ts';
import { Registry } from './chat/registry.ts';
import { createChatRuntime, type ChatRuntime } from './chat/runtime.ts';
import { createOutbox } from './delivery/outbox.ts';
import { createDeliveryWorker, type DeliveryWorker } from './delivery/worker.ts';
import { startJobs, type JobsHandle } from './jobs/index.ts';
import type { Clock } from './lib/clock.ts';
import type { Logger } from './lib/logger.ts';
import { createPlatforms } from './platforms/index.ts';
import type { PlatformAdapter } from './platforms/types.ts';
import { createHttpServer, type HttpServer } from './server.ts';

/** A running KAM Bot: what tests and main hold on to. */
export interface App {
  url: string;
  config: AppConfig;
  database: Database;
  runtime: ChatRuntime;
  delivery: DeliveryWorker;
  platforms: PlatformAdapter[];
  jobs: JobsHandle;
  http: HttpServer;
  /** Graceful stop: no new requests, finish in-flight work, stop jobs, close the pool. */
  close(): Promise<void>;
}

export interface AppDeps {
  clock: Clock;
  logger: Logger;
  /** Use an already-open database (tests); otherwise one is opened from config. */
  database?: Database;
  /** Start the delivery worker's polling loop (tests may drive it by hand). Default true. */
  startDelivery?: boolean;
}

/**
 * The composition root: config → db → migrate → capabilities → platforms → jobs → server.
 */
export async function startApp(config: AppConfig, deps: AppDeps): Promise<App> {
  const { clock, logger } = deps;
  const database = deps.database ?? await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
  await database.migrate();

  const delivery = createDeliveryWorker({ database, senders: {}, clock, logger });
  const outbox = createOutbox();
  let registry: Registry | undefined;
  registry = new Registry(createCapabilities(() => registry!));
  const runtime = createChatRuntime({
    database, registry, clock, logger, outbox,
    defaults: { timezone: config.defaultTimezone, locale: config.defaultLocale },
    afterCommit: () => delivery.kick(),
  });

  const platforms = await createPlatforms({ config, database, runtime, delivery, clock, logger });
  for (const platform of platforms) delivery.setSender(platform.name, platform.sender);

  const http = createHttpServer({ logger, ready: () => database.ping(), routes: platforms.flatMap((p) => p.routes) });
  const url = await http.listen(config.port, config.host);
  for (const platform of platforms) await platform.start?.();
  if (deps.startDelivery !== false) delivery.start();
  const jobs = config.scheduler ? startJobs({ config, database, runtime, delivery, clock, logger, outbox }) : { stop: async () => {} };
  logger.info({ url, platforms: platforms.map((p) => p.name), database: database.kind }, 'KAM Bot is up');

  let closing: Promise<void> | undefined;
  return {
    url, config, database, runtime, delivery, platforms, jobs, http,
    close() {
      closing ??= (async () => {
        await http.close();
        await jobs.stop();
        for (const platform of platforms) await platform.stop?.();
        await delivery.stop();
        if (!deps.database) await database.close();
      })();
      return closing;
    },
  };
}
