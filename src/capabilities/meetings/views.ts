import { DateTime } from 'luxon';
import { MEETING_QUESTIONS, type ActionItem, type MeetingAnswers } from '../../../db/schema/meetings.ts';
import type { Locale } from '../../../db/schema/members.ts';
import type { Form } from '../../chat/forms.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Message } from '../../chat/message.ts';
import { MAX_ANSWER_LENGTH, type Agenda } from './service.ts';

/** A meeting moment in the reader's own zone and language: "Mon 2026-12-07 10:00". */
export function formatWhen(at: Date, timezone: string, locale: Locale): string {
  const dt = DateTime.fromJSDate(at, { zone: timezone }).setLocale(locale === 'zh-CN' ? 'zh-CN' : 'en-GB');
  return locale === 'zh-CN' ? dt.toFormat('yyyy-MM-dd（ccc）HH:mm') : dt.toFormat('ccc yyyy-MM-dd HH:mm');
}

/** The weekly meeting prompt an assistant receives. */
export function promptMessage(t: Translator, promptId: number, managerId: number, when: string): Message {
  const questions = MEETING_QUESTIONS.map((q, i) => `${i + 1}. ${t(`meetings.q.${q}`)}`).join('\n');
  return message()
    .header(t('meetings.promptTitle', { manager: mention(managerId), when }))
    .text(t('meetings.promptIntro'))
    .text(questions)
    .buttons([{ label: t('meetings.answerButton'), action: 'meeting.answer', value: String(promptId), style: 'primary' }])
    .context(t('meetings.promptFirst', { question: t(`meetings.q.${MEETING_QUESTIONS[0]}`) }))
    .build();
}

/** The answer form, prefilled with what the assistant already said. */
export function answerForm(t: Translator, promptId: number, answers: MeetingAnswers): Form {
  return {
    id: 'meeting.answers',
    title: t('meetings.formTitle'),
    submitLabel: t('meetings.formSubmit'),
    state: String(promptId),
    fields: MEETING_QUESTIONS.map((q) => ({
      name: q, label: t(`meetings.q.${q}`), kind: 'textarea' as const, required: false, initial: answers[q] ?? '', maxLength: MAX_ANSWER_LENGTH,
    })),
  };
}

function dueLabel(t: Translator, item: ActionItem, today: string | undefined): string {
  if (!item.dueDate) return t('meetings.noDue');
  const due = t('meetings.due', { date: item.dueDate });
  return today && item.dueDate < today ? `${due}, **${t('meetings.overdue')}**` : due;
}

/** One line per action item. */
export function itemLines(t: Translator, items: ActionItem[], today: (ownerId: number) => string | undefined): string {
  return items.map((i) => (i.status === 'done'
    ? `- ${t('meetings.itemDoneLine', { id: i.id, owner: mention(i.ownerId), task: i.task })}`
    : `- ${t('meetings.itemLine', { id: i.id, owner: mention(i.ownerId), task: i.task, due: dueLabel(t, i, today(i.ownerId)) })}`)).join('\n');
}

/** The compiled agenda for the manager. */
export function agendaMessage(t: Translator, agenda: Agenda, when: string): Message {
  const b = message().header(t('meetings.agendaTitle', { when }));
  if (!agenda.assistants.length) return b.text(t('meetings.noAssistants')).build();
  const unanswered: string[] = [];
  for (const { member, prompt } of agenda.assistants) {
    const lines = [`**${mention(member.id)}**`];
    if (!prompt) {
      lines.push(`_${t('meetings.noPrompt')}_`);
    } else if (!Object.keys(prompt.answers).length) {
      lines.push(`_${t('meetings.notAnswered')}_`);
      unanswered.push(mention(member.id));
    } else {
      for (const q of MEETING_QUESTIONS) {
        const a = prompt.answers[q];
        const shown = a === undefined ? `_${t('meetings.notAnswered')}_` : a === '' ? t('meetings.skipped') : a;
        lines.push(`- ${t(`meetings.q.${q}`)}: ${shown}`);
      }
      if (!prompt.answeredAt) unanswered.push(mention(member.id));
    }
    b.text(lines.join('\n'));
  }
  b.context(unanswered.length ? t('meetings.unanswered', { names: unanswered.join(', ') }) : t('meetings.allAnswered'));
  b.divider();
  b.text(`**${t('meetings.carriedForward')}**\n${agenda.openItems.length
    ? itemLines(t, agenda.openItems, (id) => agenda.ownerToday.get(id))
    : t('meetings.noOpenItems')}`);
  const numbers = agenda.assistants.map(({ member }) => {
    const n = agenda.numbers.get(member.id) ?? { touches: 0, visits: 0, complaints: 0, open: 0 };
    return `- ${t('meetings.numbersLine', { name: mention(member.id), ...n })}`;
  });
  b.text(`**${t('meetings.keyNumbers')}**\n${numbers.join('\n')}`);
  return b.context(t('meetings.agendaHint')).build();
}

/** A list of action items. */
export function itemsMessage(t: Translator, items: ActionItem[], all: boolean, today: (ownerId: number) => string | undefined): Message {
  return message()
    .header(t(all ? 'meetings.actionsTitleAll' : 'meetings.actionsTitle'))
    .text(items.length ? itemLines(t, items, today) : t('meetings.noActions'))
    .context(items.some((i) => i.status === 'open') ? t('meetings.reminderHint') : '')
    .build();
}

/** The daily reminder of action items due tomorrow or overdue. */
export function reminderMessage(t: Translator, items: ActionItem[], today: string): Message {
  const tomorrow = DateTime.fromISO(today, { zone: 'UTC' }).plus({ days: 1 }).toISODate()!;
  const lines = items.map((i) => {
    const when = i.dueDate === tomorrow ? t('meetings.reminderDueTomorrow')
      : i.dueDate === today ? t('meetings.reminderDueToday') : t('meetings.reminderOverdue', { date: i.dueDate ?? '' });
    return `- #${i.id} ${i.task} (${when})`;
  });
  return message()
    .header(t('meetings.reminderTitle'))
    .text(lines.join('\n'))
    .buttons(items.slice(0, 5).map((i) => ({ label: t('meetings.markDone', { id: i.id }), action: 'meeting.done', value: String(i.id) })))
    .context(t('meetings.reminderHint'))
    .build();
}
