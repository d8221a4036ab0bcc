import { FEEDBACK_CATEGORIES, type FeedbackCategory } from '../../../db/schema/feedback.ts';
import type { Account } from '../../../db/schema/accounts.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { CommandContext } from '../../chat/context.ts';
import { FormValidationError, UserError } from '../../chat/errors.ts';
import type { FormErrors } from '../../chat/forms.ts';
import { mention, message } from '../../chat/message.ts';
import { closest, type Args } from '../../chat/parser.ts';
import type { Capability, HandlerResult } from '../../chat/registry.ts';
import { ephemeral, openForm, type Reply } from '../../chat/reply.ts';
import { accountNames, canWorkOnAccount, getAccount, resolveAccountArg } from '../accounts/lookup.ts';
import { canActOn, requireRole } from '../team/access.ts';
import { getMember } from '../team/directory.ts';
import { messages } from './i18n.ts';
import { checkBadges } from '../badges/service.ts';
import { FEEDBACK_LIMITS, feedbackService, needsAlert, type FeedbackView, type NewFeedback, type TransitionResult } from './service.ts';
import { accountCard, alertCard, assistantUpdate, FEEDBACK_IDS, feedbackForm, feedbackList, NO_SCORE, resolveForm, savedReply, transitionReply } from './views.ts';

const USAGE = 'feedback';

const CATEGORY_WORDS: Record<string, FeedbackCategory> = {
  product: 'product', '产品': 'product',
  service: 'service', '服务': 'service',
  price: 'price', pricing: 'price', '价格': 'price',
  delivery: 'delivery', '交付': 'delivery', '交货': 'delivery',
  other: 'other', '其他': 'other', '其它': 'other',
};
const COMPLAINT_WORDS = ['complaint', '--complaint', '投诉'];
const SUBCOMMANDS = {
  list: ['list', 'ls', '列表', '查看'],
  ack: ['ack', 'acknowledge', '确认', '受理'],
  resolve: ['resolve', '解决', '处理'],
};
// Longest account name, in words, we try to read unquoted ("Acme Corp 2 price …").
const MAX_NAME_WORDS = 8;

/** Parses a score typed as 4, 4分 or 4/5; anything else (0, 6, abc) is refused. */
function parseScore(raw: string): number {
  const m = raw.trim().match(/^(\d{1,3})(?:分|\/5)?$/);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(n) || n < FEEDBACK_LIMITS.minScore || n > FEEDBACK_LIMITS.maxScore) {
    throw new UserError('feedback.badScore', { value: raw.slice(0, 40) }, USAGE);
  }
  return n;
}

function parseCategory(ctx: CommandContext, raw: string): FeedbackCategory {
  const category = CATEGORY_WORDS[raw.trim().toLowerCase()];
  if (!category) {
    throw new UserError('error.badChoice', {
      value: raw.slice(0, 40), field: ctx.t('feedback.field.category'),
      choices: FEEDBACK_CATEGORIES.map((c) => `${c} (${ctx.t(`feedback.category.${c}`)})`).join(', '),
    }, USAGE);
  }
  return category;
}

function parseId(raw: string | undefined): number {
  const m = raw?.trim().match(/^#?(\d{1,9})$/);
  if (!m) throw new UserError(raw ? 'feedback.badId' : 'feedback.idRequired', { value: (raw ?? '').slice(0, 40) }, USAGE);
  return Number(m[1]);
}

function checkText(ctx: CommandContext, text: string, field: string, max: number): void {
  if (text.length > max) throw new UserError('error.tooLong', { field: ctx.t(field), length: text.length, max }, USAGE);
}

/**
 * Reads an account name from the front of the tokens, so "Acme Corp" works unquoted: the
 * longest leading run of words naming an account wins. Unknown names get suggestions.
 */
async function takeAccount(ctx: CommandContext, tokens: string[], requireAccess: boolean): Promise<{ account: Account; rest: string[] }> {
  if (!tokens.length) throw new UserError('accounts.nameRequired', {}, USAGE);
  const names = new Map((await accountNames(ctx.scope)).map((n) => [n.toLowerCase(), n]));
  for (let k = Math.min(tokens.length, MAX_NAME_WORDS); k >= 1; k -= 1) {
    const name = names.get(tokens.slice(0, k).join(' ').replace(/^#/, '').toLowerCase());
    if (name) return { account: await resolveAccountArg(ctx, name, USAGE, { requireAccess }), rest: tokens.slice(k) };
  }
  // Nothing matched: blame the words that look most like an account name, for better suggestions.
  const candidates = [...names.values()];
  let typed = tokens[0]!;
  for (let k = Math.min(tokens.length, 3); k >= 1; k -= 1) {
    const words = tokens.slice(0, k).join(' ');
    if (closest(words, candidates, 1).length) { typed = words; break; }
  }
  await resolveAccountArg(ctx, typed, USAGE, { requireAccess });
  throw new UserError('accounts.unknown', { name: typed.slice(0, 80) }, USAGE);
}

/**
 * `feedback <account> [score] [category] [complaint] "<text>"`. Options (score=, category=) may
 * stand anywhere; bare score, category and complaint words are read before and after the text.
 */
async function parseNewFeedback(ctx: CommandContext, args: Args): Promise<NewFeedback> {
  const scoreRaw = args.takeOption('score', 'rating', '分数', '评分', '打分');
  const categoryRaw = args.takeOption('category', 'cat', '类别', '分类', '类型');
  const textOption = args.takeOption('text', '内容');
  let score = scoreRaw === undefined ? null : parseScore(scoreRaw);
  let category = categoryRaw === undefined ? undefined : parseCategory(ctx, categoryRaw);
  let isComplaint = false;
  const { account, rest } = await takeAccount(ctx, args.all(), true);

  const consume = (token: string): boolean => {
    const lower = token.toLowerCase();
    if (COMPLAINT_WORDS.includes(lower) && !isComplaint) { isComplaint = true; return true; }
    if (!category && CATEGORY_WORDS[lower]) { category = CATEGORY_WORDS[lower]; return true; }
    if (score === null && /^\d{1,3}(?:分|\/5)?$/.test(token)) { score = parseScore(token); return true; }
    return false;
  };
  const words = [...rest];
  while (words.length && consume(words[0]!)) words.shift();
  while (words.length && consume(words[words.length - 1]!)) words.pop();
  const text = (textOption ?? words.join(' ')).trim();
  if (textOption !== undefined && words.length) throw new UserError('error.extraArguments', { value: words.join(' ').slice(0, 40) }, USAGE);
  if (!text) throw new UserError('feedback.textRequired', {}, USAGE);
  checkText(ctx, text, 'feedback.field.text', FEEDBACK_LIMITS.textLength);
  return { account, score, category: category ?? 'other', isComplaint, text };
}

/** Saves feedback and, for a low score or a complaint, alerts the manager in the same transaction. */
async function logFeedback(ctx: CommandContext, input: NewFeedback): Promise<Reply> {
  const row = await feedbackService.record(ctx.scope, ctx.member, input);
  const view: FeedbackView = { feedback: row, accountName: input.account.name };
  const alerted: Member[] = [];
  // A 5-star score may earn the "first 5-star feedback" badge (announced as praise).
  if (row.score === 5) await checkBadges(ctx, ctx.member.id);
  if (needsAlert(row)) {
    const recipients = await feedbackService.alertRecipients(ctx.scope, ctx.member);
    for (const recipient of recipients) {
      const key = recipient.id === ctx.member.managerId ? `feedback-alert:${row.id}` : `feedback-alert:${row.id}:${recipient.id}`;
      await ctx.outbox.enqueue(ctx.scope, { memberId: recipient.id }, alertCard(ctx.translatorFor(recipient.locale), view, recipient.timezone), key);
      alerted.push(recipient);
    }
  }
  return ephemeral(savedReply(ctx.t, view, alerted));
}

/** Loads an entry the acting member may move along (their team's complaint), or refuses. */
async function loadForTransition(ctx: CommandContext, id: number): Promise<{ view: FeedbackView; author: Member | undefined }> {
  requireRole(ctx, 'manager');
  const view = await feedbackService.get(ctx.scope, id);
  if (!view) throw new UserError('feedback.notFound', { id }, USAGE);
  const author = await getMember(ctx.scope, view.feedback.memberId);
  if (author && !canActOn(ctx.member, author)) throw new UserError('error.notYourTeam', { name: mention(author.id) });
  return { view, author };
}

/** After a successful transition: tell the assistant (once) and return the updated view. */
async function afterTransition(ctx: CommandContext, result: TransitionResult & { ok: true }, view: FeedbackView, author: Member | undefined): Promise<FeedbackView> {
  const updated = { feedback: result.feedback, accountName: view.accountName };
  if (author && author.id !== ctx.member.id) {
    const step = result.feedback.status === 'resolved' ? 'resolved' : 'ack';
    await ctx.outbox.enqueue(ctx.scope, { memberId: author.id },
      assistantUpdate(ctx.translatorFor(author.locale), updated, ctx.member), `feedback-${step}:${result.feedback.id}`);
  }
  return updated;
}

function refusal(result: TransitionResult & { ok: false }): UserError {
  return new UserError(`feedback.refused.${result.reason}`, { id: result.feedback.id });
}

async function acknowledge(ctx: CommandContext, id: number): Promise<FeedbackView> {
  const { view, author } = await loadForTransition(ctx, id);
  const result = await feedbackService.acknowledge(ctx.scope, id);
  if (!result) throw new UserError('feedback.notFound', { id }, USAGE);
  if (!result.ok) throw refusal(result);
  return afterTransition(ctx, result, view, author);
}

async function resolve(ctx: CommandContext, id: number, note: string): Promise<FeedbackView> {
  const { view, author } = await loadForTransition(ctx, id);
  const result = await feedbackService.resolve(ctx.scope, id, note);
  if (!result) throw new UserError('feedback.notFound', { id }, USAGE);
  if (!result.ok) throw refusal(result);
  return afterTransition(ctx, result, view, author);
}

/** Refuses a resolve that cannot happen before asking anyone to type a note for it. */
function precheckResolve(view: FeedbackView): void {
  if (!view.feedback.isComplaint) throw new UserError('feedback.refused.notComplaint', { id: view.feedback.id });
  if (view.feedback.status === 'resolved') throw new UserError('feedback.refused.alreadyResolved', { id: view.feedback.id });
}

async function list(ctx: CommandContext, args: Args): Promise<Reply> {
  const { t } = ctx;
  const openOnly = args.takeFlag('open', '未解决', '待处理', 'unresolved');
  args.takeFlag('all', '全部');
  let account: Account | undefined;
  if (args.length) {
    const taken = await takeAccount(ctx, args.all(), false);
    if (taken.rest.length) throw new UserError('error.extraArguments', { value: taken.rest.join(' ').slice(0, 40) }, USAGE);
    account = taken.account;
  }
  const rows = await feedbackService.list(ctx.scope, ctx.member, { accountId: account?.id, openOnly });
  const title = [openOnly ? t('feedback.list.openTitle') : t('feedback.list.title'), account?.name].filter(Boolean).join(' · ');
  return ephemeral(feedbackList(t, ctx.member.timezone, rows, title));
}

async function run(ctx: CommandContext, args: Args): Promise<HandlerResult> {
  const { t } = ctx;
  if (!args.length) {
    const options = await feedbackService.accountsFor(ctx.scope, ctx.member);
    if (!options.length) throw new UserError('feedback.noAccounts');
    return openForm(feedbackForm(t, options));
  }
  const head = args.peek()!.toLowerCase();
  if (SUBCOMMANDS.list.includes(head)) { args.shift(); return list(ctx, args); }
  if (SUBCOMMANDS.ack.includes(head)) {
    args.shift();
    const id = parseId(args.shift());
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, USAGE);
    const view = await acknowledge(ctx, id);
    return ephemeral(transitionReply(t, view, ctx.member.timezone));
  }
  if (SUBCOMMANDS.resolve.includes(head)) {
    args.shift();
    const id = parseId(args.shift());
    const note = args.rest();
    checkText(ctx, note, 'feedback.field.resolution', FEEDBACK_LIMITS.noteLength);
    if (!note) {
      const { view } = await loadForTransition(ctx, id);
      precheckResolve(view);
      return openForm(resolveForm(t, view));
    }
    const view = await resolve(ctx, id, note);
    return ephemeral(transitionReply(t, view, ctx.member.timezone));
  }
  return logFeedback(ctx, await parseNewFeedback(ctx, args));
}

/** A button value: the feedback id, optionally with a re-render nonce (`12.kx3f`). */
function parseButtonValue(value: string): number {
  const m = value.match(/^(\d{1,9})(?:\.[0-9a-z]{1,12})?$/);
  if (!m) throw new UserError('error.unknownAction');
  return Number(m[1]);
}

/** A button on an alert card: refresh the card in place, whatever happened. */
async function cardButton(ctx: CommandContext, value: string, step: 'ack' | 'resolve'): Promise<HandlerResult> {
  const id = parseButtonValue(value);
  const { view } = await loadForTransition(ctx, id);
  const tz = ctx.member.timezone;
  if (step === 'resolve') {
    if (view.feedback.status === 'resolved' || !view.feedback.isComplaint) {
      return [ephemeral(alertCard(ctx.t, view, tz), { replaceOriginal: true }), ephemeral(message().text(ctx.t(view.feedback.isComplaint ? 'feedback.refused.alreadyResolved' : 'feedback.refused.notComplaint', { id })).build())];
    }
    return [
      openForm(resolveForm(ctx.t, view)),
      ephemeral(alertCard(ctx.t, view, tz, { resolveNonce: ctx.scope.now.getTime().toString(36) }), { replaceOriginal: true }),
    ];
  }
  try {
    const updated = await acknowledge(ctx, id);
    return ephemeral(alertCard(ctx.t, updated, tz), { replaceOriginal: true });
  } catch (error) {
    if (!(error instanceof UserError) || !error.key.startsWith('feedback.refused.')) throw error;
    // Somebody (or an earlier click) got there first: show the card as it is now, change nothing.
    return [ephemeral(alertCard(ctx.t, view, tz), { replaceOriginal: true }), ephemeral(message().text(ctx.t(error.key, error.params)).build())];
  }
}

async function showAccount(ctx: CommandContext, value: string): Promise<HandlerResult> {
  const account = /^\d{1,9}$/.test(value) ? await getAccount(ctx.scope, Number(value)) : undefined;
  if (!account) throw new UserError('feedback.accountGone');
  if (!(await canWorkOnAccount(ctx.scope, ctx.member, account))) throw new UserError('accounts.notYours', { name: account.name });
  const summary = await feedbackService.accountSummary(ctx.scope, account.id);
  const recent = await feedbackService.list(ctx.scope, ctx.member, { accountId: account.id, limit: 5 });
  return ephemeral(accountCard(ctx.t, ctx.member.timezone, account, summary, recent));
}

async function submitForm(ctx: CommandContext, values: Record<string, string>): Promise<HandlerResult> {
  const { t } = ctx;
  const errors: FormErrors = {};
  const rawAccount = (values.account ?? '').trim();
  const account = /^\d{1,9}$/.test(rawAccount) ? await getAccount(ctx.scope, Number(rawAccount)) : undefined;
  if (!account || account.archivedAt) errors.account = t('feedback.form.pickAccount');
  else if (!(await canWorkOnAccount(ctx.scope, ctx.member, account))) errors.account = t('accounts.notYours', { name: account.name });
  let score: number | null = null;
  const scoreRaw = (values.score ?? '').trim();
  if (scoreRaw && scoreRaw !== NO_SCORE) {
    try { score = parseScore(scoreRaw); } catch { errors.score = t('feedback.badScore', { value: scoreRaw.slice(0, 40) }); }
  }
  const category = CATEGORY_WORDS[(values.category ?? 'other').trim().toLowerCase()];
  if (!category) errors.category = t('feedback.form.pickCategory');
  const complaintRaw = (values.complaint ?? 'no').trim().toLowerCase();
  if (!['yes', 'no', ''].includes(complaintRaw)) errors.complaint = t('feedback.form.pickComplaint');
  const text = (values.text ?? '').trim();
  if (!text) errors.text = t('feedback.textRequired');
  else if (text.length > FEEDBACK_LIMITS.textLength) errors.text = t('error.tooLong', { field: t('feedback.field.text'), length: text.length, max: FEEDBACK_LIMITS.textLength });
  if (Object.keys(errors).length) throw new FormValidationError(errors);
  return logFeedback(ctx, { account: account!, score, category: category!, isComplaint: complaintRaw === 'yes', text });
}

async function submitResolveNote(ctx: CommandContext, values: Record<string, string>, state: string | undefined): Promise<HandlerResult> {
  const { t } = ctx;
  const id = parseId(state);
  const note = (values.note ?? '').trim();
  if (!note) throw new FormValidationError({ note: t('feedback.noteRequired') });
  if (note.length > FEEDBACK_LIMITS.noteLength) {
    throw new FormValidationError({ note: t('error.tooLong', { field: t('feedback.field.resolution'), length: note.length, max: FEEDBACK_LIMITS.noteLength }) });
  }
  const view = await resolve(ctx, id, note);
  return [ephemeral(transitionReply(t, view, ctx.member.timezone)), ephemeral(alertCard(t, view, ctx.member.timezone))];
}

/** Client feedback with complaint tracking: `/kam feedback` (反馈). */
export function createFeedbackCapability(): Capability {
  return {
    name: 'feedback',
    messages,
    commands: [{ name: 'feedback', aliases: ['反馈', 'fb'], run }],
    actions: [
      { id: FEEDBACK_IDS.ack, run: (ctx, value) => cardButton(ctx, value, 'ack') },
      { id: FEEDBACK_IDS.resolve, run: (ctx, value) => cardButton(ctx, value, 'resolve') },
      { id: FEEDBACK_IDS.account, run: showAccount },
    ],
    forms: [
      { id: FEEDBACK_IDS.form, submit: (ctx, values) => submitForm(ctx, values) },
      { id: FEEDBACK_IDS.resolveForm, submit: submitResolveNote },
    ],
  };
}
