import type { TargetMetric } from '../../../db/schema/kpi.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Message } from '../../chat/message.ts';
import { formatMoney } from './money.ts';
import type { KpiLine, KpiSnapshot, Trend } from './service.ts';

const ARROWS: Record<Trend, string> = { up: '↑', down: '↓', flat: '→' };

/** Formats one metric value for people (sales in the snapshot's currency). */
export function formatMetric(t: Translator, metric: KpiLine['metric'], value: number | null, currency: string): string {
  if (value === null) return '—';
  switch (metric) {
    case 'touches': case 'visits': return String(Math.round(value * 10) / 10);
    case 'csat': return String(Number(value.toFixed(2)));
    case 'sales': return formatMoney(BigInt(Math.round(value)), currency);
    case 'growth': case 'yoy': return `${value > 0 ? '+' : ''}${value}%`;
    case 'ontime': case 'coverage': return `${value}%`;
    case 'resolution': return t('kpi.hours', { value });
  }
}

/** "2026-11 · month" style label. */
export function periodLabel(t: Translator, snapshot: KpiSnapshot): string {
  return `${snapshot.period.key} (${t(`kpi.period.${snapshot.periodKind}`)})`;
}

function lineText(t: Translator, snapshot: KpiSnapshot, line: KpiLine): string {
  const currency = snapshot.sales?.currency ?? 'CNY';
  const parts: string[] = [formatMetric(t, line.metric, line.actual, currency)];
  if (line.metric === 'csat') parts[0] += ` (${t('kpi.count', { count: snapshot.csat.count })})`;
  if (line.metric === 'coverage') parts[0] += ` (${t('kpi.ofAccounts', { covered: snapshot.coverage.covered, assigned: snapshot.coverage.assigned })})`;
  if (line.metric === 'ontime' && snapshot.reports.expected) parts[0] += ` (${t('kpi.ofReports', { onTime: snapshot.reports.onTime, expected: snapshot.reports.expected })})`;
  if (line.target !== null) {
    parts.push(t('kpi.target', { value: formatMetric(t, line.metric, line.target, currency) }) + (line.achievementPct !== null ? ` · ${line.achievementPct}%` : ''));
  } else if (line.metric !== 'yoy' && line.metric !== 'resolution') {
    parts.push(`_${t('kpi.noTarget')}_`);
  }
  if (line.expected !== null && snapshot.elapsedShare < 1) parts.push(t('kpi.pace', { value: formatMetric(t, line.metric, line.expected, currency) }));
  if (line.trend) parts.push(ARROWS[line.trend]);
  return parts.join(' · ');
}

/** A member's KPI card: one line per metric with target, pace and trend. */
export function kpiCard(t: Translator, member: Member, snapshot: KpiSnapshot): Message {
  const fields = snapshot.lines.map((line) => ({ label: t(`kpi.metric.${line.metric}`), value: lineText(t, snapshot, line) }));
  return message()
    .header(t('kpi.title', { name: member.displayName, period: periodLabel(t, snapshot) }))
    .fields(fields)
    .context(t('kpi.elapsed', { percent: Math.round(snapshot.elapsedShare * 100), period: t(`kpi.period.${snapshot.periodKind}`), timezone: snapshot.timezone }))
    .build();
}

const TEAM_METRICS: Array<KpiLine['metric']> = ['touches', 'visits', 'csat', 'sales', 'growth', 'coverage', 'ontime'];

/** The manager's team table: one line per assistant, key metrics with target and trend. */
export function teamTable(t: Translator, people: Member[], snapshots: Map<number, KpiSnapshot>, periodKindLabel: string): Message {
  const lines: string[] = [];
  for (const person of people) {
    const s = snapshots.get(person.id);
    if (!s) continue;
    const currency = s.sales?.currency ?? 'CNY';
    const cells = s.lines.filter((l) => TEAM_METRICS.includes(l.metric)).map((l) => {
      const value = formatMetric(t, l.metric, l.actual, currency);
      const target = l.target !== null ? `/${formatMetric(t, l.metric, l.target, currency)}` : '';
      return `${t(`kpi.metric.${l.metric}`)} ${value}${target}${l.trend ? ` ${ARROWS[l.trend]}` : ''}`;
    });
    lines.push(`- **${mention(person.id)}** (${s.period.key}): ${cells.join(' · ')}`);
  }
  return message()
    .header(t('kpi.teamTitle', { period: periodKindLabel }))
    .text(lines.join('\n'))
    .context(t('kpi.teamHint'))
    .build();
}

/** A list of targets, e.g. "touches 40 · CSAT 4.5". */
export function targetList(t: Translator, targets: Partial<Record<TargetMetric, number>>, currency: string): string {
  const entries = Object.entries(targets) as Array<[TargetMetric, number]>;
  return entries.map(([metric, value]) => `${t(`kpi.metric.${metric}`)} ${formatMetric(t, metric, value, currency)}`).join(' · ');
}
