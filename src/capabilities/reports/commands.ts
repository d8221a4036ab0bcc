import type { Member } from '../../../db/schema/members.ts';
import type { CommandContext } from '../../chat/context.ts';
import { FormValidationError, UserError } from '../../chat/errors.ts';
import type { FormErrors } from '../../chat/forms.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability, HandlerResult } from '../../chat/registry.ts';
import { ephemeral, openForm } from '../../chat/reply.ts';
import { parsePeriodKey, parseUserDate, periodContaining, periodOffset, zonedTimeToInstant } from '../../lib/time.ts';
import { looksLikeMember, requireCanActOn, resolveMemberArg } from '../team/access.ts';
import { teamService } from '../team/service.ts';
import { messages } from './i18n.ts';
import { REPORT_LIMITS, REPORT_PARTS, reportService, type ReportKind, type ReportParts } from './service.ts';
import { REPORT_FORM_ID, reportCard, reportForm, savedReply, teamOverview } from './views.ts';

const USAGE = 'report';

const KIND_WORDS: Record<string, ReportKind> = {
  day: 'day', daily: 'day', today: 'day', '日': 'day', '日报': 'day', '今天': 'day', '今日': 'day',
  week: 'week', weekly: 'week', '周': 'week', '周报': 'week', '本周': 'week',
};
const SHOW_WORDS = ['show', 'view', 'see', '查看', '看'];
const EDIT_WORDS = ['edit', '编辑', '修改'];
const LAST_WEEK_WORDS = ['lastweek', 'last-week', '上周'];
const SELF_WORDS = ['me', 'mine', '我', '我的'];
const PART_OPTIONS: Record<(typeof REPORT_PARTS)[number], string[]> = {
  done: ['done', 'did', '完成', '已完成', '今日完成'],
  next: ['next', 'plan', 'todo', '计划', '下一步', '下步'],
  blockers: ['blockers', 'blocker', 'blocked', 'issues', '阻碍', '困难', '问题'],
};

/** The member's current period of a kind, in their own time zone. */
function currentKey(member: Member, kind: ReportKind, now: Date): string {
  return periodContaining(kind, now, member.timezone).key;
}

function takeKind(args: Args): ReportKind | undefined {
  const word = args.peek()?.toLowerCase();
  if (word && KIND_WORDS[word]) { args.shift(); return KIND_WORDS[word]; }
  return undefined;
}

/** Validates parts: each within the limit, at least one with text. Returns the error per part. */
function checkParts(ctx: CommandContext, parts: ReportParts): FormErrors {
  const errors: FormErrors = {};
  for (const part of REPORT_PARTS) {
    const value = parts[part];
    if (value !== undefined && value.length > REPORT_LIMITS.partLength) {
      errors[part] = ctx.t('error.tooLong', { field: ctx.t(`reports.part.${part}`), length: value.length, max: REPORT_LIMITS.partLength });
    }
  }
  if (!REPORT_PARTS.some((p) => parts[p])) errors.done = ctx.t('reports.partRequired');
  return errors;
}

async function openReportForm(ctx: CommandContext, kind: ReportKind) {
  const key = currentKey(ctx.member, kind, ctx.scope.now);
  const existing = await reportService.get(ctx.scope, ctx.member.id, kind, key);
  return openForm(reportForm(ctx.t, kind, key, existing));
}

/** `report [day|week] done=… next=… blockers=…` or `report [day|week] done | next | blockers`. */
async function submit(ctx: CommandContext, kind: ReportKind, args: Args) {
  const parts: ReportParts = {};
  for (const part of REPORT_PARTS) {
    const value = args.takeOption(...PART_OPTIONS[part]);
    if (value !== undefined) parts[part] = value.trim();
  }
  const rest = args.rest();
  if (Object.keys(parts).length) {
    if (rest) throw new UserError('error.extraArguments', { value: rest.slice(0, 40) }, USAGE);
  } else {
    const pieces = rest.split(/[|｜]/).map((p) => p.trim());
    if (pieces.length > REPORT_PARTS.length) throw new UserError('reports.tooManyParts', {}, USAGE);
    pieces.forEach((piece, i) => { parts[REPORT_PARTS[i]!] = piece; });
  }
  for (const part of REPORT_PARTS) {
    const value = parts[part];
    if (value !== undefined && value.length > REPORT_LIMITS.partLength) {
      throw new UserError('error.tooLong', { field: ctx.t(`reports.part.${part}`), length: value.length, max: REPORT_LIMITS.partLength }, USAGE);
    }
  }
  if (!REPORT_PARTS.some((p) => parts[p])) throw new UserError('reports.partRequired', {}, USAGE);
  const key = currentKey(ctx.member, kind, ctx.scope.now);
  const { report, edited } = await reportService.save(ctx.scope, ctx.member.id, kind, key, parts);
  return ephemeral(savedReply(ctx.t, report, edited));
}

type PeriodPick =
  | { type: 'current'; kind?: ReportKind }
  | { type: 'lastWeek' }
  | { type: 'fixed'; kind: ReportKind; key: string };

/** Reads [@member] [day|week|<date>|<week label>|上周] in any order. */
async function parseShow(ctx: CommandContext, args: Args): Promise<{ target?: Member; pick: PeriodPick }> {
  let target: Member | undefined;
  let kind: ReportKind | undefined;
  let date: string | undefined;
  let fixed: { kind: ReportKind; key: string } | undefined;
  let lastWeek = false;
  for (const token of args.all()) {
    const lower = token.toLowerCase();
    if (looksLikeMember(token) && !target) { target = await resolveMemberArg(ctx, token, USAGE); continue; }
    if (SELF_WORDS.includes(lower) && !target) { target = ctx.member; continue; }
    if (KIND_WORDS[lower] && !kind) { kind = KIND_WORDS[lower]; continue; }
    if (LAST_WEEK_WORDS.includes(lower)) { lastWeek = true; continue; }
    const week = /^\d{4}-w\d{1,2}$/i.test(token) ? parsePeriodKey(token, ctx.member.timezone) : null;
    if (week) { fixed = { kind: 'week', key: week.key }; continue; }
    const day = parseUserDate(token, ctx.scope.now, ctx.member.timezone);
    if (day && !date) { date = day; continue; }
    throw new UserError('reports.badShowArg', { value: token.slice(0, 40) }, USAGE);
  }
  if (fixed) return { target, pick: { type: 'fixed', ...fixed } };
  if (lastWeek) return { target, pick: { type: 'lastWeek' } };
  if (date) {
    if (kind === 'week') {
      const noon = zonedTimeToInstant(date, '12:00', ctx.member.timezone)!;
      return { target, pick: { type: 'fixed', kind: 'week', key: periodContaining('week', noon, ctx.member.timezone).key } };
    }
    return { target, pick: { type: 'fixed', kind: 'day', key: date } };
  }
  return { target, pick: { type: 'current', kind } };
}

function keyFor(pick: PeriodPick, member: Member, kind: ReportKind, now: Date): string {
  if (pick.type === 'fixed') return pick.key;
  if (pick.type === 'lastWeek') return periodOffset('week', now, member.timezone, -1).key;
  return currentKey(member, kind, now);
}

async function show(ctx: CommandContext, args: Args): Promise<HandlerResult> {
  const { t, scope } = ctx;
  const { target, pick } = await parseShow(ctx, args);
  const pickKind: ReportKind | undefined = pick.type === 'fixed' ? pick.kind : pick.type === 'lastWeek' ? 'week' : pick.kind;
  const lead = ctx.member.role === 'manager' || ctx.member.role === 'admin';
  if (!target && lead) {
    const people = ctx.member.role === 'admin'
      ? (await teamService.everyone(scope)).filter((m) => m.id !== ctx.member.id)
      : await teamService.teamOf(scope, ctx.member.id);
    const kind = pickKind ?? 'day';
    const keys = new Map(people.map((m) => [m.id, keyFor(pick, m, kind, scope.now)]));
    const found = await reportService.forMembers(scope, kind, keys);
    return ephemeral(teamOverview(t, kind, people.map((m) => ({ member: m, key: keys.get(m.id)!, report: found.get(m.id) }))));
  }
  const person = target ?? ctx.member;
  requireCanActOn(ctx, person);
  const kinds: ReportKind[] = pickKind ? [pickKind] : ['day', 'week'];
  const replies = [];
  for (const kind of kinds) {
    const key = keyFor(pick, person, kind, scope.now);
    replies.push(ephemeral(reportCard(t, ctx.member.timezone, person, kind, key, await reportService.get(scope, person.id, kind, key))));
  }
  return replies;
}

async function run(ctx: CommandContext, args: Args): Promise<HandlerResult> {
  if (!args.length) return openReportForm(ctx, 'day');
  const head = args.peek()!.toLowerCase();
  if (SHOW_WORDS.includes(head)) { args.shift(); return show(ctx, args); }
  if (EDIT_WORDS.includes(head)) {
    args.shift();
    const kind = takeKind(args) ?? 'day';
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, USAGE);
    return openReportForm(ctx, kind);
  }
  const kind = takeKind(args) ?? 'day';
  if (!args.length) return openReportForm(ctx, kind);
  return submit(ctx, kind, args);
}

/** How far back a report may still be written (a reminder for a missed day, a form left open). */
const CATCH_UP: Record<ReportKind, number> = { day: 31, week: 5 };

/**
 * The form names its period in `state` (reminder buttons open it for a given period). Catching
 * up on a recent missed period is fine; future periods and very old ones are refused.
 */
async function submitForm(ctx: CommandContext, values: Record<string, string>, state: string | undefined): Promise<HandlerResult> {
  const m = (state ?? '').match(/^(day|week):(\d{4}-(?:\d{2}-\d{2}|W\d{2}))$/);
  const kind = m?.[1] as ReportKind | undefined;
  const key = m?.[2];
  const period = kind && key ? parsePeriodKey(key, ctx.member.timezone) : null;
  if (!kind || !key || !period || period.kind !== kind || period.key !== key) throw new UserError('reports.formExpired');
  const now = ctx.scope.now;
  // Period keys of one kind sort as text (2026-11-30, 2026-W49), so a range check is a string compare.
  const oldest = periodOffset(kind, now, ctx.member.timezone, -CATCH_UP[kind]).key;
  if (key > currentKey(ctx.member, kind, now) || key < oldest) throw new UserError('reports.formExpired');
  const parts: ReportParts = {};
  for (const part of REPORT_PARTS) parts[part] = (values[part] ?? '').trim();
  const errors = checkParts(ctx, parts);
  if (Object.keys(errors).length) throw new FormValidationError(errors);
  const { report, edited } = await reportService.save(ctx.scope, ctx.member.id, kind, key, parts);
  return ephemeral(savedReply(ctx.t, report, edited));
}

/** Progress reports: `/kam report` (汇报). */
export function createReportsCapability(): Capability {
  return {
    name: 'reports',
    messages,
    commands: [{ name: 'report', aliases: ['汇报', '工作汇报'], run }],
    forms: [{ id: REPORT_FORM_ID, submit: submitForm }],
  };
}
