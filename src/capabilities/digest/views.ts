import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Message } from '../../chat/message.ts';
import type { KpiLine } from '../kpi/service.ts';
import type { AssistantDigest, Digest, TopAction } from './service.ts';

function countLine(t: Translator, key: string, line: KpiLine | undefined): string {
  const actual = line?.actual ?? 0;
  const target = line?.target ? t('digest.vsTarget', { target: line.target, pct: line.achievementPct ?? 0 }) : '';
  return t(key, { actual, target, trend: line?.trend ? t(`digest.trend.${line.trend}`) : '' }).trim();
}

function assistantBlock(t: Translator, a: AssistantDigest): string {
  const lines = a.kpi?.lines ?? [];
  const csat = a.kpi?.csat.avg;
  const missed = a.reportsExpected - a.reportsSubmitted;
  const parts = [
    countLine(t, 'digest.touches', lines.find((l) => l.metric === 'touches')),
    countLine(t, 'digest.visits', lines.find((l) => l.metric === 'visits')),
    csat === null || csat === undefined ? t('digest.csatNone') : t('digest.csat', { value: csat.toFixed(1) }),
  ];
  const second = [
    t('digest.reports', { submitted: a.reportsSubmitted, expected: a.reportsExpected }) + (missed > 0 ? t('digest.reportsMissed', { missed }) : ''),
    t('digest.complaints', { count: a.openComplaints }),
    t('digest.kudos', { received: a.kudosReceived, given: a.kudosGiven }),
  ];
  return `**${mention(a.member.id)}**\n- ${parts.join(' · ')}\n- ${second.join(' · ')}`;
}

function actionText(t: Translator, a: TopAction): string {
  const name = mention(a.memberId);
  switch (a.kind) {
    case 'complaints': return t('digest.action.complaints', { name, count: a.count });
    case 'overdueItems': return t('digest.action.overdueItems', { name, count: a.count });
    case 'reports': return t('digest.action.reports', { name, missed: a.missed });
    case 'pace': return t('digest.action.pace', { name, pct: a.pct });
    case 'recognise': return t('digest.action.recognise', { name });
    case 'risk': {
      const why = a.csat !== null && a.csat < 3.5 ? t('digest.action.riskCsat', { csat: a.csat.toFixed(1) })
        : a.days === null ? t('digest.action.riskNever') : t('digest.action.riskDays', { days: a.days });
      return t('digest.action.risk', { name, account: a.accountName, why });
    }
  }
}

/** The manager weekly digest (周报). */
export function digestMessage(t: Translator, d: Digest): Message {
  const b = message().header(t('digest.title', { week: d.weekKey, from: d.weekStart, to: d.weekEnd }));
  if (!d.assistants.length) return b.text(t('digest.noAssistants')).build();
  b.text(`**${t('digest.topActions')}**\n${d.topActions.length ? d.topActions.map((a, i) => `${i + 1}. ${actionText(t, a)}`).join('\n') : t('digest.nothingUrgent')}`);
  b.divider();
  for (const a of d.assistants) b.text(assistantBlock(t, a));
  b.divider();
  const risks = d.atRisk.slice(0, 10).map((r) => {
    const base = { account: r.name, tier: r.tier, assistant: mention(r.assistantId), cadence: r.cadenceDays };
    if (r.reason === 'csat') return `- ${t('digest.riskCsat', { ...base, csat: (r.csat ?? 0).toFixed(1) })}`;
    return `- ${r.daysSinceTouch === null ? t('digest.riskNever', base) : t('digest.riskCadence', { ...base, days: r.daysSinceTouch })}`
      + (r.reason === 'both' ? ` · ${t('digest.action.riskCsat', { csat: (r.csat ?? 0).toFixed(1) })}` : '');
  });
  b.text(`**${t('digest.atRisk')}**\n${risks.length ? risks.join('\n') : t('digest.noRisk')}`);
  const overdue = d.overdueItems.slice(0, 10).map((i) => `- ${t('digest.overdueLine', { id: i.id, owner: mention(i.ownerId), task: i.task, date: i.dueDate })}`);
  b.text(`**${t('digest.overdueItems')}**\n${overdue.length ? overdue.join('\n') : t('digest.noOverdue')}`);
  const quiet = d.assistants.filter((a) => !a.recognisedRecently).map((a) => mention(a.member.id));
  b.context(quiet.length ? t('digest.notRecognised', { names: quiet.join(', ') }) : t('digest.everyoneRecognised'));
  return b.context(t('digest.footer')).build();
}
