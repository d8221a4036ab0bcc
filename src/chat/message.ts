/**
 * The neutral message model. Capabilities build these; each platform adapter renders them
 * (Block Kit, Lark cards, console HTML). Text uses light markdown: **bold**, _italic_, `code`,
 * [label](url), "- " bullets, and member mentions written as <@m:ID> (see `mention`).
 */

export type ButtonStyle = 'primary' | 'danger';

export interface Button {
  label: string;
  /** Registered action id, e.g. `feedback.ack`. */
  action: string;
  /** Opaque payload handed back to the action (keep it short: Slack allows 255 chars). */
  value?: string;
  style?: ButtonStyle;
}

export interface Field {
  label: string;
  value: string;
}

export type Block =
  | { type: 'header'; text: string }
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: Field[] }
  | { type: 'context'; text: string }
  | { type: 'divider' }
  | { type: 'buttons'; buttons: Button[] }
  | { type: 'image'; url: string; alt: string };

export interface Message {
  blocks: Block[];
  /** Plain-text summary for notifications and clients that cannot show blocks. */
  fallback?: string;
}

const MENTION_PATTERN = /<@m:(\d+)>/g;

/** A mention of a member in message text; adapters render it natively. */
export function mention(memberId: number): string {
  return `<@m:${memberId}>`;
}

/** Member ids mentioned anywhere in a message. */
export function mentionedMemberIds(message: Message): number[] {
  const ids = new Set<number>();
  const scan = (text: string) => { for (const m of text.matchAll(MENTION_PATTERN)) ids.add(Number(m[1])); };
  if (message.fallback) scan(message.fallback);
  for (const block of message.blocks) {
    if (block.type === 'text' || block.type === 'context' || block.type === 'header') scan(block.text);
    if (block.type === 'fields') for (const f of block.fields) { scan(f.label); scan(f.value); }
  }
  return [...ids];
}

/** Replaces <@m:ID> mentions using the given renderer (unknown ids render as "someone"). */
export function replaceMentions(text: string, render: (memberId: number) => string): string {
  return text.replace(MENTION_PATTERN, (_, id: string) => render(Number(id)));
}

/** Plain-text rendering of a message: markdown markers removed, one line per block. */
export function toPlainText(message: Message, renderMention: (memberId: number) => string = () => '@someone'): string {
  const lines: string[] = [];
  for (const block of message.blocks) {
    switch (block.type) {
      case 'header': case 'text': case 'context': lines.push(block.text); break;
      case 'fields': for (const f of block.fields) lines.push(`${f.label}: ${f.value}`); break;
      case 'divider': lines.push('—'); break;
      case 'buttons': lines.push(block.buttons.map((b) => `[${b.label}]`).join(' ')); break;
      case 'image': lines.push(block.alt); break;
    }
  }
  const text = lines.join('\n')
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(^|\s)_(.+?)_(?=\s|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)');
  return replaceMentions(text, renderMention);
}

/** Small builder so capability views read top to bottom. */
export class MessageBuilder {
  private readonly blocks: Block[] = [];
  private fallbackText?: string;

  header(text: string): this { this.blocks.push({ type: 'header', text }); return this; }
  text(text: string): this { if (text) this.blocks.push({ type: 'text', text }); return this; }
  fields(fields: Field[]): this { if (fields.length) this.blocks.push({ type: 'fields', fields }); return this; }
  context(text: string): this { if (text) this.blocks.push({ type: 'context', text }); return this; }
  divider(): this { this.blocks.push({ type: 'divider' }); return this; }
  buttons(buttons: Button[]): this { if (buttons.length) this.blocks.push({ type: 'buttons', buttons }); return this; }
  image(url: string, alt: string): this { this.blocks.push({ type: 'image', url, alt }); return this; }
  fallback(text: string): this { this.fallbackText = text; return this; }
  build(): Message {
    // Mentions stay as <@m:ID> tokens so each adapter can render them natively.
    return { blocks: [...this.blocks], fallback: this.fallbackText ?? toPlainText({ blocks: this.blocks }, (id) => mention(id)).slice(0, 300) };
  }
}

/** Starts a message. */
export function message(): MessageBuilder {
  return new MessageBuilder();
}

/** A one-block text message. */
export function textMessage(text: string): Message {
  return message().text(text).build();
}
