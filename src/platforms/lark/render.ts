import type { Form, FormErrors, FormField } from '../../chat/forms.ts';
import { replaceMentions, toPlainText, type Block, type Button, type Message } from '../../chat/message.ts';
import { mentionByName, type Person } from '../../delivery/worker.ts';
import { escapeAngleBrackets } from '../../lib/text.ts';

/**
 * Neutral messages and forms → Lark messages. Rich messages become interactive cards
 * (card JSON schema 2.0); a single short plain line goes as a text message.
 */

/** What the Open API `im/v1/messages` endpoints take: msg_type and the JSON-encoded content. */
export interface LarkOutgoing {
  msgType: 'text' | 'interactive';
  content: string;
}

export type CardJson = Record<string, unknown>;

/** Where a conversation a card lives in sits, carried in button values so actions know it. */
export type ChatKind = 'dm' | 'channel';

/** Our payload in a button's callback value. `kam` tells our buttons from anything else. */
export type CallbackValue =
  | { kam: 'a'; a: string; v: string; k: 'd' | 'c' }
  | { kam: 'f'; form: Form; c?: string; k: 'd' | 'c' };

/** Extra property a Message may carry in the outbox: a card rendered ahead of time (forms). */
export interface PrerenderedMessage extends Message {
  larkCard?: CardJson;
}

const MENTION = /<@m:(\d+)>/g;
const MAX_MARKDOWN = 9_000;

/** Card markdown from our light markdown: escapes markup, renders mentions as <at id=…>. */
export function cardMarkdown(text: string, people: Map<number, Person>): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(MENTION)) {
    parts.push(escapeAngleBrackets(text.slice(last, m.index)));
    const person = people.get(Number(m[1]));
    parts.push(person ? `<at id=${person.externalId}></at>` : '@someone');
    last = m.index + m[0].length;
  }
  parts.push(escapeAngleBrackets(text.slice(last)));
  // Our _italic_ is Lark's *italic*.
  return parts.join('').replace(/(^|\s)_(.+?)_(?=\s|$)/g, '$1*$2*').slice(0, MAX_MARKDOWN);
}

/** Plain text with mentions shown as @Name (card headers, toasts, summaries). */
export function plainText(message: Message, people: Map<number, Person>): string {
  return toPlainText(message, mentionByName(people));
}

function plainLine(text: string, people: Map<number, Person>): string {
  return plainText({ blocks: [{ type: 'text', text }] }, people);
}

const textTag = (content: string) => ({ tag: 'plain_text', content });

function buttonElement(button: Button, kind: ChatKind): Record<string, unknown> {
  const value: CallbackValue = { kam: 'a', a: button.action, v: button.value ?? '', k: kind === 'dm' ? 'd' : 'c' };
  return {
    tag: 'button',
    text: textTag(button.label),
    type: button.style ?? 'default',
    behaviors: [{ type: 'callback', value }],
  };
}

function blockElements(block: Block, people: Map<number, Person>, kind: ChatKind): Record<string, unknown>[] {
  switch (block.type) {
    case 'header': return [{ tag: 'markdown', content: `**${cardMarkdown(block.text, people)}**` }];
    case 'text': return [{ tag: 'markdown', content: cardMarkdown(block.text, people) }];
    case 'context': return [{ tag: 'markdown', content: cardMarkdown(block.text, people), text_size: 'notation' }];
    case 'divider': return [{ tag: 'hr' }];
    case 'image':
      // Card images need an uploaded img_key; a link keeps the picture one tap away.
      return /^https?:\/\//.test(block.url) ? [{ tag: 'markdown', content: `🖼️ [${escapeAngleBrackets(block.alt || block.url)}](${block.url})` }] : [];
    case 'fields': {
      const rows: Record<string, unknown>[] = [];
      for (let i = 0; i < block.fields.length; i += 2) {
        rows.push({
          tag: 'column_set',
          flex_mode: 'bisect',
          columns: block.fields.slice(i, i + 2).map((f) => ({
            tag: 'column', width: 'weighted', weight: 1,
            elements: [{ tag: 'markdown', content: `**${cardMarkdown(f.label, people)}**\n${cardMarkdown(f.value, people)}` }],
          })),
        });
      }
      return rows;
    }
    case 'buttons':
      return [{
        tag: 'column_set',
        flex_mode: 'flow',
        columns: block.buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [buttonElement(b, kind)] })),
      }];
  }
}

/** A neutral message as a schema 2.0 card; the first header block becomes the card header. */
export function renderCard(message: Message, people: Map<number, Person>, kind: ChatKind = 'dm'): CardJson {
  const blocks = [...message.blocks];
  const first = blocks[0];
  let header: Record<string, unknown> | undefined;
  if (first?.type === 'header') {
    blocks.shift();
    header = { title: textTag(plainLine(first.text, people).slice(0, 200)), template: 'blue' };
  }
  const elements = blocks.flatMap((b) => blockElements(b, people, kind));
  if (!elements.length) elements.push({ tag: 'markdown', content: cardMarkdown(message.fallback ?? ' ', people) });
  const summary = plainText(message, people).replace(/\s+/g, ' ').trim().slice(0, 100);
  return {
    schema: '2.0',
    config: { update_multi: true, ...(summary ? { summary: { content: summary } } : {}) },
    ...(header ? { header } : {}),
    body: { elements },
  };
}

/** True when a message is one short line of plain text: it reads better as a text message. */
function isPlainLine(message: Message): boolean {
  if (message.blocks.length !== 1) return false;
  const block = message.blocks[0]!;
  if (block.type !== 'text') return false;
  const withoutMentions = replaceMentions(block.text, () => '');
  return block.text.length <= 500 && !/\*\*|`|\[[^\]]+\]\(|(^|\n)- |</.test(withoutMentions);
}

/** A text message body with mentions as <at user_id="ou_…">Name</at>. */
function renderText(message: Message, people: Map<number, Person>): string {
  const text = (message.blocks[0] as { text: string }).text.replace(/(^|\s)_(.+?)_(?=\s|$)/g, '$1$2');
  return replaceMentions(text, (id) => {
    const person = people.get(id);
    return person ? `<at user_id="${person.externalId}">${person.displayName.replace(/[<>]/g, '')}</at>` : '@someone';
  });
}

/** Chooses the Lark message for a neutral message: text for one plain line, a card otherwise. */
export function renderMessage(message: PrerenderedMessage, people: Map<number, Person>, kind: ChatKind = 'dm'): LarkOutgoing {
  if (message.larkCard) return { msgType: 'interactive', content: JSON.stringify(message.larkCard) };
  if (isPlainLine(message)) return { msgType: 'text', content: JSON.stringify({ text: renderText(message, people) }) };
  return { msgType: 'interactive', content: JSON.stringify(renderCard(message, people, kind)) };
}

function fieldLabel(field: FormField): string {
  return `${field.label}${field.required ? ' *' : ''}`;
}

function fieldElements(field: FormField, value: string | undefined, error: string | undefined): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const placeholder = field.placeholder ? { placeholder: textTag(field.placeholder) } : {};
  const initial = value ?? field.initial;
  switch (field.kind) {
    case 'text': case 'number': case 'textarea':
      out.push({
        tag: 'input', name: field.name, label: textTag(fieldLabel(field)), label_position: 'top',
        required: Boolean(field.required), ...placeholder,
        ...(initial ? { default_value: initial } : {}),
        ...(field.maxLength ? { max_length: Math.min(field.maxLength, 1000) } : {}),
        ...(field.kind === 'textarea' ? { input_type: 'multiline_text', rows: 4, auto_resize: true } : {}),
      });
      break;
    case 'select':
      out.push({ tag: 'markdown', content: `**${escapeAngleBrackets(fieldLabel(field))}**` });
      out.push({
        tag: 'select_static', name: field.name, required: Boolean(field.required), ...placeholder,
        options: (field.options ?? []).map((o) => ({ text: textTag(o.label), value: o.value })),
        ...(initial && (field.options ?? []).some((o) => o.value === initial) ? { initial_option: initial } : {}),
      });
      break;
    case 'date':
      out.push({ tag: 'markdown', content: `**${escapeAngleBrackets(fieldLabel(field))}**` });
      out.push({
        tag: 'date_picker', name: field.name, required: Boolean(field.required), ...placeholder,
        ...(initial && /^\d{4}-\d{2}-\d{2}$/.test(initial) ? { initial_date: initial } : {}),
      });
      break;
    case 'time':
      out.push({ tag: 'markdown', content: `**${escapeAngleBrackets(fieldLabel(field))}**` });
      out.push({
        tag: 'picker_time', name: field.name, required: Boolean(field.required), ...placeholder,
        ...(initial && /^\d{2}:\d{2}$/.test(initial) ? { initial_time: initial } : {}),
      });
      break;
  }
  if (field.hint) out.push({ tag: 'markdown', content: escapeAngleBrackets(field.hint), text_size: 'notation' });
  if (error) out.push({ tag: 'markdown', content: `<font color='red'>⚠️ ${escapeAngleBrackets(error)}</font>` });
  return out;
}

/**
 * A form as a card with a form container. The submit button carries the form itself (and where
 * it was opened), so a submit with errors can show the same form again with the errors inline.
 */
export function renderFormCard(form: Form, options: {
  conversation?: string; kind: ChatKind; values?: Record<string, string>; errors?: FormErrors; errorSummary?: string;
}): CardJson {
  const submit: CallbackValue = { kam: 'f', form, ...(options.conversation ? { c: options.conversation } : {}), k: options.kind === 'dm' ? 'd' : 'c' };
  const errors = options.errors ?? {};
  const elements: Record<string, unknown>[] = [];
  if (options.errorSummary && Object.keys(errors).length) {
    elements.push({ tag: 'markdown', content: `<font color='red'>${escapeAngleBrackets(options.errorSummary)}</font>` });
  }
  const known = new Set(form.fields.map((f) => f.name));
  const stray = Object.entries(errors).filter(([name]) => !known.has(name)).map(([, text]) => text);
  if (stray.length) elements.push({ tag: 'markdown', content: `<font color='red'>⚠️ ${escapeAngleBrackets(stray.join(' '))}</font>` });
  elements.push({
    tag: 'form',
    name: 'kam_form',
    elements: [
      ...form.fields.flatMap((f) => fieldElements(f, options.values?.[f.name], errors[f.name])),
      {
        tag: 'button', name: 'kam_submit', text: textTag(form.submitLabel), type: 'primary',
        form_action_type: 'submit', behaviors: [{ type: 'callback', value: submit }],
      },
    ],
  });
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: form.title.slice(0, 100) } },
    header: { title: textTag(form.title.slice(0, 200)), template: Object.keys(errors).length ? 'orange' : 'blue' },
    body: { elements },
  };
}

/** Normalises a submitted form_value: date pickers send "2026-11-30 +0800", time pickers "09:30 +0800". */
export function formValues(form: Form, raw: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of form.fields) {
    const v = raw[field.name];
    let text = v === undefined || v === null ? '' : Array.isArray(v) ? v.map(String).join(',') : String(v);
    if (field.kind === 'date') text = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0] ?? text;
    if (field.kind === 'time') text = /^\d{2}:\d{2}/.exec(text)?.[0] ?? text;
    values[field.name] = text.slice(0, 10_000);
  }
  return values;
}
