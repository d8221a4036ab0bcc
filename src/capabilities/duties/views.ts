import type { Account } from '../../../db/schema/accounts.ts';
import type { Duty } from '../../../db/schema/duties.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { message, type Message } from '../../chat/message.ts';
import { addDays, localDate, periodContaining } from '../../lib/time.ts';
import type { AccountCadence, DefaultDuty } from './service.ts';

/** One duty as a bullet: "#12 Weekly call with Acme (weekly · Acme Corp)". */
export function dutyLine(t: Translator, duty: Pick<Duty, 'description' | 'cadence'> & { id: number | null }, accountName?: string): string {
  const extra = [t(`duties.cadence.${duty.cadence}`), accountName].filter(Boolean).join(' · ');
  return `- ${duty.id !== null ? `#${duty.id} ` : ''}${duty.description} _(${extra})_`;
}

/**
 * The duty card: duties by area, assigned accounts with cadence and last touch, and what is
 * due this week in the member's time zone (cadenced duties plus accounts whose next touch is due).
 */
export function dutyCard(t: Translator, member: Member, list: Duty[], accountsById: Map<number, Pick<Account, 'name'>>, cadences: AccountCadence[], now: Date): Message {
  const tz = member.timezone;
  const today = localDate(now, tz);
  const week = periodContaining('week', now, tz);
  const weekEnd = addDays(localDate(week.end, tz), -1);
  const builder = message().header(t('duties.title', { name: member.displayName }));

  const areas = [...new Set(list.map((d) => d.area))];
  builder.text(areas.length
    ? areas.map((area) => `**${t(`duties.area.${area}`)}**\n${list.filter((d) => d.area === area)
      .map((d) => dutyLine(t, d, d.accountId ? accountsById.get(d.accountId)?.name : undefined)).join('\n')}`).join('\n')
    : t('duties.none'));

  const accountLines: string[] = [];
  const due: Array<{ date: string; text: string }> = [];
  for (const a of cadences) {
    const last = a.lastTouchAt ? localDate(a.lastTouchAt, tz) : null;
    const next = last ? addDays(last, a.cadenceDays) : today;
    accountLines.push(`- ${t('duties.accountLine', {
      account: a.name, tier: a.tier, days: a.cadenceDays,
      last: last ? t('duties.lastTouch', { date: last }) : t('duties.neverTouched'), due: next,
    })}`);
    if (next <= weekEnd) {
      due.push({ date: next, text: next < today ? `⚠️ ${t('duties.touchDue', { account: a.name, date: next })} · ${t('duties.overdue', { date: next })}` : t('duties.touchDue', { account: a.name, date: next }) });
    }
  }
  builder.text(`**${t('duties.accountsTitle')}**\n${accountLines.join('\n') || t('duties.noAccounts')}`);

  const monthEnd = addDays(localDate(periodContaining('month', now, tz).end, tz), -1);
  for (const d of list) {
    if (d.cadence === 'daily') due.push({ date: today, text: `${d.description} · ${t('duties.everyWorkday')}` });
    if (d.cadence === 'weekly') due.push({ date: weekEnd, text: `${d.description} · ${t('duties.thisWeek')}` });
    if (d.cadence === 'monthly' && monthEnd <= weekEnd) due.push({ date: monthEnd, text: `${d.description} · ${t('duties.byMonthEnd', { date: monthEnd })}` });
  }
  due.sort((a, b) => a.date.localeCompare(b.date));
  builder.text(`**${t('duties.dueTitle', { week: week.key })}**\n${due.map((d) => `- ${d.text}`).join('\n') || t('duties.nothingDue')}`);
  return builder.build();
}

/** The workspace's default duty list. */
export function defaultsCard(t: Translator, builtIn: boolean, items: DefaultDuty[]): Message {
  return message()
    .header(t('duties.defaultsTitle'))
    .text(items.map((d) => `${dutyLine(t, d)} · ${t(`duties.area.${d.area}`)}`).join('\n') || t('duties.none'))
    .context(builtIn ? t('duties.defaultsBuiltIn') : t('duties.defaultsEditHint'))
    .build();
}
