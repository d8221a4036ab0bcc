import type { BadgeAward } from '../../../db/schema/badges.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Message } from '../../chat/message.ts';
import { localDate } from '../../lib/time.ts';
import type { Badge, BadgeProgress } from './service.ts';

/** The public praise post for a newly earned badge. */
export function badgeAnnouncement(t: Translator, memberId: number, badge: Badge, detail: string): Message {
  return message()
    .text(t('badges.announce', { name: mention(memberId), badge: t(`badges.name.${badge}`), detail: detail ? ` (${detail})` : '' }))
    .context(t('badges.announceHint'))
    .build();
}

/** A member's badge card: earned badges, then progress towards the next ones. */
export function badgeCard(t: Translator, memberId: number, earned: BadgeAward[], progress: BadgeProgress, all: readonly Badge[], timezone: string): Message {
  const have = new Set(earned.map((e) => e.badge));
  const lines = earned.map((e) => `- ${t(`badges.name.${e.badge}`)}${e.detail ? ` (${e.detail})` : ''} · _${t('badges.earnedOn', { date: localDate(e.awardedAt, timezone) })}_`);
  const next: string[] = [];
  for (const badge of all) {
    if (have.has(badge)) continue;
    const name = t(`badges.name.${badge}`);
    if (badge.startsWith('visits_')) {
      const target = Number(badge.slice(7));
      if (!next.some((n) => n.includes('🚗') || n.includes('🏅') || n.includes('🏆'))) next.push(`- ${name}: ${t('badges.progress.visits', { current: progress.visits, target })}`);
    } else if (badge === 'kudos_10') next.push(`- ${name}: ${t('badges.progress.kudos', { current: progress.kudos, target: 10 })}`);
    else if (badge === 'onboarding_complete' && progress.trainingTotal > 0) next.push(`- ${name}: ${t('badges.progress.training', { current: progress.trainingDone, target: progress.trainingTotal })}`);
    else if (badge === 'first_five_star') next.push(`- ${name}: ${t('badges.progress.fiveStar')}`);
    else if (badge === 'touch_target_quarter') next.push(`- ${name}: ${t('badges.progress.quarter')}`);
  }
  return message()
    .header(t('badges.title', { name: mention(memberId) }))
    .text(lines.length ? lines.join('\n') : t('badges.none'))
    .text(next.length ? `**${t('badges.nextTitle')}**\n${next.join('\n')}` : '')
    .build();
}
