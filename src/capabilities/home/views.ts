import type { Member } from '../../../db/schema/members.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Button, type Message } from '../../chat/message.ts';
import { daysBetween, localDate, localParts, formatClockTime, type Period } from '../../lib/time.ts';
import type { KpiLine, KpiSnapshot } from '../kpi/service.ts';
import { HOME_LIST_LIMIT, type DueAccount, type OpenComplaint, type TeamLine } from './service.ts';

/** Quick actions the home offers, when the command exists in this build. */
export const QUICK_ACTIONS = ['visit', 'touch', 'feedback', 'report'] as const;

export interface HomeData {
  member: Member;
  now: Date;
  month: Period;
  due?: DueAccount[];
  complaints?: OpenComplaint[];
  kpis?: KpiSnapshot;
  team?: TeamLine[];
  /** Quick-action commands available in this build. */
  quick: string[];
}

const SHOWN_METRICS: Array<KpiLine['metric']> = ['touches', 'visits', 'csat', 'sales', 'growth', 'ontime', 'coverage'];

function formatMetric(line: KpiLine, value: number, currency: string | undefined): string {
  switch (line.metric) {
    case 'touches': case 'visits': return String(Math.round(value));
    case 'csat': return value.toFixed(1);
    case 'sales': {
      const major = Math.trunc(value / 100);
      return `${currency ? `${currency} ` : ''}${major.toLocaleString('en-US')}`;
    }
    default: return `${value}%`;
  }
}

function kpiFields(t: Translator, snapshot: KpiSnapshot) {
  const withTargets = snapshot.lines.filter((l) => SHOWN_METRICS.includes(l.metric) && l.target !== null);
  const currency = snapshot.sales?.currency;
  if (!withTargets.length) {
    return {
      fields: [
        { label: t('home.kpi.touches'), value: String(snapshot.touches.actual) },
        { label: t('home.kpi.visits'), value: String(snapshot.visits.actual) },
      ],
      note: t('home.kpi.noTargets'),
    };
  }
  return {
    fields: withTargets.map((l) => ({
      label: t(`home.kpi.${l.metric}`),
      value: l.achievementPct !== null && l.actual !== null
        ? t('home.kpi.vsTarget', { actual: formatMetric(l, l.actual, currency), target: formatMetric(l, l.target!, currency), pct: l.achievementPct })
        : t('home.kpi.noTarget', { actual: l.actual === null ? '—' : formatMetric(l, l.actual, currency) }),
    })),
    note: '',
  };
}

function dueLine(t: Translator, d: DueAccount, member: Member, now: Date): string {
  if (d.status === 'never') return t('home.due.never', { name: d.name, tier: d.tier });
  if (d.status === 'overdue') return t('home.due.overdue', { name: d.name, tier: d.tier, days: d.overdueDays, last: localDate(d.lastTouchAt!, member.timezone) });
  const days = Math.max(0, daysBetween(localDate(now, member.timezone), localDate(d.dueAt!, member.timezone)));
  return t('home.due.soon', { name: d.name, tier: d.tier, when: days === 0 ? t('home.due.today') : t('home.due.inDays', { days }) });
}

function listWithMore(t: Translator, lines: string[]): string {
  if (lines.length <= HOME_LIST_LIMIT) return lines.join('\n');
  return [...lines.slice(0, HOME_LIST_LIMIT), t('home.moreNotShown', { count: lines.length - HOME_LIST_LIMIT })].join('\n');
}

function quickButtons(t: Translator, quick: string[]): Button[] {
  return [
    ...quick.map((command, i): Button => ({ label: t(`home.quick.${command}`), action: 'home.quick', value: command, ...(i === 0 ? { style: 'primary' as const } : {}) })),
    { label: t('home.quick.refresh'), action: 'home.refresh', value: 'home' },
  ];
}

/**
 * The home view as a neutral message. Assistants see their accounts due for a touch, open
 * complaints and this month's KPIs; managers see their team at a glance. Both get quick actions.
 */
export function homeView(t: Translator, data: HomeData): Message {
  const { member, now, month } = data;
  const b = message().header(t('home.title', { name: member.displayName })).text(t('home.intro'));
  b.buttons(quickButtons(t, data.quick));
  if (data.team) {
    b.divider().text(t('home.team.title', { period: month.key }));
    b.text(data.team.length
      ? listWithMore(t, data.team.map((l) => t('home.team.line', { name: mention(l.member.id), touches: l.touches, overdue: l.overdue, complaints: l.complaints })))
      : t('home.team.none'));
  }
  if (data.due) {
    b.divider().text(t('home.due.title'));
    b.text(data.due.length ? listWithMore(t, data.due.map((d) => dueLine(t, d, member, now))) : t('home.due.none'));
  }
  if (data.complaints) {
    b.divider().text(t('home.complaints.title', { count: data.complaints.length }));
    b.text(data.complaints.length
      ? listWithMore(t, data.complaints.map((c) => t('home.complaints.line', {
        account: c.account, text: c.text.replace(/\s+/g, ' ').slice(0, 80), status: t(`accounts.complaintStatus.${c.status}`), date: localDate(c.receivedAt, member.timezone),
      })))
      : t('home.complaints.none'));
  }
  if (data.kpis) {
    const { fields, note } = kpiFields(t, data.kpis);
    b.divider().text(t('home.kpi.title', { period: month.key })).fields(fields).context(note);
  }
  const parts = localParts(now, member.timezone);
  b.context(t('home.updated', { time: `${parts.date} ${formatClockTime(parts.hour * 60 + parts.minute)}`, timezone: member.timezone }));
  return b.fallback(t('home.title', { name: member.displayName })).build();
}
