import { and, asc, eq, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import { badgeAwards, type BadgeAward } from '../../../db/schema/badges.ts';
import { members, type Locale, type Member } from '../../../db/schema/members.ts';
import type { CommandContext, Outbox, Scope } from '../../chat/context.ts';
import { CORE_MESSAGES, createTranslator, mergeCatalogs, type Translator } from '../../chat/i18n/index.ts';
import { createOutbox } from '../../delivery/outbox.ts';
import { readWorkspaceSettings } from '../team/settings.ts';
import { messages } from './i18n.ts';
import { badgeAnnouncement } from './views.ts';

/** Every badge, in display order. */
export const BADGES = [
  'first_five_star', 'visits_10', 'visits_50', 'visits_100', 'touch_target_quarter', 'onboarding_complete', 'kudos_10',
] as const;
export type Badge = (typeof BADGES)[number];

/** Milestone counts behind the automatic badges. */
export interface BadgeProgress {
  fiveStar: number;
  visits: number;
  kudos: number;
  trainingTotal: number;
  trainingDone: number;
}

const THRESHOLDS: Array<{ badge: Badge; reached: (p: BadgeProgress) => boolean }> = [
  { badge: 'first_five_star', reached: (p) => p.fiveStar >= 1 },
  { badge: 'visits_10', reached: (p) => p.visits >= 10 },
  { badge: 'visits_50', reached: (p) => p.visits >= 50 },
  { badge: 'visits_100', reached: (p) => p.visits >= 100 },
  { badge: 'onboarding_complete', reached: (p) => p.trainingTotal > 0 && p.trainingDone === p.trainingTotal },
  { badge: 'kudos_10', reached: (p) => p.kudos >= 10 },
];

/** The counts for one member, in one statement. */
export async function badgeProgress(scope: Scope, memberId: number): Promise<BadgeProgress> {
  const w = scope.workspaceId;
  const [row] = await queryRows<{ five_star: number; visits: number; kudos: number; training_total: number; training_done: number }>(scope.db, sql`
    select
      (select count(*)::int from feedback where workspace_id = ${w} and member_id = ${memberId} and score = 5) as five_star,
      (select count(*)::int from touches where workspace_id = ${w} and member_id = ${memberId} and kind = 'visit') as visits,
      (select count(*)::int from kudos where workspace_id = ${w} and receiver_id = ${memberId}) as kudos,
      (select count(*)::int from training_assignments a join training_items i on i.id = a.item_id
         where a.workspace_id = ${w} and a.member_id = ${memberId} and not i.archived) as training_total,
      (select count(*)::int from training_assignments a join training_items i on i.id = a.item_id
         where a.workspace_id = ${w} and a.member_id = ${memberId} and not i.archived and a.completed_at is not null) as training_done`);
  return {
    fiveStar: Number(row?.five_star ?? 0), visits: Number(row?.visits ?? 0), kudos: Number(row?.kudos ?? 0),
    trainingTotal: Number(row?.training_total ?? 0), trainingDone: Number(row?.training_done ?? 0),
  };
}

/** Anything that can enqueue: a command context, or a bare scope (jobs, other services). */
export type BadgeTarget = CommandContext | Scope | { scope: Scope; outbox: Outbox };

let defaultOutbox: Outbox | undefined;
const catalog = mergeCatalogs([CORE_MESSAGES, messages]);

function unpack(target: BadgeTarget): { scope: Scope; outbox: Outbox; translator: (l: Locale) => Translator } {
  if ('scope' in target) {
    const ctx = target as Partial<CommandContext> & { scope: Scope; outbox: Outbox };
    return { scope: ctx.scope, outbox: ctx.outbox, translator: ctx.translatorFor ?? ((l) => createTranslator(catalog, l)) };
  }
  defaultOutbox ??= createOutbox();
  return { scope: target, outbox: defaultOutbox, translator: (l) => createTranslator(catalog, l) };
}

/**
 * Awards one badge to a member unless they already have it, and announces it as praise in the
 * team channel (or by DM when the workspace has none). Returns true when newly awarded.
 * Other capabilities call this for badges only they can judge (e.g. the KPI code awards
 * `touch_target_quarter` with the quarter as detail).
 */
export async function awardBadge(target: BadgeTarget, memberId: number, badge: Badge, detail = ''): Promise<boolean> {
  const { scope, outbox, translator } = unpack(target);
  const [member] = await scope.db.select().from(members).where(and(eq(members.workspaceId, scope.workspaceId), eq(members.id, memberId)));
  if (!member || member.isBot) return false;
  const inserted = await scope.db.insert(badgeAwards).values({ workspaceId: scope.workspaceId, memberId, badge, detail, awardedAt: scope.now })
    .onConflictDoNothing().returning({ id: badgeAwards.id });
  if (!inserted.length) return false;
  await announce(scope, outbox, translator, member, badge, detail);
  return true;
}

async function announce(scope: Scope, outbox: Outbox, translator: (l: Locale) => Translator, member: Member, badge: Badge, detail: string) {
  const settings = await readWorkspaceSettings(scope);
  const channel = typeof settings.teamChannel === 'string' && settings.teamChannel ? settings.teamChannel : undefined;
  const locale = channel ? (settings.defaultLocale ?? member.locale) : member.locale;
  const t = translator(locale);
  await outbox.enqueue(scope, channel ? { conversation: channel } : { memberId: member.id },
    badgeAnnouncement(t, member.id, badge, detail), `badge:${member.id}:${badge}`);
}

/**
 * Checks the automatic milestones for a member (first 5-star feedback, 10/50/100 visits,
 * onboarding completed, 10 kudos received) and awards any newly reached badge, once per member
 * and badge. Call it after anything that may move a milestone (a touch, feedback, kudos,
 * training completion). Returns the badges awarded now.
 */
export async function checkBadges(target: BadgeTarget, memberId: number): Promise<Badge[]> {
  const { scope } = unpack(target);
  const progress = await badgeProgress(scope, memberId);
  const reached = THRESHOLDS.filter((x) => x.reached(progress)).map((x) => x.badge);
  if (!reached.length) return [];
  const have = new Set((await badgesOf(scope, memberId)).map((b) => b.badge));
  const awarded: Badge[] = [];
  for (const badge of reached) {
    if (have.has(badge)) continue;
    if (await awardBadge(target, memberId, badge)) awarded.push(badge);
  }
  return awarded;
}

/** A member's badges, oldest first. */
export async function badgesOf(scope: Scope, memberId: number): Promise<BadgeAward[]> {
  return scope.db.select().from(badgeAwards)
    .where(and(eq(badgeAwards.workspaceId, scope.workspaceId), eq(badgeAwards.memberId, memberId)))
    .orderBy(asc(badgeAwards.awardedAt), asc(badgeAwards.id));
}
