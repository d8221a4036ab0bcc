import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeLarkSocket } from './fake-lark-ws.ts';

/** One call the app made to the fake Open API. */
export interface LarkCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  authorization?: string;
}

/** A message the app sent, with its content parsed. */
export interface SentMessage {
  messageId: string;
  /** 'create' (to receive_id) or 'reply' (to reply_to). */
  via: 'create' | 'reply';
  receiveIdType?: string;
  receiveId?: string;
  replyTo?: string;
  msgType: string;
  content: Record<string, unknown>;
  /** Every text string in the content (card markdown, titles, button labels), joined by newlines. */
  text: string;
}

interface Failure {
  status: number;
  code: number;
  msg: string;
  headers: Record<string, string>;
}

/** Collects the visible text of a card or text message. */
export function visibleText(content: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown, key?: string) => {
    if (typeof node === 'string') {
      if (key === 'content' || key === 'text') out.push(node);
      return;
    }
    if (Array.isArray(node)) { for (const n of node) walk(n); return; }
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) if (k !== 'behaviors' && k !== 'value') walk(v, k);
    }
  };
  walk(content);
  return out.join('\n');
}

/**
 * A small fake of the Lark Open API on 127.0.0.1: token endpoints, bot info, messages
 * (create, reply, patch) and contact users. It records every call and can fail on demand.
 */
export class FakeLark {
  readonly calls: LarkCall[] = [];
  readonly sent: SentMessage[] = [];
  readonly patches: Array<{ messageId: string; content: Record<string, unknown> }> = [];
  readonly users = new Map<string, { name: string; en_name?: string }>();
  botOpenId = 'ou_bot_kam';
  /** Receive ids Lark does not know (answered 400, code 230001). */
  readonly unknownIds = new Set<string>();
  tokensIssued = 0;
  private failures: Failure[] = [];
  private server?: Server;
  private nextId = 1;
  private readonly validTokens = new Set<string>();
  url = '';
  /** The long connection (LARK_MODE=ws). */
  socket!: FakeLarkSocket;

  async start(): Promise<this> {
    this.server = createServer((req, res) => { void this.handle(req, res); });
    this.socket = new FakeLarkSocket(this.server, () => this.url);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.socket.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The next `count` message sends fail with this HTTP status / Lark code. */
  failNext(count: number, failure: { status: number; code?: number; msg?: string; headers?: Record<string, string> }): void {
    for (let i = 0; i < count; i += 1) {
      this.failures.push({ status: failure.status, code: failure.code ?? (failure.status === 429 ? 99991400 : 1), msg: failure.msg ?? 'fake failure', headers: failure.headers ?? {} });
    }
  }

  /** Expires every token issued so far (as Lark does after two hours). */
  revokeTokens(): void {
    this.validTokens.clear();
  }

  /** Messages sent to a user's p2p chat (receive_id_type open_id). */
  toUser(openId: string): SentMessage[] {
    return this.sent.filter((m) => m.receiveIdType === 'open_id' && m.receiveId === openId);
  }

  /** Messages posted in a chat, or as replies to a message. */
  toChat(chatId: string): SentMessage[] {
    return this.sent.filter((m) => m.receiveIdType === 'chat_id' && m.receiveId === chatId);
  }

  repliesTo(messageId: string): SentMessage[] {
    return this.sent.filter((m) => m.replyTo === messageId);
  }

  reset(): void {
    this.calls.length = 0;
    this.sent.length = 0;
    this.patches.length = 0;
    this.failures = [];
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try { body = raw ? JSON.parse(raw) as Record<string, unknown> : {}; } catch { /* keep empty */ }
    const url = new URL(req.url ?? '/', 'http://fake');
    const call: LarkCall = {
      method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    };
    this.calls.push(call);
    const path = url.pathname;

    if (path === '/open-apis/auth/v3/tenant_access_token/internal' || path === '/open-apis/auth/v3/app_access_token/internal') {
      if (!body.app_id || !body.app_secret) { this.json(res, 400, { code: 10003, msg: 'invalid param' }); return; }
      this.tokensIssued += 1;
      const token = `t-fake-${this.tokensIssued}`;
      this.validTokens.add(token);
      this.json(res, 200, { code: 0, msg: 'ok', tenant_access_token: token, app_access_token: token, expire: 7200 });
      return;
    }

    if (req.method === 'POST' && path === '/callback/ws/endpoint') {
      if (!body.AppID || !body.AppSecret) { this.json(res, 200, { code: 514, msg: 'auth failed' }); return; }
      this.json(res, 200, this.socket.endpoint(body));
      return;
    }

    // Everything else needs a token we issued.
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!this.validTokens.has(bearer)) { this.json(res, 401, { code: 99991663, msg: 'Invalid access token for authorization.' }); return; }

    if (req.method === 'GET' && path === '/open-apis/bot/v3/info') {
      this.json(res, 200, { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: 'KAM Bot', avatar_url: '', ip_white_list: [], open_id: this.botOpenId } });
      return;
    }

    const userMatch = /^\/open-apis\/contact\/v3\/users\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && userMatch) {
      const id = decodeURIComponent(userMatch[1]!);
      const user = this.users.get(id);
      if (url.searchParams.get('user_id_type') !== 'open_id' || !user) { this.json(res, 400, { code: 41050, msg: 'no user authority error' }); return; }
      this.json(res, 200, { code: 0, msg: 'success', data: { user: { open_id: id, name: user.name, en_name: user.en_name ?? '' } } });
      return;
    }

    const isCreate = req.method === 'POST' && path === '/open-apis/im/v1/messages';
    const replyMatch = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(path);
    const patchMatch = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(path);
    if (isCreate || (req.method === 'POST' && replyMatch) || (req.method === 'PATCH' && patchMatch)) {
      const failure = this.failures.shift();
      if (failure) { this.json(res, failure.status, { code: failure.code, msg: failure.msg }, failure.headers); return; }
      let content: Record<string, unknown>;
      try { content = JSON.parse(String(body.content)) as Record<string, unknown>; } catch { this.json(res, 400, { code: 230001, msg: 'invalid content' }); return; }
      if (req.method === 'PATCH') {
        this.patches.push({ messageId: decodeURIComponent(patchMatch![1]!), content });
        this.json(res, 200, { code: 0, msg: 'success', data: {} });
        return;
      }
      const receiveIdType = url.searchParams.get('receive_id_type') ?? undefined;
      const receiveId = typeof body.receive_id === 'string' ? body.receive_id : undefined;
      if (isCreate) {
        const prefix = receiveIdType === 'open_id' ? 'ou_' : receiveIdType === 'chat_id' ? 'oc_' : '?';
        if (!receiveId?.startsWith(prefix) || this.unknownIds.has(receiveId)) { this.json(res, 400, { code: 230001, msg: 'Your request contains an invalid request parameter, ext=invalid receive_id' }); return; }
      }
      const messageId = `om_fake_${this.nextId++}`;
      this.sent.push({
        messageId, via: isCreate ? 'create' : 'reply',
        ...(isCreate ? { receiveIdType, receiveId } : { replyTo: decodeURIComponent(replyMatch![1]!) }),
        msgType: String(body.msg_type), content, text: visibleText(content),
      });
      this.json(res, 200, { code: 0, msg: 'success', data: { message_id: messageId, msg_type: body.msg_type } });
      return;
    }

    this.json(res, 404, { code: 404, msg: `fake lark: no route ${req.method} ${path}` });
  }
}
