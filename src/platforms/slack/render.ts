import type { Form, FormErrors, FormField } from '../../chat/forms.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { replaceMentions, toPlainText, type Block, type Button, type Message } from '../../chat/message.ts';
import { mentionByName, type Person } from '../../delivery/worker.ts';
import { escapeAngleBrackets } from '../../lib/text.ts';

/**
 * Neutral Message → Slack Block Kit, and neutral Form → modal view. Every Slack limit is
 * respected here by splitting or truncating, so the Web API never rejects what we render.
 */

/** Slack's published Block Kit limits (api.slack.com/reference/block-kit). */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 255,
  actionId: 255,
  blockId: 255,
  imageUrl: 3000,
  altText: 2000,
  fallbackText: 3000,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  inputMaxLength: 3000,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
} as const;

export interface PlainText { type: 'plain_text'; text: string; emoji?: boolean }
export interface Mrkdwn { type: 'mrkdwn'; text: string }
export type TextObject = PlainText | Mrkdwn;

export interface SlackButton {
  type: 'button';
  text: PlainText;
  action_id: string;
  value?: string;
  style?: 'primary' | 'danger';
}

/** The Block Kit blocks we emit (a small, typed subset). */
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' }
  | { type: 'actions'; elements: SlackButton[] }
  | { type: 'image'; image_url: string; alt_text: string }
  | { type: 'input'; block_id: string; label: PlainText; optional?: boolean; hint?: PlainText; element: Record<string, unknown> };

/** A rendered chat message: blocks plus the plain-text fallback Slack shows in notifications. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** How mentions render: member id → Slack user id (unknown ids render as plain "@someone"). */
export interface RenderContext {
  people: Map<number, Person>;
  /** Text for a note when blocks had to be dropped, e.g. "…3 more not shown". */
  moreNote?: (hidden: number) => string;
}

/** Cuts text to `max` characters, ending with an ellipsis when anything was cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, max - 1).join('')}…`;
}

const TOKEN = /<@m:(\d+)>|\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/**
 * Light markdown → Slack mrkdwn: **bold** → *bold*, [t](u) → <u|t>, <@m:ID> → <@U…>;
 * &, < and > are escaped so user text can never inject links or mentions.
 */
export function toMrkdwn(text: string, people: Map<number, Person>): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    out += escapeAngleBrackets(text.slice(last, m.index));
    if (m[1] !== undefined) {
      const person = people.get(Number(m[1]));
      out += person ? `<@${person.externalId}>` : '@someone';
    } else {
      const url = m[3]!;
      const label = escapeAngleBrackets(m[2]!).replace(/\|/g, '¦');
      out += /^(https?:|mailto:)/i.test(url) ? `<${url.replace(/[<>|]/g, encodeURIComponent)}|${label}>` : label;
    }
    last = m.index + m[0].length;
  }
  out += escapeAngleBrackets(text.slice(last));
  return out.replace(/\*\*([^*\n]+?)\*\*/g, '*$1*');
}

/** Plain text (headers, buttons, modal labels): markdown markers removed, mentions as names. */
export function toPlain(text: string, people: Map<number, Person>): string {
  return replaceMentions(text, mentionByName(people))
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1');
}

/**
 * Splits mrkdwn into chunks of at most `max` characters: at line breaks where possible, then
 * at spaces, and only mid-word for a single enormous word. Never cuts a <…> link or mention.
 */
export function splitText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  const push = () => { if (current) chunks.push(current); current = ''; };
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= max) { current = candidate; continue; }
    push();
    let rest = line;
    while (rest.length > max) {
      let cut = rest.lastIndexOf(' ', max);
      const open = rest.lastIndexOf('<', max - 1);
      if (open > rest.lastIndexOf('>', max - 1) && open > 0 && (cut <= 0 || cut > open)) cut = open;
      if (cut <= 0) cut = max;
      chunks.push(rest.slice(0, cut));
      rest = rest.slice(cut).replace(/^ /, '');
    }
    current = rest;
  }
  push();
  return chunks.length ? chunks : [''];
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function renderButtons(buttons: Button[], people: Map<number, Person>): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  for (const group of chunk(buttons, SLACK_LIMITS.actionsElements)) {
    const seen = new Map<string, number>();
    blocks.push({
      type: 'actions',
      elements: group.map((b) => {
        const base = b.action.slice(0, SLACK_LIMITS.actionId - 6);
        // action_id must be unique within a block: repeat uses get a suffix the inbound side strips.
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        const button: SlackButton = {
          type: 'button',
          text: { type: 'plain_text', text: clip(toPlain(b.label, people), SLACK_LIMITS.buttonText) || '·', emoji: true },
          action_id: n === 0 ? base : `${base}::${n}`,
        };
        if (b.value) button.value = b.value.slice(0, SLACK_LIMITS.buttonValue);
        if (b.style) button.style = b.style;
        return button;
      }),
    });
  }
  return blocks;
}

/** Our action id from a Slack action_id (strips the uniqueness suffix). */
export function actionIdOf(slackActionId: string): string {
  return slackActionId.replace(/::\d+$/, '');
}

function renderBlock(block: Block, people: Map<number, Person>): SlackBlock[] {
  switch (block.type) {
    case 'header': {
      const text = clip(toPlain(block.text, people).replace(/\s+/g, ' ').trim(), SLACK_LIMITS.headerText);
      return text ? [{ type: 'header', text: { type: 'plain_text', text, emoji: true } }] : [];
    }
    case 'text': {
      if (!block.text.trim()) return [];
      return splitText(toMrkdwn(block.text, people), SLACK_LIMITS.sectionText)
        .filter((t) => t.trim())
        .map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
    }
    case 'fields': {
      const fields = block.fields.map((f): Mrkdwn => ({
        type: 'mrkdwn',
        text: clip(`*${toMrkdwn(toPlain(f.label, people), people)}*\n${toMrkdwn(f.value || '—', people)}`, SLACK_LIMITS.fieldText),
      }));
      return chunk(fields, SLACK_LIMITS.sectionFields).map((group) => ({ type: 'section', fields: group }));
    }
    case 'context': {
      if (!block.text.trim()) return [];
      return [{ type: 'context', elements: [{ type: 'mrkdwn', text: clip(toMrkdwn(block.text, people), SLACK_LIMITS.contextText) }] }];
    }
    case 'divider':
      return [{ type: 'divider' }];
    case 'buttons':
      return block.buttons.length ? renderButtons(block.buttons, people) : [];
    case 'image':
      if (!/^https?:\/\//i.test(block.url) || block.url.length > SLACK_LIMITS.imageUrl) return [];
      return [{ type: 'image', image_url: block.url, alt_text: clip(block.alt || 'image', SLACK_LIMITS.altText) }];
  }
}

/** Renders neutral blocks, capped at `maxBlocks` with a closing note about what was left out. */
export function renderBlocks(message: Message, context: RenderContext, maxBlocks: number): SlackBlock[] {
  const blocks = message.blocks.flatMap((b) => renderBlock(b, context.people));
  if (blocks.length <= maxBlocks) return blocks;
  const kept = blocks.slice(0, maxBlocks - 1);
  const hidden = blocks.length - kept.length;
  const note = context.moreNote?.(hidden) ?? `… ${hidden} more not shown`;
  kept.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(note, SLACK_LIMITS.contextText) }] });
  return kept;
}

/** A chat message for chat.postMessage / response_url: ≤ 50 blocks plus a fallback text. */
export function renderMessage(message: Message, context: RenderContext): SlackMessage {
  const fallbackSource = message.fallback?.trim()
    ? message.fallback
    : toPlainText(message, mentionByName(context.people));
  // The fallback is shown in notifications: mentions render natively, markdown as mrkdwn.
  const text = clip(toMrkdwn(fallbackSource.replace(/\n+/g, ' '), context.people), SLACK_LIMITS.fallbackText) || ' ';
  return { text, blocks: renderBlocks(message, context, SLACK_LIMITS.messageBlocks) };
}

/** An App Home tab view from a neutral message (views allow 100 blocks). */
export function renderHomeView(message: Message, context: RenderContext): Record<string, unknown> {
  return { type: 'home', blocks: renderBlocks(message, context, SLACK_LIMITS.viewBlocks) };
}

/** What we round-trip through a modal's private_metadata. */
export interface ModalMetadata {
  /** Form id. */
  f: string;
  /** Form state. */
  s?: string;
  /** Channel the form was opened from (answers go there). */
  c?: string;
  /** Opened from the App Home tab: republish it after a successful submit. */
  h?: 1;
}

function fieldElement(field: FormField, people: Map<number, Person>): Record<string, unknown> {
  const placeholder = field.placeholder
    ? { placeholder: { type: 'plain_text', text: clip(toPlain(field.placeholder, people), SLACK_LIMITS.placeholder) } } : {};
  const initial = field.initial ?? '';
  switch (field.kind) {
    case 'select': {
      // Slack refuses a select with no options or with a repeated value.
      const seen = new Set<string>();
      const unique = (field.options ?? []).filter((o) => { const v = o.value.slice(0, SLACK_LIMITS.optionValue); if (!v || seen.has(v)) return false; seen.add(v); return true; });
      if (!unique.length) return { type: 'plain_text_input', action_id: 'value', ...placeholder, ...(initial ? { initial_value: initial.slice(0, SLACK_LIMITS.inputMaxLength) } : {}) };
      const options = unique.slice(0, SLACK_LIMITS.selectOptions).map((o) => ({
        text: { type: 'plain_text', text: clip(toPlain(o.label, people), SLACK_LIMITS.optionText) || o.value.slice(0, 75), emoji: true },
        value: o.value.slice(0, SLACK_LIMITS.optionValue),
      }));
      const selected = options.find((o) => o.value === initial);
      return { type: 'static_select', action_id: 'value', options, ...placeholder, ...(selected ? { initial_option: selected } : {}) };
    }
    case 'date':
      return { type: 'datepicker', action_id: 'value', ...placeholder, ...(/^\d{4}-\d{2}-\d{2}$/.test(initial) ? { initial_date: initial } : {}) };
    case 'time':
      return { type: 'timepicker', action_id: 'value', ...placeholder, ...(/^\d{2}:\d{2}$/.test(initial) ? { initial_time: initial } : {}) };
    case 'number':
      return { type: 'number_input', action_id: 'value', is_decimal_allowed: true, ...placeholder, ...(/^-?\d+(\.\d+)?$/.test(initial) ? { initial_value: initial } : {}) };
    case 'text':
    case 'textarea':
      return {
        type: 'plain_text_input', action_id: 'value', multiline: field.kind === 'textarea',
        max_length: Math.min(field.maxLength ?? SLACK_LIMITS.inputMaxLength, SLACK_LIMITS.inputMaxLength),
        ...placeholder, ...(initial ? { initial_value: initial.slice(0, SLACK_LIMITS.inputMaxLength) } : {}),
      };
  }
}

/** Block id for a form field (block ids are what inline errors point at). */
export function fieldBlockId(name: string): string {
  return name.slice(0, SLACK_LIMITS.blockId);
}

/** A neutral form → a modal view for views.open (callback_id = form id). */
export function renderModal(form: Form, metadata: ModalMetadata, t: Translator, people: Map<number, Person> = new Map()): Record<string, unknown> {
  const blocks: SlackBlock[] = form.fields.slice(0, SLACK_LIMITS.viewBlocks).map((field) => ({
    type: 'input',
    block_id: fieldBlockId(field.name),
    label: { type: 'plain_text', text: clip(toPlain(field.label, people), SLACK_LIMITS.inputLabel) || field.name, emoji: true },
    optional: !field.required,
    ...(field.hint ? { hint: { type: 'plain_text', text: clip(toPlain(field.hint, people), SLACK_LIMITS.inputHint) } } : {}),
    element: fieldElement(field, people),
  }));
  let privateMetadata = JSON.stringify(metadata);
  if (privateMetadata.length > SLACK_LIMITS.privateMetadata) privateMetadata = JSON.stringify({ f: metadata.f, c: metadata.c, h: metadata.h });
  return {
    type: 'modal',
    callback_id: form.id.slice(0, 255),
    title: { type: 'plain_text', text: clip(toPlain(form.title, people), SLACK_LIMITS.viewTitle) || 'KAM Bot', emoji: true },
    submit: { type: 'plain_text', text: clip(form.submitLabel || t('common.submit'), SLACK_LIMITS.viewButton) },
    close: { type: 'plain_text', text: clip(t('common.cancel'), SLACK_LIMITS.viewButton) },
    private_metadata: privateMetadata,
    blocks,
  };
}

/** Reads our metadata back from a submitted view (tolerates junk: returns undefined). */
export function parseModalMetadata(raw: unknown): ModalMetadata | undefined {
  if (typeof raw !== 'string' || !raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<ModalMetadata>;
    if (typeof parsed.f !== 'string' || !parsed.f) return undefined;
    return {
      f: parsed.f,
      s: typeof parsed.s === 'string' ? parsed.s : undefined,
      c: typeof parsed.c === 'string' ? parsed.c : undefined,
      ...(parsed.h === 1 ? { h: 1 as const } : {}),
    };
  } catch {
    return undefined;
  }
}

/** One submitted input element's state (view.state.values[block][action]). */
interface InputState {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_date?: string | null;
  selected_time?: string | null;
}

/** Submitted view state → field name → string value (empty string when left blank). */
export function formValuesOf(state: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  const blocks = (state as { values?: Record<string, Record<string, InputState>> } | undefined)?.values ?? {};
  for (const [blockId, actions] of Object.entries(blocks)) {
    const input = actions?.value ?? Object.values(actions ?? {})[0];
    if (!input) continue;
    const raw = input.selected_option?.value ?? input.selected_date ?? input.selected_time ?? input.value ?? '';
    values[blockId] = typeof raw === 'string' ? raw.slice(0, 10_000) : '';
  }
  return values;
}

/** Inline errors for `response_action: errors`, keyed by the fields' block ids. */
export function modalErrors(errors: FormErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([name, text]) => [fieldBlockId(name), clip(text, 150)]));
}
