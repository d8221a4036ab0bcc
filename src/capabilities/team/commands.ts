import { ROLES, type Member, type Role } from '../../../db/schema/members.ts';
import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { normaliseLocale } from '../../chat/i18n/index.ts';
import { mention, message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability } from '../../chat/registry.ts';
import { ephemeral } from '../../chat/reply.ts';
import { isValidTimezone } from '../../lib/time.ts';
import { requireRole, resolveMemberArg } from './access.ts';
import { getMember } from './directory.ts';
import { messages } from './i18n.ts';
import { teamService } from './service.ts';
import { memberCard, teamList } from './views.ts';

async function whoami(ctx: CommandContext) {
  const manager = ctx.member.managerId ? await getMember(ctx.scope, ctx.member.managerId) : undefined;
  const team = await teamService.teamOf(ctx.scope, ctx.member.id);
  return ephemeral(memberCard(ctx.t, ctx.member, manager, team.length, ctx.workspace.name));
}

async function settings(ctx: CommandContext, args: Args) {
  const { t } = ctx;
  const what = args.shift()?.toLowerCase();
  if (!what) return whoami(ctx);
  if (['timezone', 'tz', '时区'].includes(what)) {
    const tz = args.shift();
    if (!tz) throw new UserError('error.required', { field: t('team.timezone') }, 'settings');
    if (!isValidTimezone(tz)) throw new UserError('team.badTimezone', { value: tz.slice(0, 64) }, 'settings');
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, 'settings');
    await teamService.setTimezone(ctx.scope, ctx.member, tz);
    return ephemeral(message().text(t('team.timezoneSet', { timezone: tz })).build());
  }
  if (['language', 'lang', 'locale', '语言'].includes(what)) {
    const raw = args.shift();
    const locale = normaliseLocale(raw);
    if (!locale) throw new UserError('team.badLanguage', { value: (raw ?? '').slice(0, 40) }, 'settings');
    await teamService.setLocale(ctx.scope, ctx.member, locale);
    // Confirm in the language just chosen: that is the proof it worked.
    const t2 = ctx.translatorFor(locale);
    return ephemeral(message().text(t2('team.languageSet')).build());
  }
  throw new UserError('team.unknownSetting', { value: what.slice(0, 40) }, 'settings');
}

async function team(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  const sub = args.shift()?.toLowerCase() ?? 'list';
  if (['list', 'ls', '列表', '查看'].includes(sub)) {
    if (ctx.member.role === 'admin') {
      const everyone = await teamService.everyone(scope);
      return ephemeral(teamList(t, ctx.member, everyone));
    }
    requireRole(ctx, 'manager');
    const mine = await teamService.teamOf(scope, ctx.member.id);
    return ephemeral(teamList(t, ctx.member, [ctx.member, ...mine]));
  }
  if (['add', '添加', '加入'].includes(sub)) {
    requireRole(ctx, 'manager');
    const targets: Member[] = [];
    let managerId = ctx.member.id;
    const tokens = args.all();
    const toIndex = tokens.findIndex((x) => ['to', '到', '给'].includes(x.toLowerCase()));
    if (toIndex >= 0) {
      requireRole(ctx, 'admin');
      const manager = await resolveMemberArg(ctx, tokens[toIndex + 1], 'team');
      if (manager.role === 'assistant') throw new UserError('team.notAManager', { name: mention(manager.id) }, 'team');
      managerId = manager.id;
      tokens.splice(toIndex, 2);
    }
    if (!tokens.length) throw new UserError('error.memberRequired', {}, 'team');
    for (const token of tokens) targets.push(await resolveMemberArg(ctx, token, 'team'));
    const added: string[] = [];
    for (const target of targets) {
      if (target.id === managerId) throw new UserError('team.cannotAddSelf', {}, 'team');
      if (target.isBot) throw new UserError('team.cannotAddBot', {}, 'team');
      if (target.role !== 'assistant' && ctx.member.role !== 'admin') throw new UserError('team.notAnAssistant', { name: mention(target.id) }, 'team');
      if (target.managerId && target.managerId !== managerId && ctx.member.role !== 'admin') {
        throw new UserError('team.hasOtherManager', { name: mention(target.id) }, 'team');
      }
      const joinedNow = target.managerId !== managerId;
      const updated = await teamService.assign(scope, target, managerId);
      if (joinedNow) {
        await ctx.hooks.teamJoined(updated);
        const welcome = ctx.translatorFor(updated.locale);
        await ctx.outbox.enqueue(scope, { memberId: updated.id },
          message().text(welcome('team.welcome', { manager: mention(managerId) })).context(welcome('team.welcomeNext')).build(),
          `team-welcome:${updated.id}:${managerId}`);
      }
      added.push(mention(updated.id));
    }
    return ephemeral(message().text(t('team.added', { names: added.join(', '), manager: mention(managerId) })).build());
  }
  if (['remove', 'rm', '移除', '删除'].includes(sub)) {
    requireRole(ctx, 'manager');
    const target = await resolveMemberArg(ctx, args.shift(), 'team');
    if (target.managerId !== ctx.member.id && ctx.member.role !== 'admin') {
      throw new UserError('error.notYourTeam', { name: mention(target.id) }, 'team');
    }
    await teamService.unassign(scope, target);
    return ephemeral(message().text(t('team.removed', { name: mention(target.id) })).build());
  }
  if (['role', '角色'].includes(sub)) {
    requireRole(ctx, 'admin');
    const target = await resolveMemberArg(ctx, args.shift(), 'team');
    const raw = args.shift()?.toLowerCase() ?? '';
    const aliases: Record<string, Role> = { '管理员': 'admin', '经理': 'manager', '大客户经理': 'manager', '助理': 'assistant' };
    const role = (ROLES as readonly string[]).includes(raw) ? (raw as Role) : aliases[raw];
    if (!role) throw new UserError('error.badChoice', { value: raw.slice(0, 40), field: t('team.role'), choices: ROLES.join(', ') }, 'team');
    if (target.id === ctx.member.id && role !== 'admin') throw new UserError('team.cannotDemoteSelf', {}, 'team');
    await teamService.setRole(scope, target, role);
    return ephemeral(message().text(t('team.roleSet', { name: mention(target.id), role: t(`role.${role}.one`) })).build());
  }
  throw new UserError('team.unknownSubcommand', { value: sub.slice(0, 40) }, 'team');
}

/** whoami, settings (time zone, language) and team structure. */
export function createTeamCapability(): Capability {
  return {
    name: 'team',
    messages,
    commands: [
      { name: 'whoami', aliases: ['我是谁', 'me', '我'], run: (ctx) => whoami(ctx) },
      { name: 'settings', aliases: ['设置', 'set', 'config'], run: settings },
      { name: 'team', aliases: ['团队'], run: team },
    ],
  };
}
