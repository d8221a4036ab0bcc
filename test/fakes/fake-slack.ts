import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded Web API call. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
}

/** One recorded post to a response_url. */
export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
}

export interface FakeSlackUser {
  id: string;
  name: string;
  real_name?: string;
  tz?: string;
  locale?: string;
  is_bot?: boolean;
}

type Failure = { status: 429; retryAfter: number } | { status: 500 } | { error: string };

/** Fields the Web API client sends JSON-encoded inside form bodies. */
const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata']);

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A small fake of Slack's Web API on 127.0.0.1. It records every call (chat.postMessage,
 * chat.postEphemeral, chat.update, views.open, views.publish, users.info, auth.test,
 * conversations.open, oauth.v2.access), can fail the next calls of a method with 429 +
 * Retry-After, 500 or a Slack error, and accepts response_url posts at /response/<id>.
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly users = new Map<string, FakeSlackUser>();
  /** Bot token → team id; unknown tokens get invalid_auth. */
  readonly tokens = new Map<string, string>();
  private readonly failures = new Map<string, Failure[]>();
  private responseFailures = 0;
  private server?: Server;
  private ts = 1_700_000_000;
  url = '';
  /** What apps.connections.open hands out (a FakeSlackSocket URL) for Socket Mode. */
  socketUrl = '';

  constructor(options: { tokens?: Record<string, string>; users?: FakeSlackUser[] } = {}) {
    for (const [token, team] of Object.entries(options.tokens ?? { 'xoxb-test-token': 'T1' })) this.tokens.set(token, team);
    for (const user of options.users ?? []) this.users.set(user.id, user);
  }

  /** Base URL for SLACK_API_URL (ends with a slash). */
  get apiUrl(): string { return `${this.url}/api/`; }

  /** A response_url the app can post to. */
  responseUrl(id: string): string { return `${this.url}/response/${id}`; }

  /** The next `count` calls of `method` fail this way. */
  failNext(method: string, failure: Failure, count = 1): void {
    const list = this.failures.get(method) ?? [];
    for (let i = 0; i < count; i += 1) list.push(failure);
    this.failures.set(method, list);
  }

  /** The next `count` response_url posts answer 503. */
  failResponses(count = 1): void { this.responseFailures += count; }

  callsTo(method: string): SlackCall[] { return this.calls.filter((c) => c.method === method); }

  /** Forgets recorded calls and responses (between test steps). */
  clear(): void { this.calls.length = 0; this.responses.length = 0; }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.route(req).then(({ status, body, headers }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      }, (error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: String(error) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private parseArgs(raw: string, contentType: string): Record<string, unknown> {
    if (contentType.includes('application/json')) return raw ? JSON.parse(raw) as Record<string, unknown> : {};
    const args: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      args[key] = JSON_FIELDS.has(key) ? JSON.parse(value) as unknown : value;
    }
    return args;
  }

  private async route(req: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const path = (req.url ?? '/').split('?')[0]!;
    const raw = await readAll(req);
    if (path.startsWith('/response/')) {
      if (this.responseFailures > 0) { this.responseFailures -= 1; return { status: 503, body: { ok: false } }; }
      this.responses.push({ id: path.slice('/response/'.length), body: JSON.parse(raw) as Record<string, unknown> });
      return { status: 200, body: { ok: true } };
    }
    if (!path.startsWith('/api/')) return { status: 404, body: { ok: false, error: 'unknown_path' } };
    const method = path.slice('/api/'.length);
    const args = this.parseArgs(raw, String(req.headers['content-type'] ?? ''));
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
    delete args.token;
    this.calls.push({ method, args, token });

    const failure = this.failures.get(method)?.shift();
    if (failure) {
      if ('status' in failure && failure.status === 429) return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(failure.retryAfter) } };
      if ('status' in failure) return { status: failure.status, body: { ok: false, error: 'internal_error' } };
      return { status: 200, body: { ok: false, error: failure.error } };
    }
    if (method === 'oauth.v2.access') return { status: 200, body: this.oauthAccess(args) };
    if (method === 'apps.connections.open') {
      return { status: 200, body: token?.startsWith('xapp-') && this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'invalid_auth' } };
    }
    const team = token ? this.tokens.get(token) : undefined;
    if (!team) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    return { status: 200, body: this.answer(method, args, team) };
  }

  private oauthAccess(args: Record<string, unknown>) {
    if (args.code !== 'good-code') return { ok: false, error: 'invalid_code' };
    const token = 'xoxb-installed-token';
    this.tokens.set(token, 'T9');
    return {
      ok: true, app_id: 'A1', authed_user: { id: 'U9ADMIN' }, scope: 'commands,chat:write', token_type: 'bot',
      access_token: token, bot_user_id: 'UBOT9', team: { id: 'T9', name: 'Installed Team' }, enterprise: null, is_enterprise_install: false,
    };
  }

  private answer(method: string, args: Record<string, unknown>, team: string): unknown {
    switch (method) {
      case 'auth.test':
        return { ok: true, team_id: team, team: `Team ${team}`, user_id: 'UBOT', bot_id: 'BBOT', url: 'https://example.slack.com/' };
      case 'users.info': {
        const user = this.users.get(String(args.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: user.id, team_id: team, name: user.name, real_name: user.real_name ?? user.name, tz: user.tz ?? 'America/New_York',
            locale: user.locale ?? 'en-US', is_bot: user.is_bot ?? false, profile: { display_name: user.real_name ?? user.name, real_name: user.real_name ?? user.name },
          },
        };
      }
      case 'chat.postMessage':
        this.ts += 1;
        return { ok: true, channel: String(args.channel), ts: `${this.ts}.000100`, message: { text: args.text } };
      case 'chat.postEphemeral':
        this.ts += 1;
        return { ok: true, message_ts: `${this.ts}.000200` };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: `V${this.calls.length}`, ...(args.view as object) } };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users ?? '').replace(/^U/, '')}` } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}
