import type { Member } from '../../../db/schema/members.ts';
import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { mention, message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability } from '../../chat/registry.ts';
import { ephemeral } from '../../chat/reply.ts';
import { parsePeriodKey, periodContaining } from '../../lib/time.ts';
import { resolveAccountArg } from '../accounts/lookup.ts';
import { looksLikeMember, requireCanActOn, requireRole, resolveMemberArg } from '../team/access.ts';
import { teamService } from '../team/service.ts';
import { messages } from './i18n.ts';
import { formatMoney, normaliseCurrency, parseAmount } from './money.ts';
import { parseMonth, recordSale } from './sales.ts';
import { computeKpis, kpiCurrency, type KpiPeriodKind } from './service.ts';
import { clearTargets, parseTargetPairs, saveTargets, storedTargets } from './targets.ts';
import { kpiCard, targetList, teamTable } from './views.ts';

const PERIOD_WORDS: Record<string, KpiPeriodKind> = {
  week: 'week', weekly: 'week', w: 'week', '周': 'week', '本周': 'week',
  month: 'month', monthly: 'month', m: 'month', '月': 'month', '本月': 'month',
  quarter: 'quarter', quarterly: 'quarter', q: 'quarter', '季度': 'quarter', '本季度': 'quarter', '季': 'quarter',
};
const TEAM_WORDS = ['team', '团队', 'all', '全部'];

/** The assistants a lead's team table covers: their reports; an admin without reports sees every assistant. */
export async function teamMembersFor(ctx: CommandContext): Promise<Member[]> {
  const mine = await teamService.teamOf(ctx.scope, ctx.member.id);
  if (mine.length || ctx.member.role !== 'admin') return mine;
  return (await teamService.everyone(ctx.scope)).filter((m) => m.role === 'assistant');
}

async function kpi(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  let periodKind: KpiPeriodKind = 'month';
  let team = false;
  let target: Member = ctx.member;
  let at = scope.now;
  let complete = false;
  for (const token of args.all()) {
    const lower = token.toLowerCase();
    const past = /^\d{4}-(q[1-4]|w\d{1,2}|\d{1,2})$/.test(lower) ? parsePeriodKey(lower, 'UTC') : null;
    if (past && past.kind !== 'day' && past.kind !== 'year') {
      // A past period by its label. 15 h before its UTC end lies inside it in every time zone.
      if (past.start.getTime() - 14 * 3_600_000 > scope.now.getTime()) throw new UserError('kpi.futurePeriod', { period: past.key }, 'kpi');
      periodKind = past.kind;
      at = scope.now < past.end ? scope.now : new Date(past.end.getTime() - 15 * 3_600_000);
      // Over everywhere (UTC−12 ends 12 h after UTC): measure it whole.
      complete = scope.now.getTime() >= past.end.getTime() + 12 * 3_600_000;
    } else if (PERIOD_WORDS[lower]) periodKind = PERIOD_WORDS[lower];
    else if (TEAM_WORDS.includes(lower)) team = true;
    else if (looksLikeMember(token)) target = await resolveMemberArg(ctx, token, 'kpi');
    else throw new UserError('kpi.unknownPeriod', { value: token.slice(0, 40) }, 'kpi');
  }
  if (team) {
    requireRole(ctx, 'manager');
    const people = await teamMembersFor(ctx);
    if (!people.length) return ephemeral(message().text(t('kpi.emptyTeam')).build());
    const snapshots = await computeKpis(scope, people.map((p) => p.id), periodKind, at, { complete, timezones: new Map(people.map((p) => [p.id, p.timezone])), joinedAt: new Map(people.map((p) => [p.id, p.createdAt])) });
    return ephemeral(teamTable(t, people, snapshots, t(`kpi.period.${periodKind}`)));
  }
  requireCanActOn(ctx, target);
  const snapshot = (await computeKpis(scope, [target.id], periodKind, at, { complete, timezones: new Map([[target.id, target.timezone]]), joinedAt: new Map([[target.id, target.createdAt]]) })).get(target.id)!;
  return ephemeral(kpiCard(t, target, snapshot));
}

async function targetCommand(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  const first = args.shift();
  const currency = await kpiCurrency(scope);
  const periodRaw = args.takeOption('period', '周期');
  const periodWord = periodRaw?.toLowerCase();
  const periodKind = periodWord === undefined ? 'month' : (['month', '月', 'monthly'].includes(periodWord) ? 'month' : ['quarter', '季度', 'quarterly', 'q'].includes(periodWord) ? 'quarter' : undefined);
  if (!periodKind) throw new UserError('kpi.badPeriodOption', { value: periodRaw!.slice(0, 40) }, 'target');
  const periodLabel = t(`kpi.period.${periodKind}`);

  const isDefault = !!first && ['default', 'defaults', '默认'].includes(first.toLowerCase());
  if (!first || (!isDefault && !looksLikeMember(first))) {
    if (first) throw new UserError('error.memberRequired', {}, 'target');
    // No argument: your own targets.
    return showTargets(ctx, ctx.member, currency);
  }
  const member = isDefault ? null : await resolveMemberArg(ctx, first, 'target');
  if (isDefault) requireRole(ctx, 'admin');
  else {
    if (!args.length) { requireCanActOn(ctx, member!); return showTargets(ctx, member!, currency); }
    requireRole(ctx, 'manager');
    if (member!.id === ctx.member.id && ctx.member.role !== 'admin') throw new UserError('kpi.cannotTargetSelf', {}, 'target');
    requireCanActOn(ctx, member!);
  }
  if (member && args.peek() && ['clear', 'reset', '清除'].includes(args.peek()!.toLowerCase())) {
    args.shift();
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, 'target');
    await clearTargets(scope, member.id, periodKind);
    return ephemeral(message().text(t('kpi.targetsCleared', { name: mention(member.id), period: periodLabel })).build());
  }
  const pairs: Array<[string, string]> = [];
  for (const token of args.all()) {
    const m = token.match(/^([^=＝]+)[=＝](.+)$/);
    if (!m) throw new UserError('error.extraArguments', { value: token.slice(0, 40) }, 'target');
    pairs.push([m[1]!, m[2]!]);
  }
  if (!pairs.length) throw new UserError('kpi.noMetrics', {}, 'target');
  const parsed = parseTargetPairs(t, pairs, currency, 'target');
  await saveTargets(scope, member?.id ?? null, periodKind, parsed, ctx.member.id);
  const list = targetList(t, Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, Number(v) * (k === 'sales' ? 100 : 1)])), currency);
  return ephemeral(message().text(member
    ? t('kpi.targetsSaved', { name: mention(member.id), period: periodLabel, list })
    : t('kpi.defaultsSaved', { period: periodLabel, list })).build());
}

async function showTargets(ctx: CommandContext, member: Member, currency: string) {
  const { t, scope } = ctx;
  const own = await storedTargets(scope, member.id);
  const defaults = await storedTargets(scope, null);
  const render = (rows: typeof own) => (['month', 'quarter'] as const)
    .map((kind) => {
      const entries = rows.filter((r) => r.periodKind === kind);
      if (!entries.length) return '';
      const values = Object.fromEntries(entries.map((r) => [r.metric, Number(r.value) * (r.metric === 'sales' ? 100 : 1)]));
      return `**${t(`kpi.period.${kind}`)}**: ${targetList(t, values, currency)}`;
    }).filter(Boolean).join('\n');
  const builder = message().header(t('kpi.targetsTitle', { name: member.displayName }));
  builder.text(render(own) || t('kpi.noTargets'));
  const d = render(defaults);
  if (d) builder.context(`${t('kpi.defaultsTitle')}: ${d.replace(/\n/g, ' · ')}`);
  return ephemeral(builder.build());
}

async function sale(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  const accountName = args.shift();
  const account = await resolveAccountArg(ctx, accountName, 'sale');
  const amountRaw = args.shift();
  if (!amountRaw) throw new UserError('kpi.amountRequired', {}, 'sale');
  let currency: string | undefined;
  let month: string | undefined;
  for (const token of args.all()) {
    if (/^\d{4}[-/年.]\d{1,2}月?$/.test(token)) {
      month = parseMonth(token) ?? undefined;
      if (!month) throw new UserError('kpi.badMonth', { value: token.slice(0, 20) }, 'sale');
    } else if (!currency && normaliseCurrency(token)) {
      currency = normaliseCurrency(token)!;
    } else if (/^\d/.test(token)) {
      throw new UserError('kpi.badMonth', { value: token.slice(0, 20) }, 'sale');
    } else {
      throw new UserError('kpi.badCurrency', { value: token.slice(0, 20) }, 'sale');
    }
  }
  currency ??= await kpiCurrency(scope);
  const amountMinor = parseAmount(amountRaw, currency);
  if (amountMinor === null) throw new UserError('kpi.badAmount', { value: amountRaw.slice(0, 40) }, 'sale');
  const thisMonth = `${periodContaining('month', scope.now, ctx.member.timezone).key}-01`;
  month ??= thisMonth;
  if (month > thisMonth) throw new UserError('kpi.futureMonth', { month: month.slice(0, 7) }, 'sale');
  if (!account.assistantId) throw new UserError('kpi.noAssistant', { account: account.name }, 'sale');
  const result = await recordSale(scope, account, month, amountMinor, currency, ctx.member.id);
  const params = {
    account: account.name, month: month.slice(0, 7), amount: formatMoney(amountMinor, currency),
    member: result.memberId ? mention(result.memberId) : t('common.someone'),
  };
  return ephemeral(message().text(result.previous
    ? t('kpi.saleReplaced', { ...params, previous: formatMoney(result.previous.amountMinor, result.previous.currency) })
    : t('kpi.saleSaved', params)).build());
}

/** KPIs (绩效), targets (目标) and sales (销售). */
export function createKpiCapability(): Capability {
  return {
    name: 'kpi',
    messages,
    commands: [
      { name: 'kpi', aliases: ['绩效', 'kpis', '指标'], run: kpi },
      { name: 'target', aliases: ['目标', 'targets'], run: targetCommand },
      { name: 'sale', aliases: ['销售', 'sales'], run: sale },
    ],
  };
}
