import type { Database } from '../../db/client.ts';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createSilentLogger } from '../../src/lib/logger.ts';
import { FakeClock } from '../fakes/fake-clock.ts';
import { freshDatabase } from './db.ts';

export interface TestApp {
  app: App;
  clock: FakeClock;
  database: Database;
  /** Sends text as a console user and returns the bot's reply entries. */
  say(user: string, text: string, conversation?: string): Promise<ConsoleResponse>;
  click(user: string, action: string, value?: string, entryId?: number): Promise<ConsoleResponse>;
  submit(user: string, formId: string, values: Record<string, string>, state?: string, nonce?: string): Promise<ConsoleResponse>;
  /** Plain text of every reply in a response, joined. */
  text(response: ConsoleResponse): string;
  /** Delivers queued outbound messages now. */
  deliver(): Promise<number>;
  /** Console entries a user can see in a conversation (default: their DM), with buttons. */
  entries(user: string, conversation?: string): Promise<ConsoleEntryJson[]>;
  /** Plain text of console entries a user can see in a conversation (default: their DM). */
  inbox(user: string, conversation?: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface ConsoleEntryJson {
  id: number;
  plain?: string;
  text?: string;
  message?: { blocks: Array<{ type: string; buttons?: Array<{ label: string; action: string; value?: string }> }> };
  form?: unknown;
}

export interface ConsoleResponse {
  replies: ConsoleEntryJson[];
  forms: Array<{ id: string; fields: Array<{ name: string }>; state?: string }>;
  formErrors?: Record<string, string>;
  duplicate: boolean;
}

/**
 * Starts the real app (console platform, real HTTP server on a free port) on a fresh database
 * with a fake clock. Talks to it over HTTP like the console page does.
 */
export async function startTestApp(kind: 'pglite' | 'postgres', env: Record<string, string> = {}, start = '2026-11-30T02:00:00Z', options: { startDelivery?: boolean } = {}): Promise<TestApp> {
  const clock = new FakeClock(start);
  const database = await freshDatabase(kind);
  const config = loadConfig({ CONSOLE: 'on', SCHEDULER: 'off', DEFAULT_TIMEZONE: 'Asia/Shanghai', ...env });
  config.port = 0;
  const app = await startApp(config, { clock, logger: createSilentLogger(), database, startDelivery: options.startDelivery ?? false });
  const post = async (path: string, body: unknown): Promise<ConsoleResponse> => {
    const res = await fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as ConsoleResponse;
  };
  const entries = async (user: string, conversation?: string): Promise<ConsoleEntryJson[]> => {
    const q = new URLSearchParams({ user, ...(conversation ? { conversation } : {}) });
    const res = await fetch(`${app.url}/console/api/conversations?${q}`);
    return ((await res.json()) as { entries: ConsoleEntryJson[] }).entries;
  };
  return {
    app, clock, database,
    say: (user, text, conversation) => post('/console/api/messages', { user, text, conversation }),
    click: (user, action, value = '', entryId) => post('/console/api/actions', { user, action, value, entryId }),
    submit: (user, formId, values, state, nonce) => post('/console/api/forms', { user, formId, values, state, nonce }),
    text: (response) => response.replies.map((r) => r.plain ?? r.text ?? '').join('\n'),
    deliver: () => app.delivery.runOnce(),
    entries,
    async inbox(user, conversation) {
      return (await entries(user, conversation)).map((e) => e.plain ?? e.text ?? '');
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}
