import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { mention, message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability, HandlerResult } from '../../chat/registry.ts';
import { ephemeral, publicReply, type Reply } from '../../chat/reply.ts';
import { localDate, periodContaining, type PeriodKind } from '../../lib/time.ts';
import { checkBadges } from '../badges/service.ts';
import { readWorkspaceSettings } from '../team/settings.ts';
import { looksLikeMember, requireRole, resolveMemberArg } from '../team/access.ts';
import { messages } from './i18n.ts';
import { kudosService, MAX_REASON_LENGTH, MAX_WEEKLY_ALLOWANCE, TAG_PATTERN } from './service.ts';
import { history, kudosDm, kudosPost, leaderboard, valuesList } from './views.ts';

const PERIOD_WORDS: Record<string, PeriodKind> = {
  week: 'week', weekly: 'week', '周': 'week', '本周': 'week',
  month: 'month', monthly: 'month', '月': 'month', '本月': 'month',
  quarter: 'quarter', quarterly: 'quarter', '季度': 'quarter', '本季度': 'quarter', '季': 'quarter',
};

const TAG_TOKEN = /^[#＃]/;

function parseTag(raw: string): string {
  const tag = raw.replace(TAG_TOKEN, '').toLowerCase();
  if (!TAG_PATTERN.test(tag)) throw new UserError('kudos.badTag', { value: raw.slice(0, 40) }, 'kudos');
  return tag;
}

async function give(ctx: CommandContext, args: Args): Promise<HandlerResult> {
  const { t, scope } = ctx;
  const receiver = await resolveMemberArg(ctx, args.shift(), 'kudos');
  if (receiver.id === ctx.member.id) throw new UserError('kudos.noSelf', {}, 'kudos');
  if (receiver.isBot) throw new UserError('kudos.noBots', {}, 'kudos');
  if (!receiver.active) throw new UserError('kudos.inactive', { name: mention(receiver.id) }, 'kudos');
  const words = args.all();
  args.rest();
  const tags = words.filter((w) => TAG_TOKEN.test(w) && w.length > 1);
  const reason = words.filter((w) => !tags.includes(w)).join(' ').trim();
  if (!reason) throw new UserError('kudos.reasonRequired', {}, 'kudos');
  if (reason.length > MAX_REASON_LENGTH) throw new UserError('kudos.reasonTooLong', { length: reason.length, max: MAX_REASON_LENGTH }, 'kudos');
  if (tags.length > 1) throw new UserError('kudos.oneValue', {}, 'kudos');
  let valueTag: string | null = null;
  if (tags.length) {
    valueTag = parseTag(tags[0]!);
    const values = await kudosService.values(scope);
    if (!values.some((v) => v.tag === valueTag)) {
      throw new UserError('kudos.unknownValue', { value: valueTag, values: values.map((v) => `#${v.tag}`).join(', ') }, 'kudos');
    }
  }

  const allowance = await kudosService.weeklyAllowance(scope);
  const { week, used } = await kudosService.givenThisWeek(scope, ctx.member);
  if (used >= allowance) {
    // Not an error: a friendly note, and nothing is written.
    return ephemeral(message().text(t('kudos.allowanceUsed', { allowance, reset: localDate(week.end, ctx.member.timezone) })).build());
  }

  const inChannel = ctx.conversation.kind === 'channel';
  const row = await kudosService.give(scope, {
    giverId: ctx.member.id, receiverId: receiver.id, reason, valueTag, conversation: inChannel ? ctx.conversation.ref : null,
  });
  const left = allowance - used - 1;
  const replies: Reply[] = [];
  const post = kudosPost(t, ctx.member.id, receiver.id, reason, valueTag);
  const settings = await readWorkspaceSettings(scope);
  const teamChannel = typeof settings.teamChannel === 'string' && settings.teamChannel ? settings.teamChannel : undefined;
  if (inChannel) {
    replies.push(publicReply(post), ephemeral(message().text(t('kudos.sentHere', { receiver: mention(receiver.id), left })).build()));
  } else if (teamChannel) {
    await ctx.outbox.enqueue(scope, { conversation: teamChannel }, post, `kudos:${row.id}`);
    replies.push(ephemeral(message().text(t('kudos.sent', { receiver: mention(receiver.id), left })).build()));
  } else {
    replies.push(ephemeral(message().text(t('kudos.sentNoChannel', { receiver: mention(receiver.id), left })).build()));
  }
  await ctx.outbox.enqueue(scope, { memberId: receiver.id }, kudosDm(ctx.translatorFor(receiver.locale), ctx.member.id, reason, valueTag), `kudos-dm:${row.id}`);
  await checkBadges(ctx, receiver.id);
  return replies;
}

async function top(ctx: CommandContext, args: Args) {
  const word = args.shift()?.toLowerCase();
  const kind = word ? PERIOD_WORDS[word] : 'month';
  if (!kind) throw new UserError('error.badChoice', { value: word!.slice(0, 40), field: ctx.t('kudos.periodField'), choices: 'week, month, quarter / 本周, 本月, 本季度' }, 'kudos');
  if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, 'kudos');
  const period = periodContaining(kind, ctx.scope.now, ctx.member.timezone);
  const rows = await kudosService.leaderboard(ctx.scope, period.start, period.end);
  return ephemeral(leaderboard(ctx.t, period, rows));
}

async function historyOf(ctx: CommandContext, args: Args) {
  // Kudos are public praise, so anyone may read anyone's received history.
  const token = args.shift();
  const target = token ? await resolveMemberArg(ctx, token, 'kudos') : ctx.member;
  if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, 'kudos');
  const { total, items } = await kudosService.history(ctx.scope, target.id);
  return ephemeral(history(ctx.t, target.id, total, items, ctx.member.timezone));
}

async function values(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  const sub = args.shift()?.toLowerCase() ?? 'list';
  if (['list', 'ls', '列表', '查看'].includes(sub)) return ephemeral(valuesList(t, await kudosService.values(scope)));
  if (['add', '添加'].includes(sub)) {
    requireRole(ctx, 'admin');
    const raw = args.shift();
    if (!raw) throw new UserError('error.required', { field: '#tag' }, 'kudos');
    const tag = parseTag(raw);
    const description = args.rest();
    if (description.length > 200) throw new UserError('error.tooLong', { field: 'description', length: description.length, max: 200 }, 'kudos');
    const added = await kudosService.addValue(scope, tag, description);
    return ephemeral(message().text(t(added ? 'kudos.valueAdded' : 'kudos.valueExists', { value: tag })).build());
  }
  if (['remove', 'rm', '移除', '删除'].includes(sub)) {
    requireRole(ctx, 'admin');
    const raw = args.shift();
    if (!raw) throw new UserError('error.required', { field: '#tag' }, 'kudos');
    const tag = parseTag(raw);
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, 'kudos');
    if (!(await kudosService.removeValue(scope, tag))) throw new UserError('kudos.valueUnknown', { value: tag }, 'kudos');
    return ephemeral(message().text(t('kudos.valueRemoved', { value: tag })).build());
  }
  throw new UserError('kudos.unknownSubcommand', { value: sub.slice(0, 40) }, 'kudos');
}

async function allowance(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  const raw = args.shift();
  if (raw === undefined) {
    const n = await kudosService.weeklyAllowance(scope);
    const { used } = await kudosService.givenThisWeek(scope, ctx.member);
    return ephemeral(message().text(t('kudos.allowance', { allowance: n, left: Math.max(0, n - used) })).build());
  }
  requireRole(ctx, 'admin');
  const n = Number(raw);
  if (!/^\d{1,3}$/.test(raw) || n < 1 || n > MAX_WEEKLY_ALLOWANCE) {
    throw new UserError('kudos.badAllowance', { value: raw.slice(0, 20), max: MAX_WEEKLY_ALLOWANCE }, 'kudos');
  }
  if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, 'kudos');
  await kudosService.setWeeklyAllowance(scope, n);
  return ephemeral(message().text(t('kudos.allowanceSet', { allowance: n })).build());
}

async function kudosCommand(ctx: CommandContext, args: Args): Promise<HandlerResult> {
  const head = args.peek();
  if (!head) throw new UserError('error.memberRequired', {}, 'kudos');
  if (looksLikeMember(head)) return give(ctx, args);
  const sub = head.toLowerCase();
  const route = (names: string[]) => names.includes(sub) && !!args.shift();
  if (route(['top', 'leaderboard', 'rank', '排行', '排行榜', '榜'])) return top(ctx, args);
  if (route(['history', 'received', '记录', '历史'])) return historyOf(ctx, args);
  if (route(['values', 'value', '价值观'])) return values(ctx, args);
  if (route(['allowance', 'quota', '额度'])) return allowance(ctx, args);
  // A bare name typed without @ (console) still works when it names someone.
  try {
    return await give(ctx, args);
  } catch (error) {
    if (error instanceof UserError && error.key === 'error.unknownMember') throw new UserError('kudos.unknownSubcommand', { value: head.slice(0, 40) }, 'kudos');
    throw error;
  }
}

/** Kudos (表彰): public praise with value tags, a weekly allowance and a leaderboard. */
export function createKudosCapability(): Capability {
  return {
    name: 'kudos',
    messages,
    commands: [{ name: 'kudos', aliases: ['表扬', '点赞', '表彰', 'praise'], run: kudosCommand }],
  };
}
