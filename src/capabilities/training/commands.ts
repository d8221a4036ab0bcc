import type { Member } from '../../../db/schema/members.ts';
import { RSVP_ANSWERS, type RsvpAnswer } from '../../../db/schema/training.ts';
import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { mention, message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability, HandlerResult } from '../../chat/registry.ts';
import { ephemeral } from '../../chat/reply.ts';
import { formatClockTime, localDate, parseClockTime, parseUserDate, zonedTimeToInstant } from '../../lib/time.ts';
import { checkBadges } from '../badges/service.ts';
import { canActOn, isLead, looksLikeMember, requireCanActOn, requireRole, resolveMemberArg } from '../team/access.ts';
import { getMember } from '../team/directory.ts';
import { teamService } from '../team/service.ts';
import { messages } from './i18n.ts';
import { MAX_DUE_OFFSET_DAYS, MAX_TITLE_LENGTH, trainingService, type ChecklistEntry } from './service.ts';
import { checklistView, formatWhen, inviteMessage, itemTitle, progressCard, teamView } from './views.ts';

const USAGE = 'training';

async function progressFor(ctx: CommandContext, target: Member) {
  const entries = await trainingService.checklist(ctx.scope, target.id);
  const upcoming = await trainingService.upcomingFor(ctx.scope, target.id);
  return progressCard(ctx.t, target.id === ctx.member.id, target.id, entries, upcoming, ctx.member.timezone, localDate(ctx.scope.now, target.timezone), isLead(target));
}

function findEntry(ctx: CommandContext, entries: ChecklistEntry[], typed: string): ChecklistEntry | undefined {
  const n = Number(typed.replace(/^#/, ''));
  if (/^#?\d{1,3}$/.test(typed)) return entries[n - 1];
  const needle = typed.trim().toLowerCase();
  const titles = (e: ChecklistEntry) => [itemTitle(ctx.t, e.item), itemTitle(ctx.translatorFor('en'), e.item), itemTitle(ctx.translatorFor('zh-CN'), e.item), e.item.key]
    .map((x) => x.toLowerCase());
  return entries.find((e) => titles(e).includes(needle)) ?? entries.find((e) => titles(e).some((x) => x.includes(needle)));
}

async function done(ctx: CommandContext, args: Args) {
  const tokens = args.all();
  args.rest();
  const mentionAt = tokens.findIndex((x) => looksLikeMember(x));
  let target = ctx.member;
  if (mentionAt >= 0 && mentionAt === tokens.length - 1 && tokens.length > 1) {
    target = await resolveMemberArg(ctx, tokens.pop(), USAGE);
    requireCanActOn(ctx, target);
  }
  const typed = tokens.join(' ').trim();
  if (!typed) throw new UserError('training.itemRequired', {}, USAGE);
  const entries = await trainingService.checklist(ctx.scope, target.id);
  const entry = findEntry(ctx, entries, typed);
  if (!entry) throw new UserError('training.unknownItem', { value: typed.slice(0, 60) }, USAGE);
  const result = await trainingService.complete(ctx.scope, entry.assignment.id);
  const title = itemTitle(ctx.t, entry.item);
  if (result === 'done') await checkBadges(ctx, target.id);
  return ephemeral(message().text(ctx.t(result === 'done' ? 'training.markedDone' : 'training.alreadyDone', { title })).build());
}

function parseDays(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) > MAX_DUE_OFFSET_DAYS) throw new UserError('training.badDays', { value: raw.slice(0, 20), max: MAX_DUE_OFFSET_DAYS }, USAGE);
  return Number(raw);
}

async function checklist(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  const sub = args.shift()?.toLowerCase() ?? 'list';
  if (['list', 'ls', '列表', '查看'].includes(sub)) return ephemeral(checklistView(t, await trainingService.items(scope)));
  if (['add', '添加'].includes(sub)) {
    requireRole(ctx, 'admin');
    const tokens = args.all();
    args.rest();
    const days = /^\d+$/.test(tokens[tokens.length - 1] ?? '') && tokens.length > 1 ? parseDays(tokens.pop(), 7) : 7;
    const title = tokens.join(' ').trim();
    if (!title) throw new UserError('training.titleRequired', {}, USAGE);
    if (title.length > MAX_TITLE_LENGTH) throw new UserError('training.titleTooLong', { length: title.length, max: MAX_TITLE_LENGTH }, USAGE);
    const item = await trainingService.addItem(scope, title, days);
    return ephemeral(message().text(t('training.itemAdded', { title: itemTitle(t, item), days })).build());
  }
  if (['remove', 'rm', '移除', '删除'].includes(sub)) {
    requireRole(ctx, 'admin');
    const typed = args.rest();
    if (!typed) throw new UserError('training.itemRequired', {}, USAGE);
    const items = await trainingService.items(scope);
    const asEntries = items.map((item) => ({ item, assignment: undefined as never }));
    const found = findEntry(ctx, asEntries, typed);
    if (!found) throw new UserError('training.unknownItem', { value: typed.slice(0, 60) }, USAGE);
    await trainingService.removeItem(scope, found.item.id);
    return ephemeral(message().text(t('training.itemRemoved', { title: itemTitle(t, found.item) })).build());
  }
  throw new UserError('training.unknownSubcommand', { value: sub.slice(0, 40) }, USAGE);
}

async function schedule(ctx: CommandContext, args: Args) {
  requireRole(ctx, 'manager');
  const { t, scope } = ctx;
  const tokens = args.all();
  args.rest();
  const tz = ctx.member.timezone;
  // The date is the first token that parses as one and is followed by a time; the title is before it.
  const at = tokens.findIndex((tok, i) => i > 0 && parseUserDate(tok, scope.now, tz) !== null && tokens[i + 1] !== undefined);
  if (at < 1) throw new UserError('training.scheduleUsage', {}, USAGE);
  const title = tokens.slice(0, at).join(' ').trim();
  if (title.length > MAX_TITLE_LENGTH) throw new UserError('training.titleTooLong', { length: title.length, max: MAX_TITLE_LENGTH }, USAGE);
  const date = parseUserDate(tokens[at]!, scope.now, tz)!;
  const minutes = parseClockTime(tokens[at + 1]!);
  if (minutes === null) throw new UserError('training.badTime', { value: tokens[at + 1]!.slice(0, 20) }, USAGE);
  const startsAt = zonedTimeToInstant(date, formatClockTime(minutes), tz);
  if (!startsAt || startsAt.getTime() <= scope.now.getTime()) throw new UserError('training.sessionInPast', {}, USAGE);
  const who = tokens.slice(at + 2);
  let invitees: Member[] = [];
  const teamWords = ['team', '团队', 'all', '全部'];
  if (!who.length || (who.length === 1 && teamWords.includes(who[0]!.toLowerCase()))) {
    invitees = (await teamService.teamOf(scope, ctx.member.id)).filter((m) => !m.isBot);
  } else {
    for (const token of who) {
      if (teamWords.includes(token.toLowerCase())) {
        invitees.push(...(await teamService.teamOf(scope, ctx.member.id)).filter((m) => !m.isBot));
        continue;
      }
      const m = await resolveMemberArg(ctx, token, USAGE);
      requireCanActOn(ctx, m);
      invitees.push(m);
    }
  }
  invitees = [...new Map(invitees.filter((m) => !m.isBot && m.active).map((m) => [m.id, m])).values()];
  if (!invitees.length) throw new UserError('training.nobodyToInvite', {}, USAGE);
  const session = await trainingService.createSession(scope, { title, startsAt, createdBy: ctx.member.id, memberIds: invitees.map((m) => m.id) });
  for (const m of invitees) {
    await ctx.outbox.enqueue(scope, { memberId: m.id }, inviteMessage(ctx.translatorFor(m.locale), session, m.timezone, null), `training-invite:${session.id}:${m.id}`);
  }
  return ephemeral(message().text(t('training.scheduled', {
    title, id: session.id, when: formatWhen(startsAt, tz), names: invitees.map((m) => mention(m.id)).join(', '),
  })).build());
}

async function attended(ctx: CommandContext, args: Args) {
  requireRole(ctx, 'manager');
  const { t, scope } = ctx;
  const raw = args.shift();
  if (!raw || !/^#?\d{1,9}$/.test(raw)) throw new UserError('training.sessionUnknown', { value: (raw ?? '').slice(0, 20) }, USAGE);
  const session = await trainingService.session(scope, Number(raw.replace('#', '')));
  if (!session) throw new UserError('training.sessionUnknown', { value: raw.slice(0, 20) }, USAGE);
  const people = await resolvePeople(ctx, args);
  const ids = [...new Set(people.map((p) => p.id))];
  const recorded = await trainingService.attend(scope, session.id, ids);
  const already = ids.filter((id) => !recorded.includes(id));
  const lines: string[] = [];
  if (recorded.length) lines.push(t('training.attendedRecorded', { title: session.title, names: recorded.map((id) => mention(id)).join(', ') }));
  if (already.length) lines.push(t('training.attendedAlready', { names: already.map((id) => mention(id)).join(', ') }));
  return ephemeral(message().text(lines.join('\n')).build());
}

/** The @members left in the arguments, each one the acting member may act on (bots refused). */
async function resolvePeople(ctx: CommandContext, args: Args): Promise<Member[]> {
  const tokens = args.all();
  args.rest();
  if (!tokens.length) throw new UserError('error.memberRequired', {}, USAGE);
  const people: Member[] = [];
  for (const token of tokens) {
    const m = await resolveMemberArg(ctx, token, USAGE);
    requireCanActOn(ctx, m);
    if (m.isBot) throw new UserError('error.unknownMember', { name: token.slice(0, 60) }, USAGE);
    people.push(m);
  }
  return people;
}

async function onboardingDm(ctx: CommandContext, assistant: Member): Promise<void> {
  const entries = await trainingService.checklist(ctx.scope, assistant.id);
  const open = entries.filter((e) => !e.assignment.completedAt).map((e) => e.assignment.dueDate).sort();
  if (!open.length) return;
  const t = ctx.translatorFor(assistant.locale);
  await ctx.outbox.enqueue(ctx.scope, { memberId: assistant.id },
    message().text(t('training.assignedDm', { count: entries.length, due: open[0]! })).build(), `training-onboarding:${assistant.id}`);
}

/** Assigns the checklist to members who joined before it existed (or gets them the items added since). */
async function assign(ctx: CommandContext, args: Args) {
  requireRole(ctx, 'manager');
  const people = await resolvePeople(ctx, args);
  const changed: Member[] = [];
  const unchanged: Member[] = [];
  for (const m of new Map(people.map((p) => [p.id, p])).values()) {
    if (await trainingService.assignOnboarding(ctx.scope, m)) {
      changed.push(m);
      await onboardingDm(ctx, m);
    } else unchanged.push(m);
  }
  const names = (list: Member[]) => list.map((m) => mention(m.id)).join(', ');
  const lines: string[] = [];
  if (changed.length) lines.push(ctx.t('training.assigned', { names: names(changed) }));
  if (unchanged.length) lines.push(ctx.t('training.assignedNone', { names: names(unchanged) }));
  return ephemeral(message().text(lines.join('\n')).build());
}

async function team(ctx: CommandContext) {
  requireRole(ctx, 'manager');
  const mine = await teamService.teamOf(ctx.scope, ctx.member.id);
  const stats = await trainingService.teamCompletion(ctx.scope, mine.map((m) => m.id));
  return ephemeral(teamView(ctx.t, mine.map((m) => ({ memberId: m.id, ...stats.get(m.id)! }))));
}

async function training(ctx: CommandContext, args: Args): Promise<HandlerResult> {
  const head = args.peek();
  if (!head) return ephemeral(await progressFor(ctx, ctx.member));
  if (looksLikeMember(head)) {
    const target = await resolveMemberArg(ctx, args.shift(), USAGE);
    requireCanActOn(ctx, target);
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, USAGE);
    return ephemeral(await progressFor(ctx, target));
  }
  const sub = head.toLowerCase();
  args.shift();
  if (['done', 'complete', 'finish', '完成'].includes(sub)) return done(ctx, args);
  if (['checklist', 'items', '清单'].includes(sub)) return checklist(ctx, args);
  if (['schedule', 'plan', '安排'].includes(sub)) return schedule(ctx, args);
  if (['attended', 'attendance', '出席', '签到'].includes(sub)) return attended(ctx, args);
  if (['assign', '分配'].includes(sub)) return assign(ctx, args);
  if (['team', '团队'].includes(sub)) return team(ctx);
  throw new UserError('training.unknownSubcommand', { value: sub.slice(0, 40) }, USAGE);
}

async function markDoneAction(ctx: CommandContext, value: string): Promise<HandlerResult> {
  // Ids are int4 in the database: anything longer than 9 digits is a forged or broken button.
  const assignment = /^\d{1,9}$/.test(value) ? await trainingService.assignment(ctx.scope, Number(value)) : undefined;
  if (!assignment) throw new UserError('error.unknownAction');
  const owner = assignment.memberId === ctx.member.id ? ctx.member : await getMember(ctx.scope, assignment.memberId);
  if (!owner || !canActOn(ctx.member, owner)) throw new UserError('training.notYourItem');
  const result = await trainingService.complete(ctx.scope, assignment.id);
  if (result === 'done') await checkBadges(ctx, owner.id);
  return ephemeral(await progressFor(ctx, owner), { replaceOriginal: true });
}

async function rsvpAction(ctx: CommandContext, value: string): Promise<HandlerResult> {
  const [rawId, rawAnswer] = value.split(':');
  const sessionId = /^\d{1,9}$/.test(rawId ?? '') ? Number(rawId) : NaN;
  if (!Number.isSafeInteger(sessionId) || !(RSVP_ANSWERS as readonly string[]).includes(rawAnswer ?? '')) throw new UserError('error.unknownAction');
  const session = await trainingService.session(ctx.scope, sessionId);
  if (!session) throw new UserError('error.unknownAction');
  const answer = rawAnswer as RsvpAnswer;
  const result = await trainingService.rsvp(ctx.scope, sessionId, ctx.member.id, answer);
  if (result === 'notInvited') throw new UserError('training.rsvpNotInvited');
  return ephemeral(inviteMessage(ctx.t, session, ctx.member.timezone, answer), { replaceOriginal: true });
}

/** Onboarding checklist (初期培训) and continuous training sessions (持续培训). */
export function createTrainingCapability(): Capability {
  return {
    name: 'training',
    messages,
    commands: [{ name: 'training', aliases: ['培训', 'train', '学习'], run: training }],
    actions: [
      { id: 'training.done', run: markDoneAction },
      { id: 'training.rsvp', run: rsvpAction },
    ],
    hooks: {
      async teamJoined(ctx, assistant) {
        if (assistant.isBot) return;
        if (await trainingService.assignOnboarding(ctx.scope, assistant)) await onboardingDm(ctx, assistant);
      },
    },
  };
}
