import type { Database } from '../../db/client.ts';
import type { AppConfig } from '../config.ts';
import type { ChatRuntime } from '../chat/runtime.ts';
import type { DeliveryWorker, PlatformSender } from '../delivery/worker.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { HttpRoute } from '../server.ts';

/** What the composition root hands every platform adapter. */
export interface PlatformDeps {
  config: AppConfig;
  database: Database;
  runtime: ChatRuntime;
  delivery: DeliveryWorker;
  clock: Clock;
  logger: Logger;
}

/** A chat platform: inbound routes, an outbound sender, and optional background connections. */
export interface PlatformAdapter {
  name: 'console' | 'slack' | 'lark';
  routes: HttpRoute[];
  sender: PlatformSender;
  /** Opens long-lived connections (Socket Mode, Lark WSClient) after the server listens. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
