import { DEFAULT_CADENCE_DAYS, TIERS, type Tier } from '../../../db/schema/accounts.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { mention, message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability } from '../../chat/registry.ts';
import { ephemeral } from '../../chat/reply.ts';
import { localDate } from '../../lib/time.ts';
import { looksLikeMember, requireRole, resolveMemberArg } from '../team/access.ts';
import { messages } from './i18n.ts';
import { canWorkOnAccount, findAccountByName, takeAccountFromTokens } from './lookup.ts';
import { ACCOUNT_LIMITS, accountService, touchStatus } from './service.ts';
import { accountAdded, accountCard, accountList } from './views.ts';

const USAGE = 'account';

/** Subcommand words, English and Chinese. */
const SUBCOMMANDS = {
  list: ['list', 'ls', '列表'],
  add: ['add', 'new', '添加', '新建'],
  show: ['show', 'info', 'view', '查看', '详情'],
  assign: ['assign', '分配'],
  cadence: ['cadence', 'frequency', '频率'],
  notes: ['notes', 'note', '备注'],
  archive: ['archive', '归档'],
  restore: ['restore', 'unarchive', '恢复'],
} as const;

function parseTier(ctx: CommandContext, raw: string | undefined): Tier | undefined {
  if (raw === undefined) return undefined;
  const tier = raw.trim().toUpperCase().replace(/[类级]$/, '');
  if (!(TIERS as readonly string[]).includes(tier)) {
    throw new UserError('error.badChoice', { value: raw.slice(0, 20), field: ctx.t('accounts.tier'), choices: TIERS.join(', ') }, USAGE);
  }
  return tier as Tier;
}

function parseCadence(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const days = /^\d{1,4}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(days) || days < ACCOUNT_LIMITS.minCadence || days > ACCOUNT_LIMITS.maxCadence) {
    throw new UserError('accounts.badCadence', { value: raw.slice(0, 20), min: ACCOUNT_LIMITS.minCadence, max: ACCOUNT_LIMITS.maxCadence }, USAGE);
  }
  return days;
}

function checkNotes(ctx: CommandContext, notes: string): string {
  const trimmed = notes.trim();
  if (trimmed.length > ACCOUNT_LIMITS.notesLength) {
    throw new UserError('error.tooLong', { field: ctx.t('accounts.notes'), length: trimmed.length, max: ACCOUNT_LIMITS.notesLength }, USAGE);
  }
  return trimmed;
}

/** An assistant the actor may give accounts to: a manager only their own team, an admin anyone. */
async function resolveAssignee(ctx: CommandContext, token: string | undefined): Promise<Member> {
  const target = await resolveMemberArg(ctx, token, USAGE);
  if (target.isBot || target.role !== 'assistant') throw new UserError('accounts.notAnAssistant', { name: mention(target.id) }, USAGE);
  if (ctx.member.role !== 'admin' && target.managerId !== ctx.member.id) {
    throw new UserError('error.notYourTeam', { name: mention(target.id) }, USAGE);
  }
  return target;
}

async function notifyAssigned(ctx: CommandContext, assistant: Member, accountName: string, accountId: number) {
  const t = ctx.translatorFor(assistant.locale);
  await ctx.outbox.enqueue(ctx.scope, { memberId: assistant.id },
    message().text(t('accounts.assignedToYou', { name: accountName, manager: mention(ctx.member.id) })).context(t('accounts.assignedToYouHint', { name: accountName })).build(),
    `account-assigned:${accountId}:${assistant.id}:${ctx.scope.now.getTime()}`);
}

async function list(ctx: CommandContext) {
  const rows = await accountService.listWithStatus(ctx.scope, ctx.member);
  return ephemeral(accountList(ctx.t, ctx.member, rows));
}

async function add(ctx: CommandContext, args: Args) {
  requireRole(ctx, 'manager');
  const tier = parseTier(ctx, args.takeOption('tier', '级别', '等级'));
  const cadence = parseCadence(args.takeOption('cadence', '频率'));
  const notes = checkNotes(ctx, args.takeOption('notes', 'note', '备注') ?? '');
  const assistantToken = args.takeOption('assistant', '助理');
  const mentions = args.takeMentions();
  // On the console people type @name; on Slack/Lark mentions arrive as <@m:ID> tokens.
  const words = args.all();
  const bareAt = words.find((token) => looksLikeMember(token));
  // Invisible characters would let two names look identical, so they never get stored.
  const name = words.filter((token) => !looksLikeMember(token)).join(' ')
    .replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g, '').replace(/\s+/g, ' ').trim();
  if (!name) throw new UserError('accounts.nameRequired', {}, USAGE);
  if (name.length > ACCOUNT_LIMITS.nameLength) {
    throw new UserError('error.tooLong', { field: ctx.t('accounts.name'), length: name.length, max: ACCOUNT_LIMITS.nameLength }, USAGE);
  }
  if (/[=＝]/.test(name)) throw new UserError('accounts.badName', { name: name.slice(0, 80) }, USAGE);
  const assigneeToken = assistantToken ?? (mentions[0] !== undefined ? `<@m:${mentions[0]}>` : bareAt);
  const assistant = assigneeToken ? await resolveAssignee(ctx, assigneeToken) : undefined;
  const existing = await accountService.findAnyByName(ctx.scope, name);
  if (existing) throw new UserError(existing.archivedAt ? 'accounts.existsArchived' : 'accounts.exists', { name: existing.name }, USAGE);
  const finalTier = tier ?? 'B';
  const created = await accountService.create(ctx.scope, {
    name, tier: finalTier, cadenceDays: cadence ?? DEFAULT_CADENCE_DAYS[finalTier],
    managerId: ctx.member.id, assistantId: assistant?.id ?? null, notes,
  });
  if (!created) throw new UserError('accounts.exists', { name }, USAGE);
  if (assistant) await notifyAssigned(ctx, assistant, created.name, created.id);
  return ephemeral(accountAdded(ctx.t, created));
}

async function show(ctx: CommandContext, args: Args) {
  const tokens = args.all();
  const { account } = await takeWholeName(ctx, tokens);
  const detail = await accountService.detail(ctx.scope, account);
  const last = await accountService.lastTouchAt(ctx.scope, account.id);
  const tz = ctx.member.timezone;
  return ephemeral(accountCard(ctx.t, detail, touchStatus(account, last, ctx.scope.now, tz), tz, localDate(ctx.scope.now, tz)));
}

/** The whole token list must be the account name. */
async function takeWholeName(ctx: CommandContext, tokens: string[]) {
  const found = await takeAccountFromTokens(ctx, tokens, USAGE, { typedWords: tokens.length });
  if (found.rest.length) throw new UserError('error.extraArguments', { value: found.rest.join(' ').slice(0, 40) }, USAGE);
  return found;
}

async function assign(ctx: CommandContext, args: Args) {
  requireRole(ctx, 'manager');
  const tokens = args.all();
  const memberIndex = tokens.findIndex((x) => looksLikeMember(x));
  if (memberIndex === -1) {
    if (!tokens.length) throw new UserError('accounts.nameRequired', {}, USAGE);
    throw new UserError('error.memberRequired', {}, USAGE);
  }
  const memberToken = tokens.splice(memberIndex, 1)[0];
  const { account } = await takeWholeName(ctx, tokens);
  const assistant = await resolveAssignee(ctx, memberToken);
  if (account.assistantId === assistant.id) {
    return ephemeral(message().text(ctx.t('accounts.alreadyAssigned', { name: account.name, assistant: mention(assistant.id) })).build());
  }
  await accountService.update(ctx.scope, account, { assistantId: assistant.id });
  await notifyAssigned(ctx, assistant, account.name, account.id);
  return ephemeral(message().text(ctx.t('accounts.assigned', { name: account.name, assistant: mention(assistant.id) })).build());
}

async function cadence(ctx: CommandContext, args: Args) {
  requireRole(ctx, 'manager');
  const tokens = args.all();
  const raw = tokens.length > 1 ? tokens.pop() : undefined;
  if (!tokens.length) throw new UserError('accounts.nameRequired', {}, USAGE);
  if (raw === undefined) throw new UserError('error.required', { field: ctx.t('accounts.cadence') }, USAGE);
  const days = parseCadence(raw)!;
  const { account } = await takeWholeName(ctx, tokens);
  await accountService.update(ctx.scope, account, { cadenceDays: days });
  return ephemeral(message().text(ctx.t('accounts.cadenceSet', { name: account.name, days })).build());
}

async function notes(ctx: CommandContext, args: Args) {
  const tokens = args.all();
  const { account, rest } = await takeAccountFromTokens(ctx, tokens, USAGE);
  const text = rest.join(' ');
  if (!text.trim()) throw new UserError('error.required', { field: ctx.t('accounts.notes') }, USAGE);
  const clear = ['clear', '清空', '-'].includes(text.trim().toLowerCase());
  const value = clear ? '' : checkNotes(ctx, text);
  await accountService.update(ctx.scope, account, { notes: value });
  return ephemeral(message().text(ctx.t(clear ? 'accounts.notesCleared' : 'accounts.notesSet', { name: account.name })).build());
}

async function archive(ctx: CommandContext, args: Args) {
  requireRole(ctx, 'manager');
  const { account } = await takeWholeName(ctx, args.all());
  await accountService.update(ctx.scope, account, { archivedAt: ctx.scope.now });
  return ephemeral(message().text(ctx.t('accounts.archived', { name: account.name })).build());
}

/** Undoes an archive: archived accounts are found by exact name (no suggestions to leak). */
async function restore(ctx: CommandContext, args: Args) {
  requireRole(ctx, 'manager');
  const typed = args.rest();
  if (!typed) throw new UserError('accounts.nameRequired', {}, USAGE);
  const account = await accountService.findAnyByName(ctx.scope, typed);
  if (!account || !account.archivedAt) throw new UserError('accounts.notArchived', { name: typed.slice(0, 80) }, USAGE);
  if (!(await canWorkOnAccount(ctx.scope, ctx.member, account))) throw new UserError('accounts.notYours', { name: account.name });
  await accountService.update(ctx.scope, account, { archivedAt: null });
  return ephemeral(message().text(ctx.t('accounts.restored', { name: account.name })).build());
}

async function run(ctx: CommandContext, args: Args) {
  const sub = args.peek()?.toLowerCase();
  const is = (words: readonly string[]) => sub !== undefined && words.includes(sub);
  if (sub === undefined || is(SUBCOMMANDS.list)) {
    args.shift();
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, USAGE);
    return list(ctx);
  }
  // `/kam account Acme Corp` reads as "show me Acme Corp".
  if (!Object.values(SUBCOMMANDS).some(is) && await findAccountByName(ctx.scope, args.all().join(' '))) return show(ctx, args);
  args.shift();
  if (is(SUBCOMMANDS.add)) return add(ctx, args);
  if (is(SUBCOMMANDS.show)) return show(ctx, args);
  if (is(SUBCOMMANDS.assign)) return assign(ctx, args);
  if (is(SUBCOMMANDS.cadence)) return cadence(ctx, args);
  if (is(SUBCOMMANDS.notes)) return notes(ctx, args);
  if (is(SUBCOMMANDS.archive)) return archive(ctx, args);
  if (is(SUBCOMMANDS.restore)) return restore(ctx, args);
  throw new UserError('accounts.unknownSubcommand', { value: sub.slice(0, 40) }, USAGE);
}

/** `/kam account` (客户): key accounts, their assistants, cadence and touch status. */
export function createAccountsCapability(): Capability {
  return {
    name: 'accounts',
    messages,
    commands: [{ name: 'account', aliases: ['客户', 'accounts'], run }],
  };
}
