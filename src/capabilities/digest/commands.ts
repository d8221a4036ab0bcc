import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { mention, message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability } from '../../chat/registry.ts';
import { ephemeral } from '../../chat/reply.ts';
import { isLead, requireRole, resolveMemberArg } from '../team/access.ts';
import { messages } from './i18n.ts';
import { isOptedOut, setRecognitionOptOut } from './recognition.ts';
import { buildDigests } from './service.ts';
import { digestMessage } from './views.ts';

/** `/kam digest [@manager]`: a lead's own digest; admins may read any lead's. */
async function digest(ctx: CommandContext, args: Args) {
  requireRole(ctx, 'manager');
  let manager = ctx.member;
  const who = args.shift();
  if (who) {
    const target = await resolveMemberArg(ctx, who, 'digest');
    if (target.id !== ctx.member.id) requireRole(ctx, 'admin');
    if (!isLead(target)) throw new UserError('digest.notALead', { name: mention(target.id) }, 'digest');
    manager = target;
  }
  if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, 'digest');
  const digests = await buildDigests(ctx.scope, [manager.id], ctx.scope.now);
  return ephemeral(digestMessage(ctx.t, digests.get(manager.id)!));
}

async function recognition(ctx: CommandContext, args: Args) {
  const sub = args.shift()?.toLowerCase();
  if (!sub) {
    const out = await isOptedOut(ctx.scope, ctx.member.id);
    return ephemeral(message().text(ctx.t(out ? 'recognition.status.out' : 'recognition.status.in')).build());
  }
  if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, 'recognition');
  if (['optout', 'opt-out', 'off', '不公开', '退出', '关闭'].includes(sub)) {
    await setRecognitionOptOut(ctx.scope, ctx.member.id, true);
    return ephemeral(message().text(ctx.t('recognition.optedOut')).build());
  }
  if (['optin', 'opt-in', 'on', '公开', '加入', '开启'].includes(sub)) {
    await setRecognitionOptOut(ctx.scope, ctx.member.id, false);
    return ephemeral(message().text(ctx.t('recognition.optedIn')).build());
  }
  throw new UserError('recognition.unknownSubcommand', { value: sub.slice(0, 40) }, 'recognition');
}

/** Manager weekly digest (周报) and recognition preferences (表彰设置). */
export function createDigestCapability(): Capability {
  return {
    name: 'digest',
    messages,
    commands: [
      { name: 'digest', aliases: ['周报', 'weekly'], roles: ['manager', 'admin'], run: digest },
      { name: 'recognition', aliases: ['表彰设置', 'recognise', 'recognize'], run: recognition },
    ],
  };
}
