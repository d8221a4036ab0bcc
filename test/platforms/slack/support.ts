import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Database } from '../../../db/client.ts';
import { startApp, type App } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import type { SlackPlatform } from '../../../src/platforms/slack/index.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';
import { FakeSlack, type FakeSlackUser } from '../../fakes/fake-slack.ts';
import { FakeSlackSocket } from '../../fakes/fake-slack-socket.ts';
import { SlackRequests } from '../../fakes/fake-slack-requests.ts';
import { freshDatabase } from '../../support/db.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-token';

export const PEOPLE: FakeSlackUser[] = [
  { id: 'UBOSS', name: 'boss', real_name: 'Wang Li', tz: 'Asia/Shanghai', locale: 'zh-CN' },
  { id: 'UANN', name: 'ann', real_name: 'Ann Lee', tz: 'Europe/London', locale: 'en-GB' },
  { id: 'UMEI', name: 'mei', real_name: 'Mei Chen', tz: 'Asia/Shanghai', locale: 'zh-CN' },
  { id: 'UOTHER', name: 'other', real_name: 'Olga Other', tz: 'America/New_York', locale: 'en-US' },
];

export interface SlackTestApp {
  app: App;
  clock: FakeClock;
  database: Database;
  fake: FakeSlack;
  slack: SlackRequests;
  platform: SlackPlatform;
  /** The Socket Mode endpoint, when started with `{ socketMode: true }`. */
  socket?: FakeSlackSocket;
  /** Every log line the app wrote (debug and up). */
  logs: string[];
  /** Waits until everything the app started after its acks has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the real app with only the Slack platform, pointed at a fake Slack Web API, on a fresh
 * database and a fake clock. Requests are signed against that clock.
 */
export async function startSlackApp(kind: 'pglite' | 'postgres', env: Record<string, string> = {}, start = '2026-11-30T02:00:00Z', options: { socketMode?: boolean } = {}): Promise<SlackTestApp> {
  const fake = await new FakeSlack({ users: PEOPLE }).start();
  const socket = options.socketMode ? await new FakeSlackSocket().start() : undefined;
  if (socket) { fake.socketUrl = socket.url; env = { SLACK_APP_TOKEN: 'xapp-1-A0KAMBOT-1-test', ...env }; }
  const clock = new FakeClock(start);
  const database = await freshDatabase(kind);
  const merged: Record<string, string> = {
    CONSOLE: 'off', SCHEDULER: 'off', DEFAULT_TIMEZONE: 'Asia/Shanghai',
    SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, ...env,
  };
  // An empty value means "leave it unset" (e.g. no bot token in OAuth mode).
  for (const [key, value] of Object.entries(merged)) if (value === '') delete merged[key];
  const config = loadConfig(merged);
  config.port = 0;
  config.host = '127.0.0.1';
  const logs: string[] = [];
  // Deliberately without redaction: the test proves secrets never reach the logger at all.
  const logger = pino({ level: 'debug' }, new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } }));
  const app = await startApp(config, { clock, logger, database, startDelivery: false });
  const platform = app.platforms.find((p) => p.name === 'slack') as SlackPlatform;
  const slack = new SlackRequests(app.url, SIGNING_SECRET, () => clock.now(), (id) => fake.responseUrl(id));
  return {
    app, clock, database, fake, slack, platform, logs, socket,
    idle: () => platform.idle(),
    async close() {
      await app.close();
      await database.close();
      await socket?.close();
      await fake.close();
    },
  };
}

/** Plain text of everything a Slack message payload shows (fallback text + blocks). */
export function textOf(payload: Record<string, unknown> | undefined): string {
  if (!payload) return '';
  const parts: string[] = [String(payload.text ?? '')];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) { value.forEach(walk); return; }
    if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (typeof o.text === 'string') parts.push(o.text);
      for (const [k, v] of Object.entries(o)) if (k !== 'text' || typeof v !== 'string') walk(v);
    }
  };
  walk(payload.blocks);
  if (payload.view) walk((payload.view as Record<string, unknown>).blocks);
  return parts.join('\n');
}

/** Polls until `check` returns something truthy (for work with no request to wait on, e.g. Socket Mode). */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
