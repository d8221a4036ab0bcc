import type { BonusProposal, BonusRules } from '../../../db/schema/incentives.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention } from '../../chat/message.ts';
import { formatMoney } from '../kpi/money.ts';
import { formatMetric } from '../kpi/views.ts';

/** Rules as two lines of text. */
export function rulesText(t: Translator, rules: BonusRules): string {
  const weights = Object.entries(rules.weightsBp).map(([metric, bp]) => `${t(`kpi.metric.${metric}`)} ${(bp ?? 0) / 100}%`).join(' · ');
  return `${t('incentives.rulesLine', { base: formatMoney(rules.baseMinor, rules.currency), min: rules.minPct, cap: rules.capPct })}\n${t('incentives.weights', { list: weights })}`;
}

/** A proposal's breakdown: one line per weighted KPI, then the total and any decision. */
export function proposalLines(t: Translator, proposal: BonusProposal, minPct: number | null): string[] {
  const lines = proposal.breakdown.map((l) => {
    const metric = t(`kpi.metric.${l.metric}`);
    const payout = formatMoney(BigInt(l.payoutMinor), proposal.currency);
    const weight = l.weightBp / 100;
    if (l.achievementBp === null) return `- ${t('incentives.lineNoTarget', { metric, weight, payout })}`;
    const achievement = `${l.achievementBp / 100}%${minPct !== null && l.achievementBp < minPct * 100 ? ` (${t('incentives.belowMin')})` : ''}`;
    const fmt = (v: string | null) => formatMetric(t, l.metric, v === null ? null : Number(v), proposal.currency);
    return `- ${t('incentives.line', { metric, weight, actual: fmt(l.actual), target: fmt(l.target), achievement, payout })}`;
  });
  const uncapped = proposal.breakdown.reduce((acc, l) => acc + BigInt(l.payoutMinor), 0n);
  let total = `**${t('incentives.proposed', { amount: formatMoney(proposal.proposedMinor, proposal.currency) })}**`;
  if (uncapped > proposal.proposedMinor) total += ` · ${t('incentives.capped', { amount: formatMoney(uncapped, proposal.currency) })}`;
  lines.push(total);
  if (proposal.status === 'approved' && proposal.approvedMinor !== null) {
    lines.push(`**${t('incentives.approved', { amount: formatMoney(proposal.approvedMinor, proposal.currency), manager: proposal.approvedBy ? mention(proposal.approvedBy) : '—' })}**`);
    if (proposal.reason) lines.push(t('incentives.reason', { reason: proposal.reason }));
  }
  return lines;
}
