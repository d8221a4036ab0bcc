import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Builds event and card callback requests exactly as the Lark Open Platform sends them:
 * schema 2.0 envelopes, AES-256-CBC encryption (key = sha256(Encrypt Key), base64(iv + data))
 * and the X-Lark-Signature headers. Written with node:crypto only, independent of the SDK.
 */
export interface LarkApp {
  appId: string;
  encryptKey: string;
  verificationToken: string;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export function encrypt(plain: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

/** Encrypts and signs a payload: sha256(timestamp + nonce + encryptKey + body). */
export function signed(app: LarkApp, payload: unknown, options: { timestamp?: string; encryptKeyForSignature?: string; plain?: boolean } = {}): SignedRequest {
  const body = options.plain ? JSON.stringify(payload) : JSON.stringify({ encrypt: encrypt(JSON.stringify(payload), app.encryptKey) });
  const timestamp = options.timestamp ?? '1764468000';
  const nonce = randomBytes(8).toString('hex');
  const signature = createHash('sha256').update(timestamp + nonce + (options.encryptKeyForSignature ?? app.encryptKey) + body).digest('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signature,
    },
  };
}

/** A legacy message-card callback, signed sha1(timestamp + nonce + verificationToken + body), not encrypted. */
export function signedLegacyCard(app: LarkApp, payload: unknown, token = app.verificationToken): SignedRequest {
  const body = JSON.stringify(payload);
  const timestamp = '1764468000';
  const nonce = randomBytes(8).toString('hex');
  const signature = createHash('sha1').update(timestamp + nonce + token + body).digest('hex');
  return { body, headers: { 'content-type': 'application/json', 'x-lark-request-timestamp': timestamp, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature } };
}

function envelope(app: LarkApp, eventType: string, tenantKey: string, event: unknown, options: { eventId?: string; token?: string } = {}) {
  return {
    schema: '2.0',
    header: {
      event_id: options.eventId ?? randomUUID().replace(/-/g, ''),
      token: options.token ?? app.verificationToken,
      create_time: '1764468000000',
      event_type: eventType,
      tenant_key: tenantKey,
      app_id: app.appId,
    },
    event,
  };
}

export interface MessageOptions {
  tenantKey: string;
  openId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  text: string;
  mentions?: Array<{ key: string; openId: string; name: string }>;
  eventId?: string;
  messageId?: string;
  senderType?: 'user' | 'app';
  token?: string;
  messageType?: 'text' | 'post';
  /** For post messages: the paragraphs. */
  post?: unknown;
}

/** An `im.message.receive_v1` event. */
export function messageEvent(app: LarkApp, o: MessageOptions) {
  const messageId = o.messageId ?? `om_${randomBytes(8).toString('hex')}`;
  return envelope(app, 'im.message.receive_v1', o.tenantKey, {
    sender: {
      sender_id: { union_id: `on_${o.openId.slice(3)}`, user_id: o.openId.slice(3, 11), open_id: o.openId },
      sender_type: o.senderType ?? 'user',
      tenant_key: o.tenantKey,
    },
    message: {
      message_id: messageId,
      root_id: '',
      parent_id: '',
      create_time: '1764468000000',
      update_time: '1764468000000',
      chat_id: o.chatId,
      thread_id: '',
      chat_type: o.chatType,
      message_type: o.messageType ?? 'text',
      content: o.messageType === 'post' ? JSON.stringify(o.post) : JSON.stringify({ text: o.text }),
      mentions: (o.mentions ?? []).map((m) => ({
        key: m.key,
        id: { union_id: `on_${m.openId.slice(3)}`, user_id: m.openId.slice(3, 11), open_id: m.openId },
        name: m.name,
        tenant_key: o.tenantKey,
      })),
      user_agent: 'Mozilla/5.0 Lark/7.30',
    },
  }, { eventId: o.eventId, token: o.token });
}

/** A `card.action.trigger` callback for a click (value) or a form submit (value + form_value). */
export function cardAction(app: LarkApp, o: {
  tenantKey: string; openId: string; messageId: string; chatId: string; value: unknown;
  formValue?: Record<string, unknown>; eventId?: string; tag?: string; name?: string;
}) {
  return envelope(app, 'card.action.trigger', o.tenantKey, {
    operator: { tenant_key: o.tenantKey, user_id: o.openId.slice(3, 11), open_id: o.openId, union_id: `on_${o.openId.slice(3)}` },
    token: `c-${randomBytes(10).toString('hex')}`,
    action: {
      value: o.value,
      tag: o.tag ?? 'button',
      ...(o.name ? { name: o.name } : {}),
      ...(o.formValue ? { form_value: o.formValue } : {}),
      timezone: 'Asia/Shanghai',
    },
    host: 'im_message',
    context: { open_message_id: o.messageId, open_chat_id: o.chatId },
  }, { eventId: o.eventId });
}

export function botAddedEvent(app: LarkApp, o: { tenantKey: string; chatId: string; operatorOpenId: string; name: string }) {
  return envelope(app, 'im.chat.member.bot.added_v1', o.tenantKey, {
    chat_id: o.chatId,
    operator_id: { union_id: `on_${o.operatorOpenId.slice(3)}`, user_id: o.operatorOpenId.slice(3, 11), open_id: o.operatorOpenId },
    external: false,
    operator_tenant_key: o.tenantKey,
    name: o.name,
    i18n_names: { zh_cn: o.name, en_us: o.name, ja_jp: '' },
  });
}

/** The schema 1.0 `p2p_chat_create` event. */
export function p2pChatCreateEvent(app: LarkApp, o: { tenantKey: string; chatId: string; openId: string; name: string }) {
  return {
    uuid: randomUUID().replace(/-/g, ''),
    token: app.verificationToken,
    ts: '1764468000.000000',
    type: 'event_callback',
    event: {
      app_id: app.appId,
      chat_id: o.chatId,
      operator: { open_id: o.openId, user_id: o.openId.slice(3, 11) },
      tenant_key: o.tenantKey,
      type: 'p2p_chat_create',
      user: { name: o.name, open_id: o.openId, user_id: o.openId.slice(3, 11) },
    },
  };
}
