import { describe, expect, it } from 'vitest';
import { mention, message, type Block, type Message } from '../../../src/chat/message.ts';
import { createTranslator, CORE_MESSAGES } from '../../../src/chat/i18n/index.ts';
import type { Person } from '../../../src/delivery/worker.ts';
import {
  actionIdOf, formValuesOf, modalErrors, parseModalMetadata, renderHomeView, renderMessage, renderModal, SLACK_LIMITS, splitText, toMrkdwn,
  type SlackBlock,
} from '../../../src/platforms/slack/render.ts';
import { fromSlackText } from '../../../src/platforms/slack/text.ts';

const people = new Map<number, Person>([
  [7, { id: 7, externalId: 'U07ANN', displayName: 'Ann Lee', locale: 'en', timezone: 'Europe/London' }],
]);
const ctx = { people };
const t = createTranslator(CORE_MESSAGES, 'en');

/** Every Slack limit we promise to respect, checked on rendered blocks. */
function expectWithinLimits(blocks: SlackBlock[], maxBlocks: number = SLACK_LIMITS.messageBlocks) {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  for (const b of blocks) {
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (b.type === 'section') {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.sectionFields);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      expect(b.text || b.fields?.length).toBeTruthy();
    }
    if (b.type === 'context') for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
      expect(new Set(b.elements.map((e) => e.action_id)).size).toBe(b.elements.length);
      for (const e of b.elements) {
        expect(e.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect((e.value ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
      }
    }
  }
}

describe('Block Kit rendering', () => {
  it('60 blocks become at most 50, ending with a note of what was left out', () => {
    const blocks: Block[] = Array.from({ length: 60 }, (_, i) => ({ type: 'text', text: `line ${i}` }));
    const out = renderMessage({ blocks }, { people, moreNote: (n) => `${n} more not shown` });
    expectWithinLimits(out.blocks);
    expect(out.blocks).toHaveLength(50);
    expect(JSON.stringify(out.blocks.at(-1))).toContain('11 more not shown');
  });

  it('5,000 characters of text split cleanly into sections at line breaks', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `- item ${String(i).padStart(3, '0')} ${'x'.repeat(38)}`);
    const out = renderMessage(message().text(lines.join('\n')).build(), ctx);
    expectWithinLimits(out.blocks);
    const sections = out.blocks.filter((b) => b.type === 'section');
    expect(sections.length).toBeGreaterThanOrEqual(2);
    const joined = sections.map((b) => (b.type === 'section' ? b.text!.text : '')).join('\n');
    expect(joined).toBe(lines.join('\n'));
  });

  it('a single 5,000-character word is still cut under the limit', () => {
    const out = renderMessage(message().text('y'.repeat(5000)).build(), ctx);
    expectWithinLimits(out.blocks);
  });

  it('12 fields become two sections of at most 10', () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `Field ${i}`, value: `value ${i}` }));
    const out = renderMessage(message().fields(fields).build(), ctx);
    expectWithinLimits(out.blocks);
    expect(out.blocks.filter((b) => b.type === 'section').map((b) => (b.type === 'section' ? b.fields!.length : 0))).toEqual([10, 2]);
  });

  it('30 buttons become two actions blocks; repeated action ids stay unique and map back', () => {
    const buttons = Array.from({ length: 30 }, (_, i) => ({ label: `Button ${i} ${'z'.repeat(90)}`, action: 'touch.done', value: `${i}${'v'.repeat(300)}` }));
    const out = renderMessage(message().buttons(buttons).build(), ctx);
    expectWithinLimits(out.blocks);
    const actions = out.blocks.filter((b) => b.type === 'actions');
    expect(actions.map((b) => (b.type === 'actions' ? b.elements.length : 0))).toEqual([25, 5]);
    const ids = actions.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));
    expect(new Set(ids.map(actionIdOf))).toEqual(new Set(['touch.done']));
  });

  it('a header over 150 characters is shortened with an ellipsis', () => {
    const out = renderMessage(message().header('H'.repeat(400)).build(), ctx);
    expectWithinLimits(out.blocks);
    expect(out.blocks[0]).toMatchObject({ type: 'header' });
  });

  it('light markdown and mentions become Slack mrkdwn; user text cannot inject links', () => {
    expect(toMrkdwn(`**Done** for ${mention(7)}: see [the report](https://example.com/r?a=1&b=2)`, people))
      .toBe('*Done* for <@U07ANN>: see <https://example.com/r?a=1&b=2|the report>');
    expect(toMrkdwn('<!channel> & <https://evil.example|click>', people)).toBe('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(toMrkdwn(`${mention(99)} said hi`, people)).toBe('@someone said hi');
  });

  it('every message has a plain-text fallback with native mentions', () => {
    const msg: Message = message().header('Kudos').text(`**Great work** ${mention(7)}!`).build();
    const out = renderMessage(msg, ctx);
    expect(out.text).toContain('<@U07ANN>');
    expect(out.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(renderMessage({ blocks: [] }, ctx).text.length).toBeGreaterThan(0);
  });

  it('the home view allows up to 100 blocks', () => {
    const blocks: Block[] = Array.from({ length: 130 }, (_, i) => ({ type: 'text', text: `row ${i}` }));
    const view = renderHomeView({ blocks }, ctx) as { type: string; blocks: SlackBlock[] };
    expect(view.type).toBe('home');
    expectWithinLimits(view.blocks, SLACK_LIMITS.viewBlocks);
    expect(view.blocks).toHaveLength(100);
  });

  it('splitText never cuts inside a <link|label>', () => {
    const text = `${'a '.repeat(40)}<https://example.com/${'p'.repeat(30)}|label> tail`;
    for (const chunk of splitText(text, 90)) {
      expect((chunk.match(/</g) ?? []).length).toBe((chunk.match(/>/g) ?? []).length);
    }
  });
});

describe('modals', () => {
  const form = {
    id: 'touch.submit', title: 'Log a client touch, with a very long title', submitLabel: 'Save',
    state: '42',
    fields: [
      { name: 'account', label: 'Account', kind: 'select' as const, required: true, options: Array.from({ length: 120 }, (_, i) => ({ value: String(i), label: `Account ${i}` })), initial: '3' },
      { name: 'summary', label: 'Summary', kind: 'textarea' as const, required: true, maxLength: 2000 },
      { name: 'when', label: 'Date', kind: 'date' as const, initial: '2026-11-30' },
      { name: 'at', label: 'Time', kind: 'time' as const, initial: '09:30' },
      { name: 'amount', label: 'Amount', kind: 'number' as const },
      { name: 'note', label: 'Note', kind: 'text' as const, placeholder: 'p'.repeat(200) },
    ],
  };

  it('a neutral form becomes a modal within Slack limits, carrying our id and state', () => {
    const view = renderModal(form, { f: form.id, s: form.state, c: 'D123' }, t) as Record<string, any>;
    expect(view.type).toBe('modal');
    expect(view.callback_id).toBe('touch.submit');
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.close.text).toBe('Cancel');
    expect(parseModalMetadata(view.private_metadata)).toEqual({ f: 'touch.submit', s: '42', c: 'D123' });
    const elements = view.blocks.map((b: any) => b.element.type);
    expect(elements).toEqual(['static_select', 'plain_text_input', 'datepicker', 'timepicker', 'number_input', 'plain_text_input']);
    expect(view.blocks[0].element.options).toHaveLength(100);
    expect(view.blocks[0].element.initial_option.value).toBe('3');
    expect(view.blocks[0].optional).toBe(false);
    expect(view.blocks[1].element.multiline).toBe(true);
    expect(view.blocks[2].element.initial_date).toBe('2026-11-30');
    expect(view.blocks[5].element.placeholder.text.length).toBeLessThanOrEqual(150);
  });

  it('a select with no usable options becomes a text input; repeated option values are dropped', () => {
    const view = renderModal({
      id: 'x.form', title: 'X', submitLabel: 'Save',
      fields: [
        { name: 'empty', label: 'Empty', kind: 'select', options: [] },
        { name: 'dupes', label: 'Dupes', kind: 'select', options: [{ value: 'a', label: 'A' }, { value: 'a', label: 'A again' }, { value: 'b', label: 'B' }] },
      ],
    }, { f: 'x.form' }, t) as Record<string, any>;
    expect(view.blocks[0].element.type).toBe('plain_text_input');
    expect(view.blocks[1].element.options.map((o: { value: string }) => o.value)).toEqual(['a', 'b']);
  });

  it('submitted state reads back as field values; errors point at the field blocks', () => {
    const values = formValuesOf({
      values: {
        account: { value: { type: 'static_select', selected_option: { value: '3' } } },
        summary: { value: { type: 'plain_text_input', value: 'Hello' } },
        when: { value: { type: 'datepicker', selected_date: '2026-11-29' } },
        at: { value: { type: 'timepicker', selected_time: '10:15' } },
        amount: { value: { type: 'number_input', value: '12.5' } },
        note: { value: { type: 'plain_text_input', value: null } },
      },
    });
    expect(values).toEqual({ account: '3', summary: 'Hello', when: '2026-11-29', at: '10:15', amount: '12.5', note: '' });
    expect(modalErrors({ summary: 'Summary is required.' })).toEqual({ summary: 'Summary is required.' });
    expect(parseModalMetadata('not json')).toBeUndefined();
  });
});

describe('inbound text', () => {
  it('Slack mentions become member tokens; links and entities become plain text', () => {
    expect(fromSlackText('team add <@U123|ann> <@W456> &amp; <#C1|general> <https://x.io|x>')).toEqual({
      text: 'team add <@x:U123> <@x:W456> & #general https://x.io', userIds: ['U123', 'W456'],
    });
    expect(fromSlackText('<@UBOT> whoami', { stripUserId: 'UBOT' }).text).toBe('whoami');
    // Typed look-alikes of internal tokens are defused.
    expect(fromSlackText('&lt;@m:5&gt; hi').text).toBe('@m:5> hi');
  });
});
