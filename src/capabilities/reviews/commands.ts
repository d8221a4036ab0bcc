import { and, eq, inArray } from 'drizzle-orm';
import { members, type Member } from '../../../db/schema/members.ts';
import { REVIEW_AREAS, type Review, type ReviewArea, type ReviewRating } from '../../../db/schema/reviews.ts';
import type { CommandContext } from '../../chat/context.ts';
import { FormValidationError, UserError } from '../../chat/errors.ts';
import type { FormField } from '../../chat/forms.ts';
import { mention, message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability } from '../../chat/registry.ts';
import { ephemeral, openForm } from '../../chat/reply.ts';
import { parsePeriodKey } from '../../lib/time.ts';
import { incentivesService } from '../incentives/service.ts';
import { teamMembersFor } from '../kpi/commands.ts';
import { canActOn, isLead, looksLikeMember, requireCanActOn, requireRole, resolveMemberArg } from '../team/access.ts';
import { getMember } from '../team/directory.ts';
import { messages } from './i18n.ts';
import { gatherSnapshots, reviewsService } from './service.ts';
import { averageScore, reviewCard, reviewMarkdown } from './views.ts';

const USAGE = 'review';
const MAX_COMMENT = 1000;

function parseId(raw: string | undefined): number {
  const id = raw?.replace(/^#/, '');
  if (!id) throw new UserError('reviews.idRequired', {}, USAGE);
  if (!/^\d{1,9}$/.test(id)) throw new UserError('reviews.notFound', { id: id.slice(0, 20) }, USAGE);
  return Number(id);
}

/** A review the acting member may see, with its subject; drafts are only for leads. */
async function loadVisible(ctx: CommandContext, id: number): Promise<{ review: Review; member: Member }> {
  const review = await reviewsService.get(ctx.scope, id);
  const member = review ? await getMember(ctx.scope, review.memberId) : undefined;
  if (!review || !member) throw new UserError('reviews.notFound', { id }, USAGE);
  const self = member.id === ctx.member.id;
  const lead = !self && isLead(ctx.member) && canActOn(ctx.member, member);
  if (!lead && !(self && review.status !== 'draft')) throw new UserError('reviews.notFound', { id }, USAGE);
  return { review, member };
}

/** Same, but only for the reviewer side (manager of the member or admin). */
async function loadManaged(ctx: CommandContext, id: number): Promise<{ review: Review; member: Member }> {
  requireRole(ctx, 'manager');
  const found = await loadVisible(ctx, id);
  if (found.member.id === ctx.member.id) throw new UserError('reviews.notFound', { id }, USAGE);
  return found;
}

async function bonusFor(ctx: CommandContext, review: Review) {
  const proposal = await incentivesService.byReview(ctx.scope, review.id) ?? await incentivesService.proposalFor(ctx.scope, review.memberId, review.periodKey);
  if (!proposal) return undefined;
  return { proposal, rules: await incentivesService.rules(ctx.scope) };
}

async function start(ctx: CommandContext, args: Args) {
  const { scope, t } = ctx;
  requireRole(ctx, 'manager');
  const raw = args.shift();
  if (!raw) throw new UserError('reviews.quarterRequired', {}, USAGE);
  const quarter = /^\d{4}-?Q[1-4]$/i.test(raw) ? parsePeriodKey(raw, 'UTC') : null;
  if (!quarter) throw new UserError('reviews.badQuarter', { value: raw.slice(0, 20) }, USAGE);
  // Local quarters run from UTC−12 to UTC+14: 15 hours before the UTC end is inside every one of them.
  if (quarter.start.getTime() - 14 * 3_600_000 > scope.now.getTime()) throw new UserError('reviews.notStarted', { period: quarter.key }, USAGE);
  const team = await teamMembersFor(ctx);
  if (!team.length) return ephemeral(message().text(t('reviews.noTeam')).build());
  const existing = await reviewsService.existing(scope, team.map((m) => m.id), quarter.key);
  const todo = team.filter((m) => !existing.some((r) => r.memberId === m.id));
  const at = new Date(Math.min(scope.now.getTime(), quarter.end.getTime() - 15 * 3_600_000));
  const complete = scope.now.getTime() >= quarter.end.getTime() + 12 * 3_600_000;
  const snapshots = await gatherSnapshots(scope, todo.map((m) => m.id), quarter, at, complete);
  const created = await reviewsService.createDrafts(scope, ctx.member.id, quarter.key, snapshots);
  const rules = await incentivesService.rules(scope);
  if (rules) for (const review of created) await incentivesService.propose(scope, rules, review.memberId, quarter.key, review.id, snapshots.get(review.memberId)!.kpi);
  const builder = message();
  if (created.length) {
    builder.text(t('reviews.started', { count: created.length, period: quarter.key, list: created.map((r) => `#${r.id} ${mention(r.memberId)}`).join(', ') }));
    builder.buttons(created.slice(0, 20).map((r) => ({ label: t('reviews.rateButton', { id: r.id }), action: 'review.rate', value: String(r.id) })));
  }
  if (existing.length) builder.context(t('reviews.alreadyStarted', { period: quarter.key, list: existing.map((r) => `#${r.id} ${mention(r.memberId)}`).join(', ') }));
  return ephemeral(builder.build());
}

function ratingForm(ctx: CommandContext, review: Review) {
  const { t } = ctx;
  const options = [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: `${n} ${'★'.repeat(n)}` }));
  const fields: FormField[] = [];
  for (const area of REVIEW_AREAS) {
    const current = review.ratings[area];
    const label = t(`reviews.area.${area}`);
    fields.push({ name: `${area}.score`, label: t('reviews.scoreLabel', { area: label }), kind: 'select', required: true, options, initial: current ? String(current.score) : undefined });
    fields.push({ name: `${area}.comment`, label: t('reviews.commentLabel', { area: label }), kind: 'textarea', maxLength: MAX_COMMENT, initial: current?.comment });
  }
  fields.push({ name: 'summary', label: t('reviews.summaryLabel'), kind: 'textarea', maxLength: MAX_COMMENT * 2, initial: review.summary || undefined });
  return openForm({ id: 'review.rate', title: t('reviews.formTitle', { id: review.id, period: review.periodKey }), submitLabel: t('reviews.formSubmit'), fields, state: String(review.id) });
}

async function rate(ctx: CommandContext, id: number) {
  const { review } = await loadManaged(ctx, id);
  if (review.status !== 'draft') throw new UserError('reviews.notDraft', { id }, USAGE);
  return ratingForm(ctx, review);
}

async function submitRatings(ctx: CommandContext, values: Record<string, string>, state: string | undefined) {
  const { t } = ctx;
  const id = parseId(state);
  const { review } = await loadManaged(ctx, id);
  if (review.status !== 'draft') throw new UserError('reviews.notDraft', { id }, USAGE);
  const errors: Record<string, string> = {};
  const ratings: Partial<Record<ReviewArea, ReviewRating>> = {};
  for (const area of REVIEW_AREAS) {
    const raw = (values[`${area}.score`] ?? '').trim();
    const comment = (values[`${area}.comment`] ?? '').trim();
    if (!/^[1-5]$/.test(raw)) errors[`${area}.score`] = t('reviews.scoreRequired');
    if (comment.length > MAX_COMMENT) errors[`${area}.comment`] = t('reviews.commentTooLong', { max: MAX_COMMENT });
    ratings[area] = { score: Number(raw), comment };
  }
  const summary = (values.summary ?? '').trim();
  if (summary.length > MAX_COMMENT * 2) errors.summary = t('reviews.commentTooLong', { max: MAX_COMMENT * 2 });
  if (Object.keys(errors).length) throw new FormValidationError(errors);
  await reviewsService.saveRatings(ctx.scope, id, ratings, summary);
  return ephemeral(message().text(t('reviews.ratingsSaved', { id }))
    .buttons([{ label: t('reviews.shareButton', { id }), action: 'review.share', value: String(id), style: 'primary' }]).build());
}

async function share(ctx: CommandContext, id: number) {
  const { t, scope } = ctx;
  const { review, member } = await loadManaged(ctx, id);
  if (review.status !== 'draft') throw new UserError('reviews.notDraft', { id }, USAGE);
  const missing = REVIEW_AREAS.filter((a) => !review.ratings[a]);
  if (missing.length) throw new UserError('reviews.notRatedYet', { id, missing: missing.map((a) => t(`reviews.area.${a}`)).join(', ') }, USAGE);
  await reviewsService.share(scope, id);
  const shared = (await reviewsService.get(scope, id))!;
  const mt = ctx.translatorFor(member.locale);
  await ctx.outbox.enqueue(scope, { memberId: member.id }, message()
    .text(mt('reviews.sharedDm', { period: review.periodKey, manager: mention(ctx.member.id) })).build(), `review-shared-note:${id}`);
  await ctx.outbox.enqueue(scope, { memberId: member.id },
    reviewCard(mt, shared, member, { buttons: [{ label: mt('reviews.ackButton'), action: 'review.ack', value: String(id), style: 'primary' }] }),
    `review-shared:${id}`);
  return ephemeral(message().text(t('reviews.shared', { id, name: mention(member.id) })).build());
}

async function acknowledge(ctx: CommandContext, id: number | undefined, comment: string) {
  const { t, scope } = ctx;
  if (comment.length > MAX_COMMENT) throw new UserError('error.tooLong', { field: 'comment', length: comment.length, max: MAX_COMMENT }, USAGE);
  let review: Review | undefined;
  if (id !== undefined) {
    review = (await loadVisible(ctx, id)).review;
    if (review.memberId !== ctx.member.id) throw new UserError('reviews.notYours', {}, USAGE);
    if (review.status !== 'shared') throw new UserError('reviews.nothingToAck', {}, USAGE);
  } else {
    review = await reviewsService.latestShared(scope, ctx.member.id);
    if (!review) throw new UserError('reviews.nothingToAck', {}, USAGE);
  }
  await reviewsService.acknowledge(scope, review.id, comment || null);
  if (review.managerId) {
    const manager = await getMember(scope, review.managerId);
    if (manager) {
      const mt = ctx.translatorFor(manager.locale);
      const text = comment
        ? mt('reviews.ackedDmComment', { name: mention(ctx.member.id), period: review.periodKey, comment })
        : mt('reviews.ackedDm', { name: mention(ctx.member.id), period: review.periodKey });
      await ctx.outbox.enqueue(scope, { memberId: manager.id }, message().text(text).build(), `review-ack:${review.id}`);
    }
  }
  return ephemeral(message().text(t('reviews.acknowledged', { period: review.periodKey })).build());
}

async function show(ctx: CommandContext, id: number) {
  const { review, member } = await loadVisible(ctx, id);
  const managerView = member.id !== ctx.member.id;
  const buttons = managerView && review.status === 'draft'
    ? [{ label: ctx.t('reviews.rateButton', { id }), action: 'review.rate', value: String(id) }, { label: ctx.t('reviews.shareButton', { id }), action: 'review.share', value: String(id) }]
    : !managerView && review.status === 'shared' ? [{ label: ctx.t('reviews.ackButton'), action: 'review.ack', value: String(id), style: 'primary' as const }] : [];
  return ephemeral(reviewCard(ctx.t, review, member, { bonus: managerView ? await bonusFor(ctx, review) : undefined, buttons }));
}

async function list(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  let people: Member[];
  const token = args.shift();
  if (token) {
    const member = await resolveMemberArg(ctx, token, USAGE);
    requireCanActOn(ctx, member);
    people = [member];
  } else if (isLead(ctx.member)) {
    people = await teamMembersFor(ctx);
  } else {
    people = [ctx.member];
  }
  const rows = (await reviewsService.history(scope, people.map((p) => p.id)))
    .filter((r) => r.memberId !== ctx.member.id || r.status !== 'draft');
  const lines = rows.map((r) => {
    const avg = averageScore(r);
    return `- ${t('reviews.historyLine', { id: r.id, period: r.periodKey, name: mention(r.memberId), status: t(`reviews.status.${r.status}`) })}${avg !== null ? ` · ${t('reviews.average', { score: avg })}` : ''}`;
  });
  return ephemeral(message().header(t('reviews.historyTitle')).text(lines.join('\n') || t('reviews.historyEmpty')).build());
}

async function exportMarkdown(ctx: CommandContext, id: number) {
  const { scope, t } = ctx;
  const { review, member } = await loadVisible(ctx, id);
  const managerView = member.id !== ctx.member.id;
  const snapshot = review.snapshot as { kudos?: { items: Array<{ giverId: number }> } | null };
  const ids = [review.memberId, ...(review.managerId ? [review.managerId] : []), ...(snapshot.kudos?.items.map((k) => k.giverId) ?? [])];
  const bonus = managerView ? await bonusFor(ctx, review) : undefined;
  if (bonus?.proposal.approvedBy) ids.push(bonus.proposal.approvedBy);
  const people = await scope.db.select({ id: members.id, name: members.displayName }).from(members)
    .where(and(eq(members.workspaceId, scope.workspaceId), inArray(members.id, [...new Set(ids)])));
  const markdown = reviewMarkdown(t, review, new Map(people.map((p) => [p.id, p.name])), bonus?.proposal, bonus?.rules?.minPct);
  return ephemeral(message().context(t('reviews.exportTitle', { id })).text(markdown).fallback(markdown.slice(0, 300)).build());
}

async function reviewCommand(ctx: CommandContext, args: Args) {
  if (looksLikeMember(args.peek())) return list(ctx, args);
  const sub = args.shift()?.toLowerCase();
  if (!sub || ['list', 'history', '记录', '历史', '列表'].includes(sub)) return list(ctx, args);
  if (['start', '开始', '发起'].includes(sub)) return start(ctx, args);
  if (['rate', '评分'].includes(sub)) return rate(ctx, parseId(args.shift()));
  if (['share', '发送', '分享'].includes(sub)) return share(ctx, parseId(args.shift()));
  if (['show', 'view', '查看'].includes(sub)) return show(ctx, parseId(args.shift()));
  if (['export', '导出'].includes(sub)) return exportMarkdown(ctx, parseId(args.shift()));
  if (['ack', 'acknowledge', '确认'].includes(sub)) {
    const first = args.peek();
    const id = first && /^#?\d{1,9}$/.test(first) ? parseId(args.shift()) : undefined;
    return acknowledge(ctx, id, args.rest());
  }
  if (/^#?\d{1,9}$/.test(sub)) return show(ctx, parseId(sub));
  throw new UserError('reviews.unknownSubcommand', { value: sub.slice(0, 40) }, USAGE);
}

/** Quarterly reviews (绩效评估). */
export function createReviewsCapability(): Capability {
  return {
    name: 'reviews',
    messages,
    commands: [{ name: 'review', aliases: ['评估', 'reviews', '绩效评估'], run: reviewCommand }],
    actions: [
      { id: 'review.rate', run: (ctx, value) => rate(ctx, parseId(value)) },
      { id: 'review.share', run: (ctx, value) => share(ctx, parseId(value)) },
      { id: 'review.ack', run: (ctx, value) => acknowledge(ctx, parseId(value), '') },
    ],
    forms: [{ id: 'review.rate', submit: submitRatings }],
  };
}
