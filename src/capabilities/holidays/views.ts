import type { Translator } from '../../chat/i18n/index.ts';
import { message, type Button, type Message } from '../../chat/message.ts';
import { addDays } from '../../lib/time.ts';
import type { DayInfo, GreetingReminder } from './service.ts';

/** The display name of a calendar day: an admin-typed name or the translated built-in one. */
export function dayName(t: Translator, day: Pick<DayInfo, 'code' | 'name'>): string {
  return day.name || (day.code ? t(`holidays.name.${day.code}`) : '');
}

/** Holidays and make-up days, consecutive days with the same name and kind shown as one range. */
export function calendarList(t: Translator, from: string, to: string, days: DayInfo[], calendars: string): Message {
  const groups: Array<{ first: DayInfo; last: DayInfo }> = [];
  for (const day of days) {
    const prev = groups[groups.length - 1];
    if (prev && prev.last.kind === day.kind && dayName(t, prev.last) === dayName(t, day) && addDays(prev.last.date, 1) === day.date) prev.last = day;
    else groups.push({ first: day, last: day });
  }
  const lines = groups.map(({ first, last }) => {
    const when = first.date === last.date ? first.date : `${first.date} – ${last.date.slice(5)}`;
    const notes = [t(`holidays.kind.${first.kind}`)];
    if (first.provisional) notes.push(t('holidays.provisional'));
    if (first.source === 'custom') notes.push(t('holidays.custom'));
    const icon = first.kind === 'holiday' ? '🏮' : '💼';
    return `${icon} ${when} **${dayName(t, first)}** · _${notes.join(', ')}_`;
  });
  return message()
    .header(t('holidays.listTitle', { from, to }))
    .text(lines.length ? lines.join('\n') : t('holidays.listEmpty'))
    .context(t('holidays.listHint', { calendars }))
    .build();
}

/**
 * The greeting reminder for one assistant and festival: the accounts still to greet, each with
 * a one-click "Log greeting" button (action `greeting.log`).
 */
export function greetingReminderMessage(t: Translator, reminder: GreetingReminder): Message {
  const festival = t(`holidays.name.${reminder.festival}`);
  const b = message()
    .header(reminder.daysLeft === 0 ? t('holidays.reminderToday', { festival }) : t('holidays.reminderTitle', { festival, date: reminder.festivalDate }))
    .text(reminder.daysLeft === 0 ? t('holidays.reminderDaysToday') : t('holidays.reminderDays', { days: reminder.daysLeft }))
    .text(reminder.accounts.map((a) => `- ${a.name}`).join('\n'));
  const buttons: Button[] = reminder.accounts.map((a) => ({
    label: t('holidays.logButton', { account: a.name }).slice(0, 75),
    action: 'greeting.log',
    value: `${a.id}|${reminder.festival}|${reminder.festivalDate}`,
    style: 'primary',
  }));
  // Small rows: Slack caps an actions block at 25 elements and Lark cards read better short.
  for (let i = 0; i < buttons.length && i < 50; i += 5) b.buttons(buttons.slice(i, i + 5));
  return b.context(t('holidays.reminderHint')).build();
}
