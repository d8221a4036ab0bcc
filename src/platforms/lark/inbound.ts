import type { ProfileHint } from '../../capabilities/team/directory.ts';
import type { Form } from '../../chat/forms.ts';
import type { CallbackValue } from './render.ts';

/** The parts of Lark event payloads we read (after the SDK flattened header + event). */

export interface LarkUserId {
  open_id?: string;
  user_id?: string;
  union_id?: string;
}

export interface LarkMention {
  key: string;
  id?: LarkUserId | string;
  name?: string;
  tenant_key?: string;
}

export interface MessageReceiveEvent {
  event_id?: string;
  tenant_key?: string;
  sender?: { sender_id?: LarkUserId; sender_type?: string; tenant_key?: string };
  message?: {
    message_id?: string;
    chat_id?: string;
    chat_type?: string;
    message_type?: string;
    content?: string;
    mentions?: LarkMention[];
  };
}

export interface CardActionEvent {
  event_id?: string;
  tenant_key?: string;
  operator?: LarkUserId & { tenant_key?: string };
  token?: string;
  action?: { value?: unknown; tag?: string; name?: string; form_value?: Record<string, unknown>; option?: string };
  context?: { open_message_id?: string; open_chat_id?: string };
}

/** A legacy (message card request URL) callback body. */
export interface LegacyCardAction {
  open_id?: string;
  user_id?: string;
  open_message_id?: string;
  open_chat_id?: string;
  tenant_key?: string;
  token?: string;
  action?: { value?: unknown; tag?: string; form_value?: Record<string, unknown>; option?: string };
}

const openIdOf = (id: LarkMention['id']) => (typeof id === 'string' ? id : id?.open_id);

/** Text of a post (rich text) message, best effort: text, links and @mentions, one line per paragraph. */
function postText(content: Record<string, unknown>): string {
  // Received posts are { title, content: [[…]] }; sent ones may be keyed by locale.
  const body = (Array.isArray(content.content) ? content : (Object.values(content).find((v) => v && typeof v === 'object' && Array.isArray((v as Record<string, unknown>).content)) ?? content)) as { title?: string; content?: unknown };
  const lines: string[] = [];
  if (typeof body.title === 'string' && body.title.trim()) lines.push(body.title.trim());
  for (const paragraph of Array.isArray(body.content) ? body.content : []) {
    if (!Array.isArray(paragraph)) continue;
    lines.push(paragraph.map((el: Record<string, unknown>) => {
      if (el.tag === 'text' || el.tag === 'a') return String(el.text ?? '');
      if (el.tag === 'at') return String(el.user_id ?? '');
      if (el.tag === 'code_block') return String(el.text ?? '');
      return '';
    }).join(''));
  }
  return lines.join('\n');
}

/** The text a user typed, with @mention placeholders (`@_user_1`) still in it. */
export function messageText(messageType: string | undefined, content: string | undefined): string | undefined {
  if (!content) return undefined;
  let parsed: unknown;
  try { parsed = JSON.parse(content); } catch { return undefined; }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const obj = parsed as Record<string, unknown>;
  if (messageType === 'text') return typeof obj.text === 'string' ? obj.text : undefined;
  if (messageType === 'post') return postText(obj);
  return undefined;
}

export interface ParsedText {
  text: string;
  botMentioned: boolean;
  mentions: ProfileHint[];
}

/**
 * Replaces mention placeholders: the bot's own mention is removed, other people become
 * `<@x:open_id>` (the chat runtime maps them to members), @all is dropped. Typed look-alikes
 * of those tokens are defused, so people cannot forge mentions.
 */
export function resolveMentions(text: string, mentions: LarkMention[] | undefined, botOpenId: string | undefined): ParsedText {
  const byKey = new Map((mentions ?? []).map((m) => [m.key, m]));
  const hints = new Map<string, ProfileHint>();
  let botMentioned = false;
  // Lark text is raw: defuse anything typed that looks like one of our internal mention tokens
  // (`<@x:…>` would create a member, `<@m:…>` would ping one) before placing the real ones.
  const typed = text.replace(/<@/g, '@');
  const out = typed.replace(/@_user_\d+|@_all/g, (key) => {
    const mention = byKey.get(key);
    const openId = openIdOf(mention?.id);
    if (!mention || !openId) return '';
    if (botOpenId && openId === botOpenId) { botMentioned = true; return ''; }
    hints.set(openId, { externalId: openId, ...(mention.name ? { displayName: mention.name } : {}) });
    return `<@x:${openId}>`;
  });
  return { text: out.replace(/[ \t\u3000]{2,}/g, ' ').trim(), botMentioned, mentions: [...hints.values()] };
}

/** Our callback value from a button or form submit, whatever shape Lark hands it back in. */
export function callbackValue(raw: unknown): CallbackValue | undefined {
  let value = raw;
  if (typeof value === 'string') { try { value = JSON.parse(value); } catch { return undefined; } }
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (v.kam === 'a' && typeof v.a === 'string') {
    return { kam: 'a', a: v.a.slice(0, 100), v: typeof v.v === 'string' ? v.v : '', k: v.k === 'c' ? 'c' : 'd' };
  }
  if (v.kam === 'f' && v.form && typeof v.form === 'object') {
    const form = v.form as Form;
    if (typeof form.id !== 'string' || !Array.isArray(form.fields)) return undefined;
    return { kam: 'f', form, ...(typeof v.c === 'string' ? { c: v.c } : {}), k: v.k === 'c' ? 'c' : 'd' };
  }
  return undefined;
}
