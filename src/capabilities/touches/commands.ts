import type { Account } from '../../../db/schema/accounts.ts';
import { TOUCH_KINDS, type TouchKind } from '../../../db/schema/touches.ts';
import type { CommandContext } from '../../chat/context.ts';
import { FormValidationError, UserError } from '../../chat/errors.ts';
import { message } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability } from '../../chat/registry.ts';
import { ephemeral, openForm } from '../../chat/reply.ts';
import { periodContaining } from '../../lib/time.ts';
import { canWorkOnAccount, findAccountByName, getAccount, takeAccountFromTokens, visibleAccounts } from '../accounts/lookup.ts';
import { messages } from './i18n.ts';
import { checkText, fieldCheck, looksLikeDate, memberToday, parseDue, parseKind, parseWhen, requireText } from './input.ts';
import { TOUCH_LIMITS, touchService, type NewTouch } from './service.ts';
import { touchForm, touchList, touchLogged, TOUCH_FORM_ID, visitForm, visitReport, VISIT_FORM_ID } from './views.ts';
import { checkBadges } from '../badges/service.ts';

const TOUCH = 'touch';
const VISIT = 'visit';

const SUB_LIST = ['list', 'ls', '列表'];
const SUB_DONE = ['done', 'complete', '完成'];
const SUB_DELETE = ['delete', 'undo', 'remove', '删除', '撤销'];
const PERIOD_WORDS: Record<string, 'week' | 'month'> = { week: 'week', '本周': 'week', '周': 'week', month: 'month', '本月': 'month', '月': 'month' };

const OPT = {
  next: ['next', '下一步', '下步'],
  due: ['due', '截止', '到期'],
  attendees: ['attendees', 'who', '参会人', '出席', '参与人'],
  needs: ['needs', '需求', '客户需求'],
  outcome: ['outcome', 'result', '结果', '成果'],
} as const;

/** Next step and due date, checked together: a due date needs a step to be due. */
function nextStepFrom(ctx: CommandContext, rawNext: string | undefined, rawDue: string | undefined, usageOf?: string) {
  const nextStep = checkText(ctx, rawNext, 'touches.nextStep', TOUCH_LIMITS.nextStep, usageOf);
  const nextStepDue = parseDue(ctx, rawDue, usageOf);
  if (nextStepDue && !nextStep) throw new UserError('touches.dueWithoutNext', {}, usageOf);
  return { nextStep, nextStepDue };
}

async function logAndConfirm(ctx: CommandContext, account: Account, input: Omit<NewTouch, 'accountId' | 'memberId'>) {
  const touch = await touchService.log(ctx.scope, { ...input, accountId: account.id, memberId: ctx.member.id });
  // Visit milestones (10/50/100) earn badges, announced as praise.
  if (touch.kind === 'visit') await checkBadges(ctx, ctx.member.id);
  const tz = ctx.member.timezone;
  return ephemeral(touch.kind === 'visit' && touch.outcome
    ? visitReport(ctx.t, touch, account, tz)
    : touchLogged(ctx.t, touch, account, tz));
}

/** `touch <account> <kind> [when] "<summary>" [next="…"] [due=<date>]` */
async function logTouch(ctx: CommandContext, args: Args) {
  const rawNext = args.takeOption(...OPT.next);
  const rawDue = args.takeOption(...OPT.due);
  const tokens = args.all();
  const kindIndex = tokens.findIndex((token, i) => i > 0 && parseKind(token) !== undefined);
  const { account, rest } = await takeAccountFromTokens(ctx, tokens, TOUCH, { typedWords: kindIndex > 0 ? kindIndex : 1 });
  const kindWord = rest.shift();
  if (!kindWord) throw new UserError('touches.kindRequired', { choices: TOUCH_KINDS.join(', ') }, TOUCH);
  const kind = parseKind(kindWord);
  if (!kind) throw new UserError('touches.badKind', { value: kindWord.slice(0, 30), choices: kindChoices(ctx) }, TOUCH);
  const occurredAt = looksLikeDate(rest[0], ctx) ? parseWhen(ctx, rest.shift(), TOUCH) : ctx.scope.now;
  const summary = requireText(ctx, rest.join(' '), 'touches.summary', TOUCH_LIMITS.summary, TOUCH);
  const { nextStep, nextStepDue } = nextStepFrom(ctx, rawNext, rawDue, TOUCH);
  return logAndConfirm(ctx, account, { kind, occurredAt, summary, nextStep, nextStepDue });
}

function kindChoices(ctx: CommandContext): string {
  return TOUCH_KINDS.map((k) => `${k} (${ctx.t(`touches.kind.${k}`)})`).join(', ');
}

/** `touch list [account] [week|month]` */
async function listTouches(ctx: CommandContext, args: Args) {
  const tokens = args.all();
  const period = tokens.length ? PERIOD_WORDS[tokens[tokens.length - 1]!.toLowerCase()] : undefined;
  if (period) tokens.pop();
  let account: Account | undefined;
  if (tokens.length) {
    const found = await takeAccountFromTokens(ctx, tokens, TOUCH, { typedWords: tokens.length });
    if (found.rest.length) throw new UserError('error.extraArguments', { value: found.rest.join(' ').slice(0, 40) }, TOUCH);
    account = found.account;
  }
  const range = period ? periodContaining(period, ctx.scope.now, ctx.member.timezone) : undefined;
  const rows = await touchService.listVisible(ctx.scope, ctx.member, { accountId: account?.id, from: range?.start, to: range?.end });
  const title = ctx.t(period ? `touches.listTitle.${period}` : 'touches.listTitle.recent', { name: account?.name ?? '', period: range?.key ?? '' });
  return ephemeral(touchList(ctx.t, rows, account ? `${title} · ${account.name}` : title, ctx.member.timezone));
}

/** A touch by a typed id (#12 or 12) on an account the member may work on. */
async function touchArg(ctx: CommandContext, rawId: string | undefined) {
  const id = rawId?.trim().replace(/^[#＃]/, '');
  if (!id) throw new UserError('touches.idRequired', {}, TOUCH);
  if (!/^\d{1,9}$/.test(id)) throw new UserError('touches.unknownTouch', { id: id.slice(0, 20) }, TOUCH);
  const touch = await touchService.get(ctx.scope, Number(id));
  if (!touch) throw new UserError('touches.unknownTouch', { id }, TOUCH);
  const account = await getAccount(ctx.scope, touch.accountId);
  if (!account || !(await canWorkOnAccount(ctx.scope, ctx.member, account))) throw new UserError('accounts.notYours', { name: account?.name ?? '' });
  return { id, touch, account };
}

/** Deletes a mistaken touch: only its author, or an admin. */
async function deleteTouch(ctx: CommandContext, rawId: string | undefined) {
  const { touch, account } = await touchArg(ctx, rawId);
  if (touch.memberId !== ctx.member.id && ctx.member.role !== 'admin') throw new UserError('touches.notYourTouch', { id: touch.id });
  await touchService.remove(ctx.scope, touch);
  return ephemeral(message().text(ctx.t('touches.deleted', { id: touch.id, kind: ctx.t(`touches.kind.${touch.kind}`), name: account.name })).build());
}

/** Completes a touch's next step (command and button share this). */
async function completeNextStep(ctx: CommandContext, rawId: string | undefined) {
  const { id, touch, account } = await touchArg(ctx, rawId);
  if (!touch.nextStep) throw new UserError('touches.noNextStep', { id });
  const done = await touchService.completeNextStep(ctx.scope, touch);
  const key = done ? 'touches.nextStepDone' : 'touches.nextStepAlreadyDone';
  return ephemeral(message().text(ctx.t(key, { step: touch.nextStep, name: account.name })).build());
}

async function touchCommand(ctx: CommandContext, args: Args) {
  const sub = args.peek()?.toLowerCase();
  if (sub === undefined) return openTouchForm(ctx, undefined);
  if (SUB_LIST.includes(sub)) { args.shift(); return listTouches(ctx, args); }
  if (SUB_DONE.includes(sub) || SUB_DELETE.includes(sub)) {
    args.shift();
    const id = args.shift();
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, TOUCH);
    return SUB_DONE.includes(sub) ? completeNextStep(ctx, id) : deleteTouch(ctx, id);
  }
  return logTouch(ctx, args);
}

/** `visit <account> [when] attendees="…" needs="…" outcome="…" next="…" due=…`; no arguments opens the form. */
async function visitCommand(ctx: CommandContext, args: Args) {
  if (!args.length) return openVisitForm(ctx, undefined);
  const rawAttendees = args.takeOption(...OPT.attendees);
  const rawNeeds = args.takeOption(...OPT.needs);
  const rawOutcome = args.takeOption(...OPT.outcome);
  const rawNext = args.takeOption(...OPT.next);
  const rawDue = args.takeOption(...OPT.due);
  const tokens = args.all();
  const rawWhen = tokens.length > 1 && looksLikeDate(tokens[tokens.length - 1], ctx) ? tokens.pop() : undefined;
  const { account, rest } = await takeAccountFromTokens(ctx, tokens, VISIT, { typedWords: tokens.length });
  if (rest.length) throw new UserError('error.extraArguments', { value: rest.join(' ').slice(0, 40) }, VISIT);
  const occurredAt = parseWhen(ctx, rawWhen, VISIT);
  const attendees = checkText(ctx, rawAttendees, 'touches.attendees', TOUCH_LIMITS.attendees, VISIT);
  const clientNeeds = checkText(ctx, rawNeeds, 'touches.clientNeeds', TOUCH_LIMITS.clientNeeds, VISIT);
  const outcome = requireText(ctx, rawOutcome, 'touches.outcome', TOUCH_LIMITS.outcome, VISIT);
  const { nextStep, nextStepDue } = nextStepFrom(ctx, rawNext, rawDue, VISIT);
  return logAndConfirm(ctx, account, { kind: 'visit', occurredAt, summary: outcome, nextStep, nextStepDue, attendees, clientNeeds, outcome });
}

async function formAccounts(ctx: CommandContext) {
  const accounts = await visibleAccounts(ctx.scope, ctx.member);
  if (!accounts.length) throw new UserError('touches.noAccounts');
  return accounts;
}

async function openTouchForm(ctx: CommandContext, selected: number | undefined) {
  return openForm(touchForm(ctx.t, await formAccounts(ctx), memberToday(ctx), selected));
}

async function openVisitForm(ctx: CommandContext, selected: number | undefined) {
  return openForm(visitForm(ctx.t, await formAccounts(ctx), memberToday(ctx), selected));
}

/** The account picked in a form: an id from the select (or a typed name), that the member may work on. */
async function formAccount(ctx: CommandContext, errors: Record<string, string>, raw: string | undefined): Promise<Account | undefined> {
  const value = raw?.trim() ?? '';
  if (!value) { errors.account = ctx.t('error.required', { field: ctx.t('touches.account') }); return undefined; }
  const found = /^\d{1,9}$/.test(value) ? await getAccount(ctx.scope, Number(value)) : await findAccountByName(ctx.scope, value);
  if (!found || found.archivedAt) { errors.account = ctx.t('touches.form.unknownAccount'); return undefined; }
  if (!(await canWorkOnAccount(ctx.scope, ctx.member, found))) { errors.account = ctx.t('accounts.notYours', { name: found.name }); return undefined; }
  return found;
}

async function submitTouchForm(ctx: CommandContext, values: Record<string, string>) {
  const errors: Record<string, string> = {};
  const account = await formAccount(ctx, errors, values.account);
  const kind = fieldCheck(ctx, errors, 'kind', (): TouchKind => {
    const parsed = parseKind(values.kind);
    if (!parsed) throw new UserError('touches.badKind', { value: (values.kind ?? '').slice(0, 30), choices: kindChoices(ctx) });
    return parsed;
  });
  const occurredAt = fieldCheck(ctx, errors, 'date', () => parseWhen(ctx, values.date));
  const summary = fieldCheck(ctx, errors, 'summary', () => requireText(ctx, values.summary, 'touches.summary', TOUCH_LIMITS.summary));
  const nextStep = fieldCheck(ctx, errors, 'next', () => checkText(ctx, values.next, 'touches.nextStep', TOUCH_LIMITS.nextStep));
  const nextStepDue = fieldCheck(ctx, errors, 'due', () => parseDue(ctx, values.due));
  if (nextStepDue && !nextStep && !errors.next) errors.due = ctx.t('touches.dueWithoutNext');
  if (Object.keys(errors).length) throw new FormValidationError(errors);
  return logAndConfirm(ctx, account!, { kind: kind!, occurredAt: occurredAt!, summary: summary!, nextStep: nextStep ?? null, nextStepDue: nextStepDue ?? null });
}

async function submitVisitForm(ctx: CommandContext, values: Record<string, string>) {
  const errors: Record<string, string> = {};
  const account = await formAccount(ctx, errors, values.account);
  const occurredAt = fieldCheck(ctx, errors, 'date', () => parseWhen(ctx, values.date));
  const attendees = fieldCheck(ctx, errors, 'attendees', () => checkText(ctx, values.attendees, 'touches.attendees', TOUCH_LIMITS.attendees));
  const clientNeeds = fieldCheck(ctx, errors, 'needs', () => checkText(ctx, values.needs, 'touches.clientNeeds', TOUCH_LIMITS.clientNeeds));
  const outcome = fieldCheck(ctx, errors, 'outcome', () => requireText(ctx, values.outcome, 'touches.outcome', TOUCH_LIMITS.outcome));
  const nextStep = fieldCheck(ctx, errors, 'next', () => checkText(ctx, values.next, 'touches.nextStep', TOUCH_LIMITS.nextStep));
  const nextStepDue = fieldCheck(ctx, errors, 'due', () => parseDue(ctx, values.due));
  if (nextStepDue && !nextStep && !errors.next) errors.due = ctx.t('touches.dueWithoutNext');
  if (Object.keys(errors).length) throw new FormValidationError(errors);
  return logAndConfirm(ctx, account!, {
    kind: 'visit', occurredAt: occurredAt!, summary: outcome!, outcome: outcome!,
    attendees: attendees ?? null, clientNeeds: clientNeeds ?? null, nextStep: nextStep ?? null, nextStepDue: nextStepDue ?? null,
  });
}

/** Parses a button value holding an account id; a stale or foreign value opens the form unselected. */
function accountIdFrom(value: string): number | undefined {
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

/** `/kam touch` (跟进, log) and `/kam visit` (拜访): client touches, next steps and visit reports. */
export function createTouchesCapability(): Capability {
  return {
    name: 'touches',
    messages,
    commands: [
      { name: 'touch', aliases: ['跟进', 'log'], run: touchCommand },
      { name: 'visit', aliases: ['拜访'], run: visitCommand },
    ],
    actions: [
      { id: 'touch.done', run: (ctx, value) => completeNextStep(ctx, value) },
      { id: 'touch.another', run: (ctx, value) => openTouchForm(ctx, accountIdFrom(value)) },
      { id: 'visit.open', run: (ctx, value) => openVisitForm(ctx, accountIdFrom(value)) },
    ],
    forms: [
      { id: TOUCH_FORM_ID, submit: (ctx, values) => submitTouchForm(ctx, values) },
      { id: VISIT_FORM_ID, submit: (ctx, values) => submitVisitForm(ctx, values) },
    ],
  };
}
