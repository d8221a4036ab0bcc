import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import type { Message } from '../../chat/message.ts';
import { Args } from '../../chat/parser.ts';
import type { Capability, HandlerResult, Registry } from '../../chat/registry.ts';
import { ephemeral } from '../../chat/reply.ts';
import { messages } from './i18n.ts';
import { homeService } from './service.ts';
import { homeView, QUICK_ACTIONS, type HomeData } from './views.ts';

/** The command name platforms run to build a member's home tab. */
export const HOME_COMMAND = 'home';

/**
 * Builds a member's home as a neutral message (Slack publishes it as the App Home tab; other
 * platforms show it as a reply to `/kam home`). Managers and admins with a team see the team;
 * anyone with accounts sees what is due on them.
 */
export async function buildHome(ctx: CommandContext, registry: Registry): Promise<Message> {
  const { scope, member } = ctx;
  const data: HomeData = {
    member, now: scope.now, month: homeService.monthOf(member, scope.now),
    quick: QUICK_ACTIONS.filter((name) => registry.command(name)?.name === name),
  };
  if (member.role !== 'assistant') {
    data.team = await homeService.teamGlance(scope, member);
  }
  if (member.role === 'assistant' || !data.team?.length) {
    data.due = await homeService.dueAccounts(scope, member.id);
    data.complaints = await homeService.openComplaints(scope, member.id);
    data.kpis = await homeService.monthKpis(scope, member.id);
  }
  return homeView(ctx.t, data);
}

/** `/kam home` (主页), plus the home's quick-action and refresh buttons. */
export function createHomeCapability(getRegistry: () => Registry): Capability {
  const home = async (ctx: CommandContext, args: Args): Promise<HandlerResult> => {
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, HOME_COMMAND);
    return ephemeral(await buildHome(ctx, getRegistry()));
  };
  return {
    name: 'home',
    messages,
    commands: [{ name: HOME_COMMAND, aliases: ['主页', '首页'], run: home }],
    actions: [
      {
        // A quick action runs its command with no arguments, which opens that command's form.
        id: 'home.quick',
        run: async (ctx, value) => {
          const command = (QUICK_ACTIONS as readonly string[]).includes(value) ? getRegistry().command(value) : undefined;
          if (!command || command.name !== value) throw new UserError('home.quick.unavailable');
          if (command.roles && ctx.member.role !== 'admin' && !command.roles.includes(ctx.member.role)) throw new UserError('home.quick.unavailable');
          return command.run(ctx, new Args([]));
        },
      },
      { id: 'home.refresh', run: async (ctx) => ephemeral(await buildHome(ctx, getRegistry()), { replaceOriginal: true }) },
    ],
  };
}
