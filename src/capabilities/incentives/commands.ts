import type { BonusProposal } from '../../../db/schema/incentives.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { mention, message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability } from '../../chat/registry.ts';
import { ephemeral } from '../../chat/reply.ts';
import { teamMembersFor } from '../kpi/commands.ts';
import { formatMoney, parseAmount } from '../kpi/money.ts';
import { reviewsService } from '../reviews/service.ts';
import { canActOn, looksLikeMember, requireCanActOn, requireRole, resolveMemberArg } from '../team/access.ts';
import { getMember } from '../team/directory.ts';
import { messages } from './i18n.ts';
import { incentivesService, parseRules } from './service.ts';
import { proposalLines, rulesText } from './views.ts';

const USAGE = 'bonus';
const MAX_REASON = 500;

async function rules(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  if (!args.length) {
    const current = await incentivesService.rules(scope);
    return ephemeral(message().header(t('incentives.rulesTitle'))
      .text(current ? rulesText(t, current) : t('incentives.noRules'))
      .context(t('incentives.neverPaid')).build());
  }
  requireRole(ctx, 'admin');
  const pairs: Array<[string, string]> = args.all().map((token) => {
    const m = token.match(/^([^=＝]+)[=＝](.*)$/);
    if (!m) throw new UserError('incentives.unknownRule', { value: token.slice(0, 40) }, USAGE);
    return [m[1]!, m[2]!];
  });
  const input = parseRules(pairs);
  await incentivesService.saveRules(scope, input, ctx.member.id);
  const saved = (await incentivesService.rules(scope))!;
  return ephemeral(message().text(t('incentives.rulesSaved')).text(rulesText(t, saved)).context(t('incentives.neverPaid')).build());
}

async function findProposal(ctx: CommandContext, token: string | undefined): Promise<{ proposal: BonusProposal; member: Member }> {
  if (!token) throw new UserError('incentives.targetRequired', {}, USAGE);
  let proposal: BonusProposal | undefined;
  let member: Member | undefined;
  if (looksLikeMember(token)) {
    member = await resolveMemberArg(ctx, token, USAGE);
    requireCanActOn(ctx, member);
    proposal = await incentivesService.latestFor(ctx.scope, member.id);
  } else if (/^#?\d{1,9}$/.test(token)) {
    const review = await reviewsService.get(ctx.scope, Number(token.replace('#', '')));
    member = review ? await getMember(ctx.scope, review.memberId) : undefined;
    if (review && member && canActOn(ctx.member, member)) {
      proposal = await incentivesService.byReview(ctx.scope, review.id) ?? await incentivesService.proposalFor(ctx.scope, member.id, review.periodKey);
    }
  } else {
    throw new UserError('incentives.targetRequired', {}, USAGE);
  }
  if (!proposal || !member || member.id === ctx.member.id) throw new UserError('incentives.noProposal', {}, USAGE);
  return { proposal, member };
}

async function approve(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  requireRole(ctx, 'manager');
  const amountRaw = args.takeOption('amount', '金额');
  const reason = (args.takeOption('reason', '理由') ?? '').trim();
  const { proposal, member } = await findProposal(ctx, args.shift());
  if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, USAGE);
  if (proposal.status === 'approved') {
    throw new UserError('incentives.alreadyApproved', { name: mention(member.id), period: proposal.periodKey, amount: formatMoney(proposal.approvedMinor ?? 0n, proposal.currency) }, USAGE);
  }
  let amount = proposal.proposedMinor;
  if (amountRaw !== undefined) {
    const parsed = parseAmount(amountRaw, proposal.currency);
    if (parsed === null) throw new UserError('incentives.badAmount', { value: amountRaw.slice(0, 30) }, USAGE);
    amount = parsed;
  }
  if (reason.length > MAX_REASON) throw new UserError('error.tooLong', { field: 'reason', length: reason.length, max: MAX_REASON }, USAGE);
  const adjusted = amount !== proposal.proposedMinor;
  if (adjusted && !reason) throw new UserError('incentives.reasonRequired', {}, USAGE);
  await incentivesService.approve(scope, proposal, amount, reason || null, ctx.member.id);
  const params = { name: mention(member.id), period: proposal.periodKey, amount: formatMoney(amount, proposal.currency) };
  return ephemeral(message()
    .text(adjusted ? t('incentives.adjustedDone', { ...params, proposed: formatMoney(proposal.proposedMinor, proposal.currency), reason }) : t('incentives.approvedDone', params))
    .context(t('incentives.neverPaid')).build());
}

async function list(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  requireRole(ctx, 'manager');
  const token = args.shift();
  let people: Member[];
  if (token) {
    const member = await resolveMemberArg(ctx, token, USAGE);
    requireCanActOn(ctx, member);
    people = [member];
  } else {
    people = await teamMembersFor(ctx);
  }
  const rules = await incentivesService.rules(scope);
  const blocks: string[] = [];
  const latest = await incentivesService.latestForMany(scope, people.map((p) => p.id));
  for (const person of people) {
    const proposal = latest.get(person.id);
    if (!proposal) continue;
    blocks.push(`**${mention(person.id)} · ${proposal.periodKey} · ${t(`incentives.status.${proposal.status}`)}**\n${proposalLines(t, proposal, rules?.minPct ?? null).join('\n')}`);
  }
  return ephemeral(message().header(t('incentives.listTitle')).text(blocks.join('\n\n') || t('incentives.listEmpty')).context(t('incentives.neverPaid')).build());
}

async function bonusCommand(ctx: CommandContext, args: Args) {
  const sub = args.peek()?.toLowerCase();
  if (sub === undefined || looksLikeMember(args.peek())) return list(ctx, args);
  args.shift();
  if (['rules', 'rule', '规则'].includes(sub)) return rules(ctx, args);
  if (['approve', 'adjust', '批准', '调整'].includes(sub)) return approve(ctx, args);
  if (['list', '列表'].includes(sub)) return list(ctx, args);
  throw new UserError('incentives.unknownSubcommand', { value: sub.slice(0, 40) }, USAGE);
}

/** Material incentives (激励): bonus rules and per-quarter proposals that a manager approves. */
export function createIncentivesCapability(): Capability {
  return {
    name: 'incentives',
    messages,
    commands: [{ name: 'bonus', aliases: ['奖金', 'bonuses', '激励'], run: bonusCommand }],
  };
}
