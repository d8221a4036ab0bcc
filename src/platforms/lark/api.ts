import * as lark from '@larksuiteoapi/node-sdk';
import type { LarkConfig } from '../../config.ts';
import { DeliveryError } from '../../delivery/worker.ts';
import { scrubSecrets, type Logger } from '../../lib/logger.ts';
import type { CardJson, LarkOutgoing } from './render.ts';

/**
 * The Open API calls KAM Bot makes, through the SDK `Client`. The SDK fetches and refreshes the
 * tenant_access_token itself; every call passes `withTenantKey`, which a self-built app (the
 * default, one tenant) ignores and a marketplace app (several tenants) needs.
 */
export interface LarkApi {
  client: lark.Client;
  /** Token (and app ticket) cache, shared with the event dispatcher. */
  cache: TokenCache;
  /** Sends to a user (open_id, lands in their p2p chat with the bot) or a chat (chat_id). */
  send(tenantKey: string, receiveIdType: 'open_id' | 'chat_id', receiveId: string, out: LarkOutgoing, uuid?: string): Promise<string | undefined>;
  /** Replies to a message (quoted in the chat). */
  reply(tenantKey: string, messageId: string, out: LarkOutgoing, uuid?: string): Promise<string | undefined>;
  /** Replaces a card in place. */
  patchCard(tenantKey: string, messageId: string, card: CardJson): Promise<void>;
  /** A user's name from the contact API, or undefined when it is not visible to the app. */
  userName(tenantKey: string, openId: string): Promise<string | undefined>;
  /** The bot's own open_id (to recognise @mentions of the bot). */
  botOpenId(tenantKey: string): Promise<string | undefined>;
}

/** Open API codes that mean "slow down". */
const RATE_LIMIT_CODES = new Set([99991400, 99991401]);
/** Codes that mean the token went bad: drop the cached token so the next try fetches a new one. */
const TOKEN_CODES = new Set([99991661, 99991663, 99991664, 99991668, 99991671]);

/** The SDK logs through this; its messages go to our logger at the same level. */
export function sdkLogger(logger: Logger) {
  // The SDK logs raw axios errors, whose JSON carries request headers and bodies (the bearer
  // token, and app_secret on a failed token request): scrub before anything is written.
  const fmt = (msg: unknown[]) => scrubSecrets(msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ')).slice(0, 2000);
  return {
    error: (...msg: unknown[]) => logger.warn({ sdk: 'lark' }, fmt(msg)),
    warn: (...msg: unknown[]) => logger.warn({ sdk: 'lark' }, fmt(msg)),
    info: (...msg: unknown[]) => logger.debug({ sdk: 'lark' }, fmt(msg)),
    debug: (...msg: unknown[]) => logger.trace({ sdk: 'lark' }, fmt(msg)),
    trace: (...msg: unknown[]) => logger.trace({ sdk: 'lark' }, fmt(msg)),
  };
}

/** A token cache of our own (the SDK default is process-global), so it can be dropped on a bad token. */
export class TokenCache {
  private readonly values = new Map<string, { value: unknown; expiredTime?: number }>();
  private key(key: unknown, namespace?: string) { return `${namespace ?? ''}/${String(key)}`; }
  async get(key: unknown, options?: { namespace?: string }): Promise<unknown> {
    const entry = this.values.get(this.key(key, options?.namespace));
    // The SDK stores wall-clock expiry times, so this compares against the wall clock too.
    if (!entry || (entry.expiredTime !== undefined && entry.expiredTime <= performance.timeOrigin + performance.now())) return undefined;
    return entry.value;
  }
  async set(key: unknown, value: unknown, expiredTime?: number, options?: { namespace?: string }): Promise<boolean> {
    this.values.set(this.key(key, options?.namespace), { value, expiredTime });
    return true;
  }
  /** Forgets cached access tokens (app tickets stay). */
  dropTokens(): void {
    for (const key of this.values.keys()) if (!key.endsWith('app-ticket)')) this.values.delete(key);
  }
}

export function sdkDomain(domain: string): lark.Domain | string {
  if (domain === 'feishu') return lark.Domain.Feishu;
  if (domain === 'lark') return lark.Domain.Lark;
  return domain.replace(/\/+$/, '');
}

interface HttpFailure {
  status?: number;
  code?: number;
  msg?: string;
  headers?: Record<string, unknown>;
}

function failureOf(error: unknown): HttpFailure {
  const e = error as { response?: { status?: number; data?: { code?: number; msg?: string }; headers?: Record<string, unknown> } };
  if (e?.response) return { status: e.response.status, code: e.response.data?.code, msg: e.response.data?.msg, headers: e.response.headers };
  return {};
}

function retryAfterMs(headers: Record<string, unknown> | undefined): number | undefined {
  const raw = headers?.['x-ogw-ratelimit-reset'] ?? headers?.['retry-after'];
  const seconds = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
}

/**
 * Maps an Open API failure to a DeliveryError: rate limits (HTTP 429 or code 99991400) and 5xx are
 * retried (after x-ogw-ratelimit-reset when Lark says), bad receive ids and other 4xx are permanent.
 */
export function toDeliveryError(error: unknown, cache?: TokenCache): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const f = failureOf(error);
  const what = `Lark API ${f.status ?? 'network error'}${f.code !== undefined ? ` code ${f.code}` : ''}${f.msg ? `: ${f.msg}` : ''}`;
  if (f.status === undefined && f.code === undefined) {
    return new DeliveryError(`Lark API unreachable: ${error instanceof Error ? error.message : String(error)}`, true);
  }
  if (f.status === 429 || (f.code !== undefined && RATE_LIMIT_CODES.has(f.code))) return new DeliveryError(what, true, retryAfterMs(f.headers));
  if (f.code !== undefined && TOKEN_CODES.has(f.code)) { cache?.dropTokens(); return new DeliveryError(what, true); }
  if (f.status !== undefined && f.status >= 500) return new DeliveryError(what, true, retryAfterMs(f.headers));
  return new DeliveryError(what, false);
}

/** Open API calls give up after this long, so a black-holed connection cannot stall delivery. */
const HTTP_TIMEOUT_MS = 15_000;

/** Creates the Open API client for one app. */
export function createLarkApi(config: LarkConfig, logger: Logger): LarkApi {
  // The SDK's shared axios instance has no timeout; the process only talks to Lark through it.
  if (!lark.defaultHttpInstance.defaults.timeout) lark.defaultHttpInstance.defaults.timeout = HTTP_TIMEOUT_MS;
  const cache = new TokenCache();
  const client = new lark.Client({
    appId: config.appId,
    appSecret: config.appSecret,
    domain: sdkDomain(config.domain),
    appType: lark.AppType.SelfBuild,
    cache,
    logger: sdkLogger(logger),
    loggerLevel: lark.LoggerLevel.warn,
  });
  const botIds = new Map<string, string>();

  /** Runs a call; a 200 answer with a non-zero code is a failure too. */
  async function call<T extends { code?: number; msg?: string }>(run: () => Promise<T>): Promise<T> {
    let res: T;
    try { res = await run(); } catch (error) { throw toDeliveryError(error, cache); }
    if (res && typeof res.code === 'number' && res.code !== 0) {
      throw toDeliveryError({ response: { status: 200, data: { code: res.code, msg: res.msg }, headers: {} } }, cache);
    }
    return res;
  }

  return {
    client,
    cache,
    async send(tenantKey, receiveIdType, receiveId, out, uuid) {
      const res = await call(() => client.im.v1.message.create({
        params: { receive_id_type: receiveIdType },
        data: { receive_id: receiveId, msg_type: out.msgType, content: out.content, ...(uuid ? { uuid } : {}) },
      }, lark.withTenantKey(tenantKey)));
      return res.data?.message_id;
    },
    async reply(tenantKey, messageId, out, uuid) {
      const res = await call(() => client.im.v1.message.reply({
        path: { message_id: messageId },
        data: { msg_type: out.msgType, content: out.content, ...(uuid ? { uuid } : {}) },
      }, lark.withTenantKey(tenantKey)));
      return res.data?.message_id;
    },
    async patchCard(tenantKey, messageId, card) {
      await call(() => client.im.v1.message.patch({
        path: { message_id: messageId },
        data: { content: JSON.stringify(card) },
      }, lark.withTenantKey(tenantKey)));
    },
    async userName(tenantKey, openId) {
      try {
        const res = await call(() => client.contact.v3.user.get({
          path: { user_id: openId },
          params: { user_id_type: 'open_id' },
        }, lark.withTenantKey(tenantKey)));
        const name = res.data?.user?.name?.trim();
        return name || undefined;
      } catch (error) {
        logger.warn({ err: (error as Error).message, tenantKey }, 'lark: could not read a user from the contact API (is contact:user.base:readonly granted?)');
        return undefined;
      }
    },
    async botOpenId(tenantKey) {
      // A self-built app has one bot for its one tenant; a marketplace app would key by tenant.
      const cacheKey = '*';
      const known = botIds.get(cacheKey);
      if (known) return known;
      try {
        const res = await call(() => client.request<{ code?: number; msg?: string; bot?: { open_id?: string } }>({
          method: 'GET', url: '/open-apis/bot/v3/info',
        }, lark.withTenantKey(tenantKey)));
        const id = res.bot?.open_id;
        if (id) botIds.set(cacheKey, id);
        return id;
      } catch (error) {
        logger.warn({ err: (error as Error).message, tenantKey }, 'lark: could not read the bot info');
        return undefined;
      }
    },
  };
}
