import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability } from '../../chat/registry.ts';
import { ephemeral } from '../../chat/reply.ts';
import { resolveMemberArg } from '../team/access.ts';
import { messages } from './i18n.ts';
import { BADGES, badgeProgress, badgesOf, checkBadges } from './service.ts';
import { badgeCard } from './views.ts';

async function badges(ctx: CommandContext, args: Args) {
  const token = args.shift();
  // Badges are announced publicly, so anyone in the workspace may look at anyone's.
  const target = token ? await resolveMemberArg(ctx, token, 'badges') : ctx.member;
  if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, 'badges');
  // Catch up on milestones reached through flows that do not call checkBadges themselves.
  await checkBadges(ctx, target.id);
  const earned = await badgesOf(ctx.scope, target.id);
  const progress = await badgeProgress(ctx.scope, target.id);
  return ephemeral(badgeCard(ctx.t, target.id, earned, progress, BADGES, ctx.member.timezone));
}

/** Milestone badges: awarded once, announced as praise, listed with `/kam badges`. */
export function createBadgesCapability(): Capability {
  return {
    name: 'badges',
    messages,
    commands: [{ name: 'badges', aliases: ['徽章', 'badge', '勋章'], run: badges }],
  };
}
