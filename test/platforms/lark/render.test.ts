import { describe, expect, it } from 'vitest';
import type { Form } from '../../../src/chat/forms.ts';
import { mention, message } from '../../../src/chat/message.ts';
import type { Person } from '../../../src/delivery/worker.ts';
import { formValues, renderCard, renderFormCard, renderMessage } from '../../../src/platforms/lark/render.ts';
import { messageText, resolveMentions } from '../../../src/platforms/lark/inbound.ts';

const people = new Map<number, Person>([
  [1, { id: 1, externalId: 'ou_mei', displayName: '陈美', locale: 'zh-CN', timezone: 'Asia/Shanghai' }],
]);

const elementsOf = (card: Record<string, unknown>) => (card.body as { elements: Array<Record<string, unknown>> }).elements;

describe('Lark rendering', () => {
  it('a rich message becomes a 2.0 card: header, markdown, fields as columns, buttons with our callback value', () => {
    const msg = message()
      .header(`Complaint from ${mention(1)}`)
      .text(`**Acme** says _late_ delivery, thanks ${mention(1)}`)
      .fields([{ label: 'Score', value: '2' }, { label: 'Status', value: 'open' }, { label: 'Owner', value: mention(1) }])
      .divider()
      .buttons([{ label: 'Acknowledge', action: 'feedback.ack', value: '7', style: 'primary' }])
      .context('Reply with /kam feedback resolve 7')
      .image('https://example.com/chart.png', 'KPI chart')
      .build();
    const card = renderCard(msg, people, 'channel');
    expect(card).toMatchObject({ schema: '2.0', header: { title: { tag: 'plain_text', content: 'Complaint from @陈美' } } });
    const elements = elementsOf(card);
    expect(elements[0]).toEqual({ tag: 'markdown', content: '**Acme** says *late* delivery, thanks <at id=ou_mei></at>' });
    expect(elements.filter((e) => e.tag === 'column_set')).toHaveLength(3);
    expect(JSON.stringify(elements[1])).toContain('**Score**\\n2');
    expect(elements).toContainEqual({ tag: 'hr' });
    const button = JSON.stringify(elements.find((e) => JSON.stringify(e).includes('"button"')));
    expect(button).toContain('"behaviors":[{"type":"callback","value":{"kam":"a","a":"feedback.ack","v":"7","k":"c"}}]');
    expect(button).toContain('"type":"primary"');
    expect(elements).toContainEqual({ tag: 'markdown', content: 'Reply with /kam feedback resolve 7', text_size: 'notation' });
    expect(elements.at(-1)).toEqual({ tag: 'markdown', content: '🖼️ [KPI chart](https://example.com/chart.png)' });
  });

  it('user text cannot inject markup such as @all', () => {
    const card = renderCard(message().text('hi <at id=all></at> & <b>x</b>').build(), people);
    expect(elementsOf(card)[0]!.content).toBe('hi &lt;at id=all&gt;&lt;/at&gt; &amp; &lt;b&gt;x&lt;/b&gt;');
    // Not a plain line any more (it has markup characters): it goes as an escaped card, never as text.
    expect(renderMessage(message().text('hi <at user_id="all"></at>').build(), people).msgType).toBe('interactive');
  });

  it('one short plain line goes as a text message with a native mention', () => {
    const out = renderMessage(message().text(`Thanks for recognising ${mention(1)}!`).build(), people);
    expect(out.msgType).toBe('text');
    expect(JSON.parse(out.content)).toEqual({ text: 'Thanks for recognising <at user_id="ou_mei">陈美</at>!' });
  });

  it('a form becomes a form container with labelled fields, initial values and a submit button', () => {
    const form: Form = {
      id: 'touch.log', title: 'Log a touch', submitLabel: 'Save', state: '42',
      fields: [
        { name: 'account', label: 'Account', kind: 'select', required: true, initial: '3', options: [{ value: '3', label: 'Acme' }] },
        { name: 'when', label: 'Date', kind: 'date', initial: '2026-11-30' },
        { name: 'at', label: 'Time', kind: 'time', initial: '09:30' },
        { name: 'notes', label: 'Notes', kind: 'textarea', maxLength: 500, hint: 'What was discussed' },
      ],
    };
    const card = renderFormCard(form, { conversation: 'oc_1', kind: 'dm', errors: { notes: 'Notes are required.' }, values: { notes: 'x' }, errorSummary: 'Please fix' });
    const formEl = elementsOf(card).find((e) => e.tag === 'form')!;
    const inner = formEl.elements as Array<Record<string, unknown>>;
    expect(inner.find((e) => e.tag === 'select_static')).toMatchObject({ name: 'account', initial_option: '3', required: true });
    expect(inner.find((e) => e.tag === 'date_picker')).toMatchObject({ name: 'when', initial_date: '2026-11-30' });
    expect(inner.find((e) => e.tag === 'picker_time')).toMatchObject({ name: 'at', initial_time: '09:30' });
    expect(inner.find((e) => e.tag === 'input')).toMatchObject({ name: 'notes', input_type: 'multiline_text', default_value: 'x', max_length: 500 });
    expect(JSON.stringify(inner)).toContain('⚠️ Notes are required.');
    expect(inner.at(-1)).toMatchObject({ tag: 'button', form_action_type: 'submit', behaviors: [{ type: 'callback', value: { kam: 'f', form, c: 'oc_1', k: 'd' } }] });
    expect(card).toMatchObject({ header: { template: 'orange' } });
  });

  it('submitted picker values are normalised', () => {
    const form: Form = { id: 'f', title: 't', submitLabel: 's', fields: [{ name: 'd', label: 'd', kind: 'date' }, { name: 't', label: 't', kind: 'time' }, { name: 'n', label: 'n', kind: 'text' }] };
    expect(formValues(form, { d: '2026-11-30 +0800', t: '09:30 +0800', extra: 'ignored' })).toEqual({ d: '2026-11-30', t: '09:30', n: '' });
  });
});

describe('Lark inbound text', () => {
  it('strips the bot mention, maps other mentions and drops @all', () => {
    const mentions = [
      { key: '@_user_1', id: { open_id: 'ou_bot' }, name: 'KAM Bot' },
      { key: '@_user_2', id: { open_id: 'ou_mei' }, name: '陈美' },
      { key: '@_all', id: { open_id: '' }, name: '所有人' },
    ];
    expect(resolveMentions('@_user_1 表扬 @_user_2 谢谢 @_all', mentions, 'ou_bot')).toEqual({
      text: '表扬 <@x:ou_mei> 谢谢', botMentioned: true, mentions: [{ externalId: 'ou_mei', displayName: '陈美' }],
    });
    expect(resolveMentions('@_user_2 hi', mentions, 'ou_bot').botMentioned).toBe(false);
  });

  it('reads text and post content; other message types are not text', () => {
    expect(messageText('text', '{"text":"help"}')).toBe('help');
    expect(messageText('post', JSON.stringify({ title: '周报', content: [[{ tag: 'at', user_id: '@_user_1' }, { tag: 'text', text: ' report' }], [{ tag: 'a', text: 'link', href: 'https://x' }]] })))
      .toBe('周报\n@_user_1 report\nlink');
    expect(messageText('image', '{"image_key":"img_1"}')).toBeUndefined();
    expect(messageText('text', 'not json')).toBeUndefined();
  });
});
