import { MEETING_QUESTIONS, type MeetingAnswers, type MeetingPrompt } from '../../../db/schema/meetings.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { CommandContext } from '../../chat/context.ts';
import { FormValidationError, UserError } from '../../chat/errors.ts';
import { mention, message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability, HandlerResult } from '../../chat/registry.ts';
import { ephemeral, openForm } from '../../chat/reply.ts';
import { localParts, parseUserDate } from '../../lib/time.ts';
import { isLead, requireRole, resolveMemberArg } from '../team/access.ts';
import { getMember } from '../team/directory.ts';
import { messages } from './i18n.ts';
import {
  loadMeetingSlots, MAX_ANSWER_LENGTH, MAX_TASK_LENGTH, meetingsService, nextMeeting, parseDmAnswers, type ActionInput,
} from './service.ts';
import { agendaMessage, answerForm, formatWhen, itemLines, itemsMessage } from './views.ts';

const USAGE = 'meeting';
/** An agenda stays "current" for two hours after its meeting started. */
const CURRENT_MEETING_MS = 2 * 3_600_000;

async function showAgenda(ctx: CommandContext, manager: Member) {
  const slot = (await loadMeetingSlots(ctx.scope, [manager.id])).get(manager.id);
  if (!slot) return ephemeral(message().text(ctx.t('meetings.noMeetingSet')).build());
  const meeting = nextMeeting(manager.id, slot, manager.timezone, new Date(ctx.scope.now.getTime() - CURRENT_MEETING_MS));
  const agendas = await meetingsService.buildAgendas(ctx.scope, [meeting]);
  return ephemeral(agendaMessage(ctx.t, agendas.get(manager.id)!, formatWhen(meeting.at, ctx.member.timezone, ctx.locale)));
}

async function openAnswerForm(ctx: CommandContext, prompt: MeetingPrompt | undefined): Promise<HandlerResult> {
  if (!prompt) {
    const hint = ctx.member.managerId ? await nextMeetingHint(ctx, ctx.member.managerId) : '';
    return ephemeral(message().text(ctx.t('meetings.noOpenPrompt')).context(hint).build());
  }
  if (prompt.assistantId !== ctx.member.id) throw new UserError('meetings.notYourPrompt');
  if (prompt.meetingAt.getTime() <= ctx.scope.now.getTime()) throw new UserError('meetings.promptClosed');
  return openForm(answerForm(ctx.t, prompt.id, prompt.answers));
}

async function nextMeetingHint(ctx: CommandContext, managerId: number): Promise<string> {
  const manager = await getMember(ctx.scope, managerId);
  if (!manager) return '';
  const slot = (await loadMeetingSlots(ctx.scope, [managerId])).get(managerId);
  if (!slot) return '';
  const meeting = nextMeeting(managerId, slot, manager.timezone, ctx.scope.now);
  return ctx.t('meetings.nextMeeting', { when: formatWhen(meeting.at, ctx.member.timezone, ctx.locale) });
}

const ACTION_PATTERN = /^\s*(<@m:\d+>|[@＠][^\s:：]+)\s*[:：]?\s*([\s\S]+)$/;
const DUE_PATTERN = /\s*(?:[(（]\s*(?:due|截止|到期)?\s*[:：]?\s*([^()（）]+?)\s*[)）]|\s(?:due|截止|到期)\s*[:：]?\s*(\S+))\s*$/i;

/** Parses `@owner: task (due 2026-12-05)`; refuses owners outside the team and past dates. */
async function parseAction(ctx: CommandContext, raw: string): Promise<ActionInput & { owner: Member }> {
  const m = raw.match(ACTION_PATTERN);
  if (!m) throw new UserError('meetings.badAction', { value: raw.slice(0, 80) }, USAGE);
  const owner = await resolveMemberArg(ctx, m[1]!.replace(/^＠/, '@'), USAGE);
  // Action items belong to this manager's meeting: the manager or their own assistants own them.
  if ((owner.id !== ctx.member.id && owner.managerId !== ctx.member.id) || owner.isBot) throw new UserError('meetings.ownerNotOnTeam', { name: mention(owner.id) }, USAGE);
  let task = m[2]!.trim();
  let dueDate: string | null = null;
  const due = task.match(DUE_PATTERN);
  if (due) {
    const typed = (due[1] ?? due[2]!).trim();
    dueDate = parseUserDate(typed, ctx.scope.now, owner.timezone);
    if (!dueDate) throw new UserError('error.badDate', { value: typed.slice(0, 40) }, USAGE);
    if (dueDate < localParts(ctx.scope.now, owner.timezone).date) throw new UserError('meetings.duePast', { date: dueDate }, USAGE);
    task = task.slice(0, due.index).trim();
  }
  if (!task) throw new UserError('meetings.badAction', { value: raw.slice(0, 80) }, USAGE);
  if (task.length > MAX_TASK_LENGTH) throw new UserError('meetings.taskTooLong', { length: task.length, max: MAX_TASK_LENGTH }, USAGE);
  return { ownerId: owner.id, owner, task, dueDate };
}

async function recordNotes(ctx: CommandContext, args: Args) {
  requireRole(ctx, 'manager');
  const rawActions: string[] = [];
  for (let a = args.takeOption('action', 'todo', '行动', '行动项', '待办'); a !== undefined; a = args.takeOption('action', 'todo', '行动', '行动项', '待办')) {
    rawActions.push(a);
  }
  const notes = args.rest();
  if (!notes && !rawActions.length) throw new UserError('meetings.notesOrActionsRequired', {}, USAGE);
  const items: Array<ActionInput & { owner: Member }> = [];
  for (const raw of rawActions) items.push(await parseAction(ctx, raw));
  const ownerOf = new Map(items.map((i) => [i.ownerId, i.owner]));
  const created = await meetingsService.recordNotes(ctx.scope, ctx.member.id, notes, items);
  for (const item of created) {
    if (item.ownerId === ctx.member.id) continue;
    const owner = ownerOf.get(item.ownerId);
    const t2 = ctx.translatorFor(owner?.locale ?? ctx.locale);
    await ctx.outbox.enqueue(ctx.scope, { memberId: item.ownerId }, message()
      .text(t2('meetings.newItemNotice', { manager: mention(ctx.member.id), task: item.task, due: item.dueDate ? t2('meetings.due', { date: item.dueDate }) : t2('meetings.noDue') }))
      .buttons([{ label: t2('meetings.markDone', { id: item.id }), action: 'meeting.done', value: String(item.id) }])
      .build(), `action-item-new:${item.id}`);
  }
  return ephemeral(message()
    .text(`✅ ${ctx.t('meetings.notesSaved')}`)
    .text(created.length ? `**${ctx.t('meetings.actionsCreated', { count: created.length })}**\n${itemLines(ctx.t, created, () => undefined)}` : '')
    .build());
}

async function listActions(ctx: CommandContext, args: Args) {
  const which = args.shift()?.toLowerCase() ?? 'open';
  if (!['open', 'all', '未完成', '全部'].includes(which)) {
    throw new UserError('error.badChoice', { value: which.slice(0, 40), field: 'actions', choices: 'open, all' }, USAGE);
  }
  const all = which === 'all' || which === '全部';
  const items = await meetingsService.listItems(ctx.scope, isLead(ctx.member)
    ? { managerId: ctx.member.id, ownerId: ctx.member.id, all }
    : { ownerId: ctx.member.id, all });
  const today = localParts(ctx.scope.now, ctx.member.timezone).date;
  return ephemeral(itemsMessage(ctx.t, items, all, () => today));
}

async function markDone(ctx: CommandContext, raw: string | undefined) {
  const value = (raw ?? '').replace(/^#/, '');
  if (!/^\d{1,9}$/.test(value)) throw new UserError('meetings.badItemId', { value: (raw ?? '').slice(0, 40) }, USAGE);
  const item = await meetingsService.getItem(ctx.scope, Number(value));
  const allowed = item && (item.ownerId === ctx.member.id || item.managerId === ctx.member.id || ctx.member.role === 'admin');
  if (!item || !allowed) throw new UserError('meetings.unknownItem', { id: value });
  if (item.status === 'done') return ephemeral(message().text(ctx.t('meetings.alreadyDone', { id: item.id })).build());
  await meetingsService.markDone(ctx.scope, item);
  if (item.managerId !== ctx.member.id) {
    const manager = await getMember(ctx.scope, item.managerId);
    const t2 = ctx.translatorFor(manager?.locale ?? ctx.locale);
    await ctx.outbox.enqueue(ctx.scope, { memberId: item.managerId },
      message().text(t2('meetings.itemDoneNotice', { owner: mention(ctx.member.id), id: item.id, task: item.task })).build(), `action-item-done:${item.id}`);
  }
  return ephemeral(message().text(`✅ ${ctx.t('meetings.itemDone', { id: item.id, task: item.task })}`).build());
}

async function meeting(ctx: CommandContext, args: Args): Promise<HandlerResult> {
  const sub = args.shift()?.toLowerCase();
  if (!sub) {
    if (isLead(ctx.member)) return showAgenda(ctx, ctx.member);
    return openAnswerForm(ctx, await meetingsService.openPrompt(ctx.scope, ctx.member.id));
  }
  if (['agenda', '议程'].includes(sub)) {
    requireRole(ctx, 'manager');
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, USAGE);
    return showAgenda(ctx, ctx.member);
  }
  if (['answer', 'answers', '回答', '填写'].includes(sub)) return openAnswerForm(ctx, await meetingsService.openPrompt(ctx.scope, ctx.member.id));
  if (['notes', 'note', '纪要', '会议纪要'].includes(sub)) return recordNotes(ctx, args);
  if (['actions', 'action', 'items', '行动项', '待办'].includes(sub)) return listActions(ctx, args);
  if (['done', 'close', '完成'].includes(sub)) return markDone(ctx, args.shift());
  throw new UserError('meetings.unknownSubcommand', { value: sub.slice(0, 40) }, USAGE);
}

/** Saves answers typed into DMs while a prompt is open; confirms what was captured. */
async function captureDm(ctx: CommandContext, text: string): Promise<HandlerResult | undefined> {
  if (ctx.conversation.kind !== 'dm' || ctx.member.role !== 'assistant' || !text.trim()) return undefined;
  const prompt = await meetingsService.openPrompt(ctx.scope, ctx.member.id, { unansweredOnly: true });
  if (!prompt) return undefined;
  const pairs = parseDmAnswers(text, prompt.answers);
  if (!pairs.length) return undefined;
  const saved = await meetingsService.saveAnswers(ctx.scope, prompt, Object.fromEntries(pairs) as MeetingAnswers);
  const { t } = ctx;
  const b = message();
  for (const [q, a] of pairs) b.text(t('meetings.captured', { question: t(`meetings.q.${q}`), answer: a || t('meetings.skipped') }));
  const next = MEETING_QUESTIONS.find((q) => saved.answers[q] === undefined);
  if (next) b.context(t('meetings.nextQuestion', { question: t(`meetings.q.${next}`) }));
  else b.text(t('meetings.capturedAll', { manager: mention(prompt.managerId) })).context(t('meetings.editHint'));
  return ephemeral(b.build());
}

async function submitAnswers(ctx: CommandContext, values: Record<string, string>, state: string | undefined) {
  const prompt = /^\d{1,9}$/.test(state ?? '') ? await meetingsService.getPrompt(ctx.scope, Number(state)) : undefined;
  if (!prompt) throw new UserError('error.unknownForm');
  if (prompt.assistantId !== ctx.member.id) throw new UserError('meetings.notYourPrompt');
  if (prompt.meetingAt.getTime() <= ctx.scope.now.getTime()) throw new UserError('meetings.promptClosed');
  const answers: MeetingAnswers = {};
  const errors: Record<string, string> = {};
  for (const q of MEETING_QUESTIONS) {
    const v = (values[q] ?? '').trim();
    if (v.length > MAX_ANSWER_LENGTH) errors[q] = ctx.t('error.tooLong', { field: ctx.t(`meetings.q.${q}`), length: v.length, max: MAX_ANSWER_LENGTH });
    answers[q] = v;
  }
  if (Object.keys(errors).length) throw new FormValidationError(errors);
  if (MEETING_QUESTIONS.every((q) => !answers[q])) throw new FormValidationError({ [MEETING_QUESTIONS[0]]: ctx.t('meetings.formEmpty') });
  await meetingsService.saveAnswers(ctx.scope, prompt, answers, true);
  return ephemeral(message().text(`✅ ${ctx.t('meetings.answersSaved', { when: formatWhen(prompt.meetingAt, ctx.member.timezone, ctx.locale) })}`).build());
}

/** Weekly meeting (周会): prompt answers, agenda, notes and action items. */
export function createMeetingsCapability(): Capability {
  return {
    name: 'meetings',
    messages,
    commands: [{ name: 'meeting', aliases: ['周会', 'meetings', '会议'], run: meeting }],
    actions: [
      {
        id: 'meeting.answer',
        run: async (ctx, value) => {
          const prompt = /^\d{1,9}$/.test(value) ? await meetingsService.getPrompt(ctx.scope, Number(value)) : undefined;
          return openAnswerForm(ctx, prompt);
        },
      },
      { id: 'meeting.done', run: (ctx, value) => markDone(ctx, value) },
    ],
    forms: [{ id: 'meeting.answers', submit: submitAnswers }],
    textHandlers: [{ name: 'meeting.dm-answers', handle: captureDm }],
  };
}
