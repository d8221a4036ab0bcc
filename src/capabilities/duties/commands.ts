import { and, eq, inArray } from 'drizzle-orm';
import { accounts } from '../../../db/schema/accounts.ts';
import type { DutyArea, DutyCadence } from '../../../db/schema/duties.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { mention, message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability } from '../../chat/registry.ts';
import { ephemeral } from '../../chat/reply.ts';
import { resolveAccountArg } from '../accounts/lookup.ts';
import { looksLikeMember, requireCanActOn, requireRole, resolveMemberArg } from '../team/access.ts';
import { getMember } from '../team/directory.ts';
import { messages } from './i18n.ts';
import { dutiesService, MAX_DESCRIPTION } from './service.ts';
import { defaultsCard, dutyCard } from './views.ts';

const AREAS: Record<string, DutyArea> = {
  daily: 'daily', 'daily_affairs': 'daily', affairs: 'daily', '日常': 'daily', '日常事务': 'daily',
  client: 'client_relations', clients: 'client_relations', 'client_relations': 'client_relations', relations: 'client_relations', '客户关系': 'client_relations', '客户': 'client_relations',
  data: 'data_analysis', 'data_analysis': 'data_analysis', analysis: 'data_analysis', '数据分析': 'data_analysis', '数据': 'data_analysis',
  custom: 'custom', other: 'custom', '自定义': 'custom', '其他': 'custom',
};
const CADENCES: Record<string, DutyCadence> = {
  daily: 'daily', day: 'daily', '每天': 'daily', '每日': 'daily',
  weekly: 'weekly', week: 'weekly', '每周': 'weekly',
  monthly: 'monthly', month: 'monthly', '每月': 'monthly',
  none: 'none', never: 'none', '无': 'none', '按需': 'none',
};
const USAGE = 'duties';

function parseArea(raw: string | undefined): DutyArea {
  const area = raw ? AREAS[raw.toLowerCase()] : undefined;
  if (!area) throw new UserError('duties.badArea', { value: (raw ?? '').slice(0, 40) }, USAGE);
  return area;
}

function parseCadence(raw: string | undefined): DutyCadence {
  if (raw === undefined) return 'none';
  const cadence = CADENCES[raw.toLowerCase()];
  if (!cadence) throw new UserError('duties.badCadence', { value: raw.slice(0, 40) }, USAGE);
  return cadence;
}

function parseDescription(args: Args): string {
  const description = args.rest().trim();
  if (!description) throw new UserError('duties.descriptionRequired', {}, USAGE);
  if (description.length > MAX_DESCRIPTION) throw new UserError('duties.descriptionTooLong', { max: MAX_DESCRIPTION }, USAGE);
  return description;
}

function parseId(raw: string | undefined): number {
  const id = raw?.replace(/^#/, '');
  if (!id) throw new UserError('duties.idRequired', {}, USAGE);
  if (!/^\d{1,9}$/.test(id)) throw new UserError('duties.notFound', { id: id.slice(0, 20) }, USAGE);
  return Number(id);
}

async function showCard(ctx: CommandContext, member: Member) {
  const { scope, t } = ctx;
  const list = await dutiesService.list(scope, member.id);
  const cadences = await dutiesService.accountCadences(scope, member.id);
  const linked = [...new Set(list.map((d) => d.accountId).filter((id): id is number => id !== null))];
  const names = linked.length
    ? await scope.db.select({ id: accounts.id, name: accounts.name }).from(accounts).where(and(eq(accounts.workspaceId, scope.workspaceId), inArray(accounts.id, linked)))
    : [];
  return ephemeral(dutyCard(t, member, list, new Map(names.map((a) => [a.id, a])), cadences, scope.now));
}

async function defaultsCommand(ctx: CommandContext, args: Args) {
  const { scope, t } = ctx;
  const sub = args.shift()?.toLowerCase();
  if (!sub || ['list', '列表'].includes(sub)) {
    const { builtIn, items } = await dutiesService.defaults(scope, t);
    return ephemeral(defaultsCard(t, builtIn, items));
  }
  if (['apply', '分配'].includes(sub)) {
    requireRole(ctx, 'manager');
    const member = await resolveMemberArg(ctx, args.shift(), USAGE);
    requireCanActOn(ctx, member);
    const count = await dutiesService.applyDefaults(scope, ctx.translatorFor(member.locale), member.id, ctx.member.id);
    return ephemeral(message().text(t('duties.defaultsApplied', { name: mention(member.id), count })).build());
  }
  requireRole(ctx, 'admin');
  if (['add', '添加'].includes(sub)) {
    const area = parseArea(args.shift());
    const cadence = parseCadence(args.takeOption('cadence', '频率'));
    const description = parseDescription(args);
    const id = await dutiesService.addDefault(scope, t, { area, description, cadence });
    return ephemeral(message().text(t('duties.defaultAdded', { id, description })).build());
  }
  if (['remove', 'rm', '移除', '删除'].includes(sub)) {
    const id = parseId(args.shift());
    if (!(await dutiesService.removeDefault(scope, t, id))) throw new UserError('duties.notFound', { id }, USAGE);
    return ephemeral(message().text(t('duties.defaultRemoved', { id })).build());
  }
  throw new UserError('duties.unknownSubcommand', { value: sub.slice(0, 40) }, USAGE);
}

async function dutiesCommand(ctx: CommandContext, args: Args) {
  const { scope, t } = ctx;
  const first = args.peek();
  if (!first) return showCard(ctx, ctx.member);
  if (looksLikeMember(first)) {
    const member = await resolveMemberArg(ctx, args.shift(), USAGE);
    requireCanActOn(ctx, member);
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, USAGE);
    return showCard(ctx, member);
  }
  const sub = args.shift()!.toLowerCase();
  if (['defaults', 'default', '默认'].includes(sub)) return defaultsCommand(ctx, args);
  if (['add', '添加'].includes(sub)) {
    requireRole(ctx, 'manager');
    const member = await resolveMemberArg(ctx, args.shift(), USAGE);
    requireCanActOn(ctx, member);
    if (member.role !== 'assistant') throw new UserError('duties.notAssistant', { name: mention(member.id) }, USAGE);
    const area = parseArea(args.shift());
    const cadence = parseCadence(args.takeOption('cadence', '频率'));
    const accountName = args.takeOption('account', '客户');
    const account = accountName !== undefined ? await resolveAccountArg(ctx, accountName, USAGE) : undefined;
    const description = parseDescription(args);
    const duty = await dutiesService.add(scope, { memberId: member.id, area, description, cadence, accountId: account?.id ?? null, createdBy: ctx.member.id });
    return ephemeral(message().text(t('duties.added', {
      id: duty.id, name: mention(member.id), area: t(`duties.area.${area}`), description, cadence: t(`duties.cadence.${cadence}`),
    })).build());
  }
  if (['remove', 'rm', '移除', '删除'].includes(sub)) {
    requireRole(ctx, 'manager');
    const id = parseId(args.shift());
    const duty = await dutiesService.get(scope, id);
    if (!duty) throw new UserError('duties.notFound', { id }, USAGE);
    const member = await getMember(scope, duty.memberId);
    if (!member) throw new UserError('duties.notFound', { id }, USAGE);
    requireCanActOn(ctx, member);
    await dutiesService.remove(scope, id);
    return ephemeral(message().text(t('duties.removed', { id, name: mention(member.id) })).build());
  }
  throw new UserError('duties.unknownSubcommand', { value: sub.slice(0, 40) }, USAGE);
}

/** Duties (职责): duty cards, per-assistant duties, and the default set new assistants get. */
export function createDutiesCapability(): Capability {
  return {
    name: 'duties',
    messages,
    commands: [{ name: 'duties', aliases: ['职责', 'duty', '岗位职责'], run: dutiesCommand }],
    hooks: {
      async teamJoined(ctx, assistant) {
        await dutiesService.applyDefaults(ctx.scope, ctx.translatorFor(assistant.locale), assistant.id, ctx.member.id);
      },
    },
  };
}
