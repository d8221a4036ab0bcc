import type { TrainingInvite, TrainingItem, TrainingSession } from '../../../db/schema/training.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Button, type Message } from '../../chat/message.ts';
import { formatClockTime, localDate, localParts } from '../../lib/time.ts';
import type { ChecklistEntry, TrainingItemRef } from './service.ts';

/** The display title of a checklist item: custom title, or the translated built-in one. */
export function itemTitle(t: Translator, item: TrainingItemRef | TrainingItem): string {
  return item.title ?? t(`training.item.${item.key}`);
}

/** A moment shown in a member's time zone: 2026-12-10 14:00 (Asia/Shanghai). */
export function formatWhen(at: Date, timezone: string): string {
  const p = localParts(at, timezone);
  return `${p.date} ${formatClockTime(p.hour * 60 + p.minute)} (${timezone})`;
}

/** A member's onboarding progress with a "Mark done" button per open item, and upcoming sessions. */
export function progressCard(
  t: Translator, ownView: boolean, memberId: number, entries: ChecklistEntry[],
  upcoming: Array<{ session: TrainingSession; invite: TrainingInvite }>, viewerTimezone: string, memberToday: string, isLead = false,
): Message {
  const done = entries.filter((e) => e.assignment.completedAt).length;
  const b = message().header(ownView
    ? (entries.length ? t('training.progressMine', { done, total: entries.length }) : t('training.titleMine'))
    : t('training.progressTitle', { name: mention(memberId), done, total: entries.length }));
  if (!entries.length) b.text(ownView && isLead ? t('training.leadHint') : t('training.noChecklist'));
  const lines = entries.map((e, i) => {
    const title = itemTitle(t, e.item);
    if (e.assignment.completedAt) {
      return t('training.itemDone', { status: '✅', index: i + 1, title, date: localDate(e.assignment.completedAt, viewerTimezone) });
    }
    const late = e.assignment.dueDate < memberToday;
    return t('training.itemLine', { status: late ? '⏰' : '⬜', index: i + 1, title, due: e.assignment.dueDate }) + (late ? ` ${t('training.overdue')}` : '');
  });
  b.text(lines.join('\n'));
  if (entries.length && done === entries.length) b.text(t('training.allDone'));
  const open = entries.filter((e) => !e.assignment.completedAt);
  b.buttons(open.slice(0, 20).map((e): Button => ({
    label: t('training.markDone', { title: itemTitle(t, e.item) }).slice(0, 75), action: 'training.done', value: String(e.assignment.id), style: 'primary',
  })));
  if (upcoming.length) {
    b.text(`**${t('training.upcomingTitle')}**\n${upcoming.map((u) => `- ${t('training.upcomingLine', {
      id: u.session.id, title: u.session.title, when: formatWhen(u.session.startsAt, viewerTimezone),
      rsvp: t(`training.rsvp.${u.invite.rsvp ?? 'none'}`),
    })}`).join('\n')}`);
  }
  if (open.length) b.context(t('training.doneHint'));
  return b.build();
}

/** The DM invitation with RSVP buttons; after an answer it shows the answer and keeps the buttons. */
export function inviteMessage(t: Translator, session: TrainingSession, timezone: string, rsvp: TrainingInvite['rsvp']): Message {
  const value = (answer: string) => `${session.id}:${answer}`;
  return message()
    .header(t('training.inviteTitle', { title: session.title }))
    .text(t('training.inviteText', { manager: mention(session.createdBy), when: formatWhen(session.startsAt, timezone) }))
    .context(rsvp ? t('training.inviteAnswered', { rsvp: t(`training.rsvp.${rsvp}`) }) : '')
    .buttons([
      { label: t('training.rsvpYes'), action: 'training.rsvp', value: value('yes'), style: 'primary' },
      { label: t('training.rsvpMaybe'), action: 'training.rsvp', value: value('maybe') },
      { label: t('training.rsvpNo'), action: 'training.rsvp', value: value('no') },
    ])
    .build();
}

/** The workspace checklist template. */
export function checklistView(t: Translator, items: TrainingItem[]): Message {
  const lines = items.map((item, i) => t('training.checklistLine', { index: i + 1, title: itemTitle(t, item), days: item.dueOffsetDays }));
  return message().header(t('training.checklistTitle')).text(lines.join('\n') || t('training.checklistEmpty')).context(t('training.checklistHint')).build();
}

/** Team completion for a manager. */
export function teamView(t: Translator, rows: Array<{ memberId: number; done: number; total: number; overdue: number; invited: number; attended: number }>): Message {
  const lines = rows.map((r) => `- ${t('training.teamLine', {
    name: mention(r.memberId), done: r.done, total: r.total, attended: r.attended, invited: r.invited,
    overdue: r.overdue ? t('training.teamOverdue', { count: r.overdue }) : '',
  })}`);
  return message().header(t('training.teamTitle')).text(lines.join('\n') || t('training.teamEmpty')).build();
}
