import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as lark from '@larksuiteoapi/node-sdk';
import { and, eq } from 'drizzle-orm';
import { members, type Locale, type Member } from '../../../db/schema/members.ts';
import { workspaces, type Workspace } from '../../../db/schema/workspaces.ts';
import { ensureMember, ensureWorkspace, type ProfileHint } from '../../capabilities/team/directory.ts';
import type { ConversationRef, OutboundTarget } from '../../chat/context.ts';
import { createTranslator, mergeCatalogs, type Translator } from '../../chat/i18n/index.ts';
import { message as buildMessage, type Message } from '../../chat/message.ts';
import type { InboundBody, Outcome } from '../../chat/runtime.ts';
import type { LarkConfig } from '../../config.ts';
import { createOutbox } from '../../delivery/outbox.ts';
import { DeliveryError, type PlatformSender } from '../../delivery/worker.ts';
import { readBody, sendJson, type HttpRoute } from '../../server.ts';
import type { PlatformAdapter, PlatformDeps } from '../types.ts';
import { createLarkApi, sdkDomain, sdkLogger, type LarkApi } from './api.ts';
import { decryptLarkPayload, sameSecret, verifyCardSignature, verifyEventSignature } from './crypto.ts';
import { larkMessages } from './i18n.ts';
import {
  callbackValue, messageText, resolveMentions,
  type CardActionEvent, type LarkUserId, type LegacyCardAction, type MessageReceiveEvent,
} from './inbound.ts';
import {
  formValues, plainText, renderCard, renderFormCard, renderMessage,
  type CallbackValue, type CardJson, type ChatKind, type PrerenderedMessage,
} from './render.ts';

export const LARK_EVENTS_PATH = '/lark/events';

/** Lark waits 3 s for a card callback; after this we answer "working on it" and update the card later. */
const CARD_CALLBACK_BUDGET_MS = 2_500;
const PROFILE_CACHE_LIMIT = 5_000;

/** Outbox conversation refs: `oc_…` posts to a chat, `oc_…#reply:om_…` replies to a message in it. */
const replyRef = (chatId: string, messageId: string) => `${chatId}#reply:${messageId}`;
function parseConversationRef(ref: string): { chatId: string; replyTo?: string } {
  const [chatId, reply] = ref.split('#reply:');
  return { chatId: chatId ?? '', ...(reply ? { replyTo: reply } : {}) };
}

/** What a card callback answers: an optional toast and an optional replacement card. */
export interface CardCallbackResponse {
  toast?: { type: 'info' | 'success' | 'error' | 'warning'; content: string };
  card?: { type: 'raw'; data: CardJson };
}

interface Origin {
  chatId: string;
  kind: ChatKind;
  /** The user's message, for public replies in a group. */
  messageId?: string;
}

/**
 * Lark / Feishu: events and card callbacks over a webhook (POST /lark/events, verified and
 * decrypted here, dispatched by the SDK's EventDispatcher) or the SDK's long connection
 * (LARK_MODE=ws); interactive cards out. A workspace is a Lark tenant (tenant_key).
 */
export async function createLarkPlatform(deps: PlatformDeps): Promise<PlatformAdapter> {
  const config = deps.config.lark as LarkConfig;
  const { runtime, database, clock, logger, delivery } = deps;
  const log = logger.child({ platform: 'lark' });
  const api: LarkApi = createLarkApi(config, log);
  const outbox = createOutbox();
  const catalog = mergeCatalogs([runtime.registry.catalog, larkMessages]);
  const translators = new Map<Locale, Translator>();
  const tr = (locale: Locale): Translator => {
    let t = translators.get(locale);
    if (!t) { t = createTranslator(catalog, locale); translators.set(locale, t); }
    return t;
  };
  const directoryDefaults = { timezone: deps.config.defaultTimezone, locale: deps.config.defaultLocale };
  const profileNames = new Map<string, string | null>();

  // ---- people -------------------------------------------------------------------------------

  async function known(tenantKey: string, openId: string): Promise<{ workspace?: Workspace; member?: Member }> {
    // One round trip per event: the tenant's workspace and, when known, the person in it.
    const [row] = await database.db.select({ workspace: workspaces, member: members }).from(workspaces)
      .leftJoin(members, and(eq(members.workspaceId, workspaces.id), eq(members.externalId, openId)))
      .where(and(eq(workspaces.platform, 'lark'), eq(workspaces.externalId, tenantKey)));
    return row ? { workspace: row.workspace, member: row.member ?? undefined } : {};
  }

  /**
   * What we tell the runtime about a user. Someone new gets their name from the contact API
   * (cached) and Chinese, unless the workspace chose another default; a member's own choices
   * are never overwritten.
   */
  async function profile(tenantKey: string, openId: string, nameHint?: string): Promise<{ hint: ProfileHint; isNew: boolean }> {
    const { workspace, member } = await known(tenantKey, openId);
    if (member && member.displayName !== openId) return { hint: { externalId: openId }, isNew: false };
    const cacheKey = `${tenantKey}/${openId}`;
    let name: string | null | undefined = nameHint ?? profileNames.get(cacheKey);
    if (name === undefined) {
      name = (await api.userName(tenantKey, openId)) ?? null;
      if (profileNames.size >= PROFILE_CACHE_LIMIT) profileNames.delete(profileNames.keys().next().value!);
      profileNames.set(cacheKey, name);
    }
    const hint: ProfileHint = { externalId: openId, ...(name ? { displayName: name } : {}) };
    if (!member) hint.locale = workspace?.settings.defaultLocale ?? 'zh-CN';
    return { hint, isNew: !member };
  }

  // ---- outbound -----------------------------------------------------------------------------

  async function enqueue(workspaceId: number, target: OutboundTarget, message: Message, key: string): Promise<void> {
    await outbox.enqueue({ db: database.db, workspaceId, now: clock.now() }, target, message, key);
  }

  function formMessage(form: NonNullable<Extract<Outcome['replies'][number], { type: 'form' }>['form']>, origin: Origin): PrerenderedMessage {
    return {
      blocks: [{ type: 'header', text: form.title }],
      fallback: form.title,
      larkCard: renderFormCard(form, { conversation: origin.chatId, kind: origin.kind }),
    };
  }

  /** Queues one reply where it belongs: the person's p2p chat, or the group (as a reply to their message). */
  async function queueReply(outcome: Outcome, reply: Outcome['replies'][number], origin: Origin, key: string): Promise<void> {
    const workspaceId = outcome.workspace!.id;
    const toMember: OutboundTarget = { memberId: outcome.member!.id };
    if (reply.type === 'form') { await enqueue(workspaceId, toMember, formMessage(reply.form, origin), key); return; }
    if (reply.type !== 'message') return;
    if (origin.kind === 'channel' && reply.visibility === 'public') {
      const ref = origin.messageId ? replyRef(origin.chatId, origin.messageId) : origin.chatId;
      await enqueue(workspaceId, { conversation: ref }, reply.message, key);
    } else {
      await enqueue(workspaceId, toMember, reply.message, key);
    }
  }

  function welcomeMessage(locale: Locale, name: string, where: 'dm' | 'group'): Message {
    const t = tr(locale);
    return buildMessage()
      .header(t('lark.welcome.title', { name }))
      .text(t(where === 'dm' ? 'lark.welcome.dm' : 'lark.welcome.group'))
      .context(t('lark.welcome.next'))
      .build();
  }

  /** Welcomes a person in their p2p chat, once per member. */
  async function welcomeMember(tenantKey: string, openId: string, nameHint?: string): Promise<void> {
    const { hint } = await profile(tenantKey, openId, nameHint);
    const workspace = await ensureWorkspace(database.db, 'lark', tenantKey);
    if (!workspace.active) return;
    const member = await ensureMember(database.db, workspace, hint, clock.now(), directoryDefaults);
    if (member.isBot) return;
    await enqueue(workspace.id, { memberId: member.id }, welcomeMessage(member.locale, member.displayName, 'dm'), `lark:welcome:${openId}`);
    delivery.kick();
  }

  // ---- inbound: messages --------------------------------------------------------------------

  async function onMessage(data: MessageReceiveEvent): Promise<void> {
    const tenantKey = data.tenant_key ?? data.sender?.tenant_key;
    const openId = data.sender?.sender_id?.open_id;
    const msg = data.message;
    // Other bots (and our own messages) never reach the chat layer.
    if (!tenantKey || !openId || !msg?.chat_id || data.sender?.sender_type !== 'user') return;
    // People from another organisation (external groups) are not members of this tenant's workspace.
    if (data.sender.tenant_key && data.sender.tenant_key !== tenantKey) return;
    const raw = messageText(msg.message_type, msg.content);
    if (raw === undefined) return;
    const isGroup = msg.chat_type !== 'p2p';
    const parsed = resolveMentions(raw, msg.mentions?.filter((m) => !m.tenant_key || m.tenant_key === tenantKey), await api.botOpenId(tenantKey));
    if (isGroup && !parsed.botMentioned) return;
    const { hint } = await profile(tenantKey, openId);
    const eventKey = `lark:${data.event_id ?? msg.message_id}`;
    const body: InboundBody = isGroup ? { kind: 'command', text: parsed.text } : { kind: 'message', text: parsed.text };
    const origin: Origin = { chatId: msg.chat_id, kind: isGroup ? 'channel' : 'dm', ...(msg.message_id ? { messageId: msg.message_id } : {}) };
    const outcome = await runtime.handle({
      platform: 'lark', workspaceExternalId: tenantKey, user: hint,
      conversation: { ref: msg.chat_id, kind: origin.kind }, body, mentions: parsed.mentions, dedupeKey: eventKey,
    });
    if (!outcome.workspace || !outcome.member || outcome.duplicate) return;
    if (!isGroup) {
      // First p2p contact (also for someone who so far was only @mentioned): welcome once.
      await enqueue(outcome.workspace.id, { memberId: outcome.member.id },
        welcomeMessage(outcome.member.locale, outcome.member.displayName, 'dm'), `lark:welcome:${openId}`);
    }
    for (const [i, reply] of outcome.replies.entries()) await queueReply(outcome, reply, origin, `${eventKey}:${i}`);
    delivery.kick();
  }

  // ---- inbound: card actions ----------------------------------------------------------------

  interface CardAction {
    tenantKey: string;
    openId: string;
    messageId: string;
    chatId: string;
    value: CallbackValue;
    formValue?: Record<string, unknown>;
    /** The callback's event id (or legacy token): the same for Lark's re-deliveries of one click. */
    clickId?: string;
  }

  const isToastable = (message: Message) =>
    message.blocks.length === 1 && (message.blocks[0]!.type === 'text' || message.blocks[0]!.type === 'context')
    && !/<@m:/.test((message.blocks[0] as { text: string }).text) && (message.blocks[0] as { text: string }).text.length <= 120;

  /** Runs a button click or form submit and works out the callback answer (toast, replacement card). */
  async function runCardAction(action: CardAction): Promise<CardCallbackResponse> {
    const { value } = action;
    const kind: ChatKind = value.k === 'c' ? 'channel' : 'dm';
    const { hint } = await profile(action.tenantKey, action.openId);
    let body: InboundBody;
    let conversation: ConversationRef;
    let dedupeKey: string;
    let submitted: Record<string, string> = {};
    if (value.kam === 'a') {
      body = { kind: 'action', actionId: value.a, value: value.v };
      conversation = { ref: action.chatId, kind };
      // Lark re-sends a callback with the same event id; a second click is a new event and the
      // handlers take it gracefully (a card shows its current state, transitions refuse twice).
      dedupeKey = (action.clickId ? `lark:click:${action.clickId}` : `lark:action:${action.messageId}:${action.openId}:${value.a}:${value.v}`).slice(0, 300);
    } else {
      submitted = formValues(value.form, action.formValue ?? {});
      body = { kind: 'form', formId: value.form.id, values: submitted, ...(value.form.state !== undefined ? { state: value.form.state } : {}) };
      conversation = { ref: value.c ?? action.chatId, kind };
      const digest = createHash('sha256').update(JSON.stringify([value.form.id, value.form.state ?? '', submitted])).digest('hex').slice(0, 32);
      dedupeKey = `lark:form:${action.messageId}:${action.openId}:${digest}`;
    }
    const outcome = await runtime.handle({
      platform: 'lark', workspaceExternalId: action.tenantKey, user: hint, conversation, body, dedupeKey,
    });
    const t = tr(outcome.locale);
    if (outcome.duplicate) return { toast: { type: 'info', content: t('common.duplicate') } };
    if (!outcome.workspace || !outcome.member) {
      const first = outcome.replies.find((r) => r.type === 'message');
      return first?.type === 'message' ? { toast: { type: 'error', content: plainText(first.message, outcome.people).slice(0, 200) } } : {};
    }
    const response: CardCallbackResponse = {};
    const origin: Origin = { chatId: conversation.ref, kind };
    let queued = false;
    for (const [i, reply] of outcome.replies.entries()) {
      if (reply.type === 'formErrors' && value.kam === 'f') {
        response.card = { type: 'raw', data: renderFormCard(value.form, {
          ...(value.c ? { conversation: value.c } : {}), kind, values: submitted, errors: reply.errors, errorSummary: t('lark.form.fix'),
        }) };
        response.toast = { type: 'error', content: t('lark.form.fix') };
        continue;
      }
      if (reply.type === 'message' && !response.card && (reply.replaceOriginal || value.kam === 'f')) {
        // A submitted form is replaced by its result; a button's card is updated in place.
        response.card = { type: 'raw', data: renderCard(reply.message, outcome.people, kind) };
        continue;
      }
      if (reply.type === 'message' && reply.visibility === 'ephemeral' && !response.toast && isToastable(reply.message)) {
        response.toast = { type: 'info', content: plainText(reply.message, outcome.people) };
        continue;
      }
      await queueReply(outcome, reply, origin, `${dedupeKey}:${i}`);
      queued = true;
    }
    if (queued) {
      delivery.kick();
      if (!response.toast && kind === 'channel') response.toast = { type: 'info', content: t('lark.toast.sentToChat') };
    }
    return response;
  }

  /** Answers within Lark's 3 s budget; a slow action finishes later and updates the card by PATCH. */
  async function answerCardAction(action: CardAction, locale: Locale = 'zh-CN'): Promise<CardCallbackResponse> {
    const run = runCardAction(action);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), CARD_CALLBACK_BUDGET_MS); });
    const first = await Promise.race([run, late]);
    clearTimeout(timer);
    if (first !== 'late') return first;
    void run.then(async (response) => {
      if (response.card) await api.patchCard(action.tenantKey, action.messageId, response.card.data);
    }).catch((err) => log.error({ err }, 'slow card action failed'));
    return { toast: { type: 'info', content: tr(locale)('lark.toast.working') } };
  }

  async function onCardTrigger(data: CardActionEvent): Promise<CardCallbackResponse | undefined> {
    const value = callbackValue(data.action?.value);
    const tenantKey = data.tenant_key ?? data.operator?.tenant_key;
    const openId = data.operator?.open_id;
    if (!value || !tenantKey || !openId) return {};
    return answerCardAction({
      tenantKey, openId, value,
      messageId: data.context?.open_message_id ?? '', chatId: data.context?.open_chat_id ?? '',
      ...(data.action?.form_value ? { formValue: data.action.form_value } : {}),
      ...(data.event_id ? { clickId: data.event_id } : {}),
    });
  }

  /** Legacy card callbacks (message card request URL) cannot take a 2.0 card back: we PATCH instead. */
  async function onLegacyCard(data: LegacyCardAction): Promise<Record<string, unknown>> {
    const value = callbackValue(data.action?.value);
    if (!value || !data.tenant_key || !data.open_id || !data.open_message_id) return {};
    const response = await answerCardAction({
      tenantKey: data.tenant_key, openId: data.open_id, value,
      messageId: data.open_message_id, chatId: data.open_chat_id ?? '',
      ...(data.action?.form_value ? { formValue: data.action.form_value } : {}),
      ...(data.token ? { clickId: data.token } : {}),
    });
    if (response.card) {
      await api.patchCard(data.tenant_key, data.open_message_id, response.card.data)
        .catch((err) => log.warn({ err: (err as Error).message }, 'could not update a card after a legacy callback'));
    }
    return response.toast ? { toast: response.toast } : {};
  }

  // ---- inbound: welcomes --------------------------------------------------------------------

  async function onBotAdded(data: { event_id?: string; tenant_key?: string; chat_id?: string; name?: string; operator_id?: LarkUserId }): Promise<void> {
    if (!data.tenant_key || !data.chat_id) return;
    const workspace = await ensureWorkspace(database.db, 'lark', data.tenant_key);
    if (!workspace.active) return;
    if (data.operator_id?.open_id) {
      // The person who added the bot joins the workspace (the first one becomes its admin).
      const { hint } = await profile(data.tenant_key, data.operator_id.open_id);
      await ensureMember(database.db, workspace, hint, clock.now(), directoryDefaults);
    }
    const locale = workspace.settings.defaultLocale ?? 'zh-CN';
    await enqueue(workspace.id, { conversation: data.chat_id }, welcomeMessage(locale, data.name ?? '', 'group'),
      `lark:welcome-chat:${data.chat_id}:${data.event_id ?? ''}`);
    delivery.kick();
  }

  // ---- the SDK's dispatchers ----------------------------------------------------------------

  const sdkLog = sdkLogger(log);
  type Handler = (data: any) => Promise<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const handlers: Record<string, Handler> = {
    'im.message.receive_v1': (data: MessageReceiveEvent) => onMessage(data),
    'card.action.trigger': (data: CardActionEvent) => onCardTrigger(data),
    'im.chat.member.bot.added_v1': (data) => onBotAdded(data),
    // The old p2p_chat_create (schema 1.0) and the newer "user opened a chat with the bot".
    'p2p_chat_create': (data: { tenant_key?: string; user?: { open_id?: string; name?: string } }) =>
      data.tenant_key && data.user?.open_id ? welcomeMember(data.tenant_key, data.user.open_id, data.user.name) : Promise.resolve(),
    'im.chat.access_event.bot_p2p_chat_entered_v1': (data: { tenant_key?: string; operator_id?: LarkUserId }) =>
      data.tenant_key && data.operator_id?.open_id ? welcomeMember(data.tenant_key, data.operator_id.open_id) : Promise.resolve(),
  };
  // Verification happens on the raw request below (the SDK re-serialises JSON to check
  // signatures and never checks the verification token), so the dispatchers only route.
  const dispatcher = new lark.EventDispatcher({ logger: sdkLog, loggerLevel: lark.LoggerLevel.warn, cache: api.cache }).register(handlers);
  const cardHandler = new lark.CardActionHandler({ logger: sdkLog, loggerLevel: lark.LoggerLevel.warn, cache: api.cache },
    (data: LegacyCardAction) => onLegacyCard(data));

  // ---- webhook ------------------------------------------------------------------------------

  const header = (req: IncomingMessage, name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };

  async function handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    let body: unknown;
    try { body = JSON.parse(rawBody); } catch { sendJson(res, 400, { error: 'body must be JSON' }); return; }
    if (!body || typeof body !== 'object' || Array.isArray(body)) { sendJson(res, 400, { error: 'body must be a JSON object' }); return; }
    let payload = body as Record<string, unknown>;
    const encrypted = typeof payload.encrypt === 'string';
    if (encrypted) {
      if (!config.encryptKey) { sendJson(res, 400, { error: 'encrypted event but LARK_ENCRYPT_KEY is not set' }); return; }
      try {
        const parsed: unknown = JSON.parse(decryptLarkPayload(payload.encrypt as string, config.encryptKey));
        if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
        payload = parsed as Record<string, unknown>;
      } catch {
        log.warn('lark: could not decrypt an event (wrong LARK_ENCRYPT_KEY?)');
        sendJson(res, 400, { error: 'cannot decrypt' });
        return;
      }
    }
    const headerToken = (payload.header as { token?: unknown } | undefined)?.token;
    const isLegacyCard = !('schema' in payload) && payload.type !== 'event_callback' && payload.type !== 'url_verification'
      && typeof payload.open_message_id === 'string' && typeof payload.action === 'object';

    // 1. Signature. Lark signs events when an Encrypt Key is set (url_verification is not signed).
    const timestamp = header(req, 'x-lark-request-timestamp') ?? '';
    const nonce = header(req, 'x-lark-request-nonce') ?? '';
    const signature = header(req, 'x-lark-signature') ?? '';
    if (payload.type !== 'url_verification') {
      if (isLegacyCard) {
        if (!config.verificationToken || !signature
          || !verifyCardSignature({ timestamp, nonce, signature, rawBody, verificationToken: config.verificationToken })) {
          log.warn('lark: rejected a card callback with a bad signature');
          sendJson(res, 401, { error: 'bad signature' });
          return;
        }
      } else if (config.encryptKey && (!signature || !verifyEventSignature({ timestamp, nonce, signature, rawBody, encryptKey: config.encryptKey }))) {
        log.warn('lark: rejected an event with a bad signature');
        sendJson(res, 401, { error: 'bad signature' });
        return;
      }
    }
    // 2. Verification token: header.token (schema 2.0) or token (1.0 and url_verification).
    if (config.verificationToken && !isLegacyCard) {
      const token = 'schema' in payload ? headerToken : payload.token;
      if (!sameSecret(config.verificationToken, token)) {
        log.warn('lark: rejected an event with a wrong verification token');
        sendJson(res, 401, { error: 'bad verification token' });
        return;
      }
    }
    if (!config.verificationToken && !config.encryptKey) { sendJson(res, 401, { error: 'webhook verification is not configured' }); return; }
    // 3. URL verification (plain or encrypted): echo the challenge.
    if (payload.type === 'url_verification') { sendJson(res, 200, { challenge: String(payload.challenge ?? '') }); return; }
    // 4. Route through the SDK.
    // The SDK reads request headers from the prototype, as its own HTTP adapters attach them.
    const data = Object.assign(Object.create({ headers: req.headers }) as Record<string, unknown>, payload);
    const result: unknown = isLegacyCard ? await cardHandler.invoke(data) : await dispatcher.invoke(data, { needCheck: false });
    sendJson(res, 200, result && typeof result === 'object' ? result : {});
  }

  const routes: HttpRoute[] = config.mode === 'webhook'
    ? [{ method: 'POST', path: LARK_EVENTS_PATH, handle: handleWebhook }]
    : [];

  // ---- sender -------------------------------------------------------------------------------

  const sender: PlatformSender = {
    async send(request) {
      const tenantKey = request.workspace.externalId;
      const uuid = `kam-${request.workspace.id}-${request.outboxId}`.slice(0, 50);
      const message = request.message as PrerenderedMessage;
      if ('member' in request.target) {
        const openId = request.target.member.externalId;
        if (!openId.startsWith('ou_')) throw new DeliveryError(`not a Lark open_id: ${openId.slice(0, 40)}`, false);
        return { externalRef: await api.send(tenantKey, 'open_id', openId, renderMessage(message, request.people, 'dm'), uuid) };
      }
      const { chatId, replyTo } = parseConversationRef(request.target.conversation);
      if (!chatId.startsWith('oc_')) throw new DeliveryError(`not a Lark chat_id: ${chatId.slice(0, 40)}`, false);
      const out = renderMessage(message, request.people, 'channel');
      if (replyTo) {
        try {
          return { externalRef: await api.reply(tenantKey, replyTo, out, uuid) };
        } catch (error) {
          // The message we answer may be gone (recalled); then post to the chat instead.
          if (!(error instanceof DeliveryError) || error.retryable) throw error;
        }
      }
      return { externalRef: await api.send(tenantKey, 'chat_id', chatId, out, uuid) };
    },
  };

  // ---- long connection ----------------------------------------------------------------------

  let ws: lark.WSClient | undefined;

  return {
    name: 'lark',
    routes,
    sender,
    async start() {
      // Learn the bot's open_id early (mentions of the bot are recognised by it); if Lark is not
      // reachable yet, the first group message asks again.
      await api.botOpenId('');
      if (config.mode === 'ws') {
        ws = new lark.WSClient({
          appId: config.appId, appSecret: config.appSecret, domain: sdkDomain(config.domain),
          logger: sdkLog, loggerLevel: lark.LoggerLevel.warn, autoReconnect: true,
        });
        await ws.start({ eventDispatcher: dispatcher });
        log.info('lark: long connection started');
      }
    },
    async stop() {
      ws?.close({ force: true });
      ws = undefined;
    },
  };
}
