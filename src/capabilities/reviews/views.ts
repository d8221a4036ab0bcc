import type { BonusProposal, BonusRules } from '../../../db/schema/incentives.ts';
import type { Member } from '../../../db/schema/members.ts';
import { REVIEW_AREAS, type Review } from '../../../db/schema/reviews.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Button, type Message } from '../../chat/message.ts';
import { proposalLines } from '../incentives/views.ts';
import { formatMetric } from '../kpi/views.ts';
import type { ReviewSnapshot } from './service.ts';

const ARROWS = { up: '↑', down: '↓', flat: '→' } as const;

/** Average of the given scores, one decimal, or null. */
export function averageScore(review: Review): number | null {
  const scores = REVIEW_AREAS.map((a) => review.ratings[a]?.score).filter((s): s is number => typeof s === 'number');
  return scores.length ? Math.round((scores.reduce((x, y) => x + y, 0) / scores.length) * 10) / 10 : null;
}

function stars(score: number): string {
  return '★'.repeat(score) + '☆'.repeat(5 - score);
}

/** Sections shared by the chat card and the Markdown export, as [title, lines]. */
function sections(t: Translator, review: Review, name: (id: number) => string): Array<[string, string[]]> {
  const snap = review.snapshot as ReviewSnapshot;
  const currency = snap.kpi.sales?.currency ?? 'CNY';
  const kpiLines = snap.kpi.lines.map((l) => {
    const target = l.target !== null ? ` / ${formatMetric(t, l.metric, l.target, currency)}${l.achievementPct !== null ? ` (${l.achievementPct}%)` : ''}` : '';
    return `${t(`kpi.metric.${l.metric}`)}: ${formatMetric(t, l.metric, l.actual, currency)}${target}${l.trend ? ` ${ARROWS[l.trend]}` : ''}`;
  });
  const highlights = snap.highlights.map((h) => `${h.score !== null ? `${'★'.repeat(h.score)} ` : ''}${h.complaint ? `(${t('reviews.complaint')}) ` : ''}${h.account}: “${h.text}”`);
  const kudos = snap.kudos
    ? [t('reviews.kudosCount', { count: snap.kudos.count }), ...snap.kudos.items.map((k) => `${name(k.giverId)}: ${k.reason}${k.valueTag ? ` #${k.valueTag}` : ''}`)]
    : [t('reviews.none')];
  const trainingTitle = (c: { title: string | null; key?: string | null }) => {
    if (c.title) return c.title;
    // Built-in onboarding items are translated by the training feature's catalog when present.
    const translated = t(`training.item.${c.key}`);
    return translated.startsWith('training.item.') ? (c.key ?? '') : translated;
  };
  const training = snap.training?.completed.length ? snap.training.completed.map((c) => `${trainingTitle(c)} (${c.at.slice(0, 10)})`) : [t('reviews.none')];
  const ratings = REVIEW_AREAS.map((area) => {
    const r = review.ratings[area];
    return `${t(`reviews.area.${area}`)}: ${r ? `${stars(r.score)} ${r.score}/5${r.comment ? ` · ${r.comment}` : ''}` : `_${t('reviews.notRated')}_`}`;
  });
  const out: Array<[string, string[]]> = [
    [t('reviews.kpiTitle'), kpiLines],
    [t('reviews.highlightsTitle'), highlights.length ? highlights : [t('reviews.noHighlights')]],
    [t('reviews.kudosTitle'), kudos],
    [t('reviews.trainingTitle'), training],
    [t('reviews.ratingsTitle'), ratings],
  ];
  if (review.summary) out.push([t('reviews.summary'), [review.summary]]);
  if (review.ackComment) out.push([t('reviews.assistantComment', { name: name(review.memberId) }), [review.ackComment]]);
  return out;
}

/**
 * The review card. `bonus` is passed only for managers: the assistant never sees the proposal
 * in the review itself.
 */
export function reviewCard(t: Translator, review: Review, member: Member, options: { bonus?: { proposal: BonusProposal; rules?: BonusRules }; buttons?: Button[] } = {}): Message {
  const builder = message()
    .header(t('reviews.title', { id: review.id, name: member.displayName, period: review.periodKey }))
    .context(t('reviews.statusLine', { status: t(`reviews.status.${review.status}`) }));
  for (const [title, lines] of sections(t, review, mention)) builder.text(`**${title}**\n${lines.map((l) => `- ${l}`).join('\n')}`);
  if (options.bonus) {
    builder.divider().text(`**${t('reviews.bonusTitle')}**\n${proposalLines(t, options.bonus.proposal, options.bonus.rules?.minPct ?? null).join('\n')}`);
  }
  if (options.buttons?.length) builder.buttons(options.buttons);
  return builder.build();
}

/** The review as a Markdown document (names spelled out, no mention tokens). */
export function reviewMarkdown(t: Translator, review: Review, names: Map<number, string>, bonus?: BonusProposal, minPct?: number): string {
  const name = (id: number) => names.get(id) ?? t('common.someone');
  const lines = [`# ${t('reviews.title', { id: review.id, name: name(review.memberId), period: review.periodKey })}`, '', t('reviews.statusLine', { status: t(`reviews.status.${review.status}`) })];
  for (const [title, items] of sections(t, review, name)) {
    lines.push('', `## ${title}`, '', ...items.map((i) => `- ${i}`));
  }
  if (bonus) {
    lines.push('', `## ${t('reviews.bonusTitle')}`, '', ...proposalLines(t, bonus, minPct ?? null).map((l) => l.replace(/<@m:(\d+)>/g, (_, id: string) => name(Number(id)))));
  }
  return lines.join('\n');
}
