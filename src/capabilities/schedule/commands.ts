import type { Database } from '../../../db/client.ts';
import type { Member } from '../../../db/schema/members.ts';
import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { mention, message, toPlainText } from '../../chat/message.ts';
import type { Args } from '../../chat/parser.ts';
import type { Capability, HandlerResult, Registry } from '../../chat/registry.ts';
import { ephemeral, openForm, type Reply } from '../../chat/reply.ts';
import { JOBS } from '../../jobs/catalog.ts';
import { NUDGE_ACTIONS, snoozeUntil } from '../../jobs/nudges.ts';
import type { JobContext } from '../../jobs/types.ts';
import { daysBetween, formatClockTime, localDate, parseClockTime, parseUserDate } from '../../lib/time.ts';
import { mergeWorkspaceSettings, readWorkspaceSettings } from '../team/settings.ts';
import { reportService } from '../reports/service.ts';
import { reportForm } from '../reports/views.ts';
import { getMember } from '../team/directory.ts';
import { isLead, requireCanActOn, requireRole, resolveMemberArg, looksLikeMember } from '../team/access.ts';
import { messages } from './i18n.ts';
import { MAX_LEAVE_DAYS, scheduleService } from './service.ts';
import { jobsList, leaveList, settingsCard, weekdayName } from './views.ts';
import { MEETING_OFF_WEEKDAY } from '../meetings/service.ts';

const SCHEDULE = 'schedule';
const LEAVE = 'leave';
const ADMIN = 'admin';

/** Buttons on nudges that run another capability's action (kept to this list on purpose). */
const DELEGATED_ACTIONS = new Set(['touch.done', 'touch.another', 'feedback.ack', 'meeting.done', 'training.done']);
const ITEM_KEY = /^(step|cadence|complaint|report|training|kpi|action):[\w:.-]{1,60}$/;

const WEEKDAYS: Record<string, number> = {
  mon: 1, monday: 1, tue: 2, tues: 2, tuesday: 2, wed: 3, wednesday: 3, thu: 4, thur: 4, thurs: 4, thursday: 4,
  fri: 5, friday: 5, sat: 6, saturday: 6, sun: 7, sunday: 7,
};
const CN_DIGITS: Record<string, number> = { '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '日': 7, '天': 7, '七': 7 };

/** Parses a weekday: mon…sun, 1-7, 周一…周日, 星期一, 礼拜一. */
export function parseWeekday(input: string | undefined): number | null {
  if (!input) return null;
  const v = input.trim().toLowerCase();
  if (/^[1-7]$/.test(v)) return Number(v);
  if (v in WEEKDAYS) return WEEKDAYS[v]!;
  const m = v.match(/^(?:周|星期|礼拜)([一二三四五六日天七])$/);
  return m ? CN_DIGITS[m[1]!]! : null;
}

function parseTime(input: string | undefined, ctx: CommandContext, usageOf: string): number {
  if (!input) throw new UserError('error.required', { field: ctx.t('schedule.time') }, usageOf);
  const minutes = parseClockTime(input);
  if (minutes === null) throw new UserError('schedule.badTime', { value: input.slice(0, 20) }, usageOf);
  return minutes;
}

function noExtra(args: Args, usageOf: string): void {
  if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, usageOf);
}

function ok(text: string): Reply {
  return ephemeral(message().text(text).build());
}

async function showSettings(ctx: CommandContext): Promise<Reply> {
  const today = localDate(ctx.scope.now, ctx.member.timezone);
  const settings = await scheduleService.settings(ctx.scope, ctx.member.id);
  const leave = await scheduleService.upcomingLeave(ctx.scope, ctx.member.id, today);
  return ephemeral(settingsCard(ctx.t, ctx.member, settings, leave));
}

/** `/kam schedule …` (提醒设置): nudges on/off/time, quiet hours, a manager's weekly meeting. */
async function schedule(ctx: CommandContext, args: Args): Promise<HandlerResult> {
  const { t, scope, member } = ctx;
  const sub = args.shift()?.toLowerCase();
  if (!sub || ['show', 'list', '查看'].includes(sub)) return showSettings(ctx);
  if (['nudges', 'nudge', '推送', '提醒', '每日提醒'].includes(sub)) {
    const value = args.shift()?.toLowerCase();
    if (!value) throw new UserError('error.required', { field: t('schedule.nudges') }, SCHEDULE);
    noExtra(args, SCHEDULE);
    if (['on', '开', '开启', '打开'].includes(value)) {
      await scheduleService.update(scope, member.id, { nudgesEnabled: true });
      const current = await scheduleService.settings(scope, member.id);
      return ok(t('schedule.nudgesOn', { time: formatClockTime(current?.nudgeMinutes ?? 570) }));
    }
    if (['off', '关', '关闭'].includes(value)) {
      await scheduleService.update(scope, member.id, { nudgesEnabled: false });
      return ok(t('schedule.nudgesOff'));
    }
    const minutes = parseClockTime(value);
    if (minutes === null) throw new UserError('schedule.badNudgeValue', { value: value.slice(0, 20) }, SCHEDULE);
    await scheduleService.update(scope, member.id, { nudgesEnabled: true, nudgeMinutes: minutes });
    return ok(t('schedule.nudgesAt', { time: formatClockTime(minutes), timezone: member.timezone }));
  }
  if (['quiet', '免打扰', '勿扰'].includes(sub)) {
    const raw = args.rest();
    if (!raw) throw new UserError('error.required', { field: t('schedule.quiet') }, SCHEDULE);
    if (['off', '关', '关闭', 'none', '无'].includes(raw.toLowerCase())) {
      await scheduleService.update(scope, member.id, { quietStartMinutes: null, quietEndMinutes: null });
      return ok(t('schedule.quietOff'));
    }
    const m = raw.match(/^(\S+?)\s*(?:-|–|~|～|到|至|\s)\s*(\S+)$/);
    const start = m ? parseClockTime(m[1]!) : null;
    const end = m ? parseClockTime(m[2]!) : null;
    if (start === null || end === null) throw new UserError('schedule.badQuiet', { value: raw.slice(0, 30) }, SCHEDULE);
    if (start === end) throw new UserError('schedule.quietEmpty', {}, SCHEDULE);
    await scheduleService.update(scope, member.id, { quietStartMinutes: start, quietEndMinutes: end });
    return ok(t('schedule.quietSet', { from: formatClockTime(start), to: formatClockTime(end), timezone: member.timezone }));
  }
  if (['meeting', '周会', '例会'].includes(sub)) {
    if (!isLead(member)) throw new UserError('schedule.meetingLeadsOnly');
    const dayRaw = args.shift();
    if (!dayRaw) throw new UserError('error.required', { field: t('schedule.weekday') }, SCHEDULE);
    if (['off', '关', '关闭', 'none', '取消'].includes(dayRaw.toLowerCase())) {
      noExtra(args, SCHEDULE);
      // Weekday 0 means "no meeting"; null would mean the default slot (Monday 10:00).
      await scheduleService.update(scope, member.id, { meetingWeekday: MEETING_OFF_WEEKDAY, meetingMinutes: null });
      return ok(t('schedule.meetingOff'));
    }
    const weekday = parseWeekday(dayRaw);
    if (weekday === null) throw new UserError('schedule.badWeekday', { value: dayRaw.slice(0, 20) }, SCHEDULE);
    const minutes = parseTime(args.shift(), ctx, SCHEDULE);
    noExtra(args, SCHEDULE);
    await scheduleService.update(scope, member.id, { meetingWeekday: weekday, meetingMinutes: minutes });
    return ok(t('schedule.meetingSet', { day: weekdayName(t, weekday), time: formatClockTime(minutes), timezone: member.timezone }));
  }
  throw new UserError('schedule.unknownSubcommand', { value: sub.slice(0, 40) }, SCHEDULE);
}

/** `/kam leave <from> [to]` (请假), `leave list`, `leave cancel <id>`; leads may add `@member`. */
async function leave(ctx: CommandContext, args: Args): Promise<HandlerResult> {
  const { t, scope } = ctx;
  let who: Member = ctx.member;
  if (looksLikeMember(args.peek())) {
    who = await resolveMemberArg(ctx, args.shift(), LEAVE);
    requireCanActOn(ctx, who);
  }
  const today = localDate(scope.now, who.timezone);
  const sub = args.peek()?.toLowerCase();
  if (!sub || ['list', 'ls', '列表', '查看'].includes(sub)) {
    args.shift();
    noExtra(args, LEAVE);
    return ephemeral(leaveList(t, who, ctx.member.id === who.id, await scheduleService.upcomingLeave(scope, who.id, today)));
  }
  if (['cancel', '取消', '撤销'].includes(sub)) {
    args.shift();
    const raw = args.shift()?.replace(/^[#＃]/, '');
    if (!raw || !/^\d{1,9}$/.test(raw)) throw new UserError('schedule.leaveIdRequired', {}, LEAVE);
    noExtra(args, LEAVE);
    const row = await scheduleService.leave(scope, Number(raw));
    if (!row) throw new UserError('schedule.unknownLeave', { id: raw }, LEAVE);
    if (row.memberId !== ctx.member.id) {
      const owner = await getMember(scope, row.memberId);
      if (!owner) throw new UserError('schedule.unknownLeave', { id: raw }, LEAVE);
      requireCanActOn(ctx, owner);
    }
    const cancelled = await scheduleService.cancelLeave(scope, row.id);
    return ok(t(cancelled ? 'schedule.leaveCancelled' : 'schedule.leaveAlreadyCancelled', { id: row.id, from: row.fromDate, to: row.toDate }));
  }
  const fromRaw = args.shift()!;
  const toRaw = args.shift();
  if (['to', '到', '至', '-'].includes((toRaw ?? '').toLowerCase())) throw new UserError('schedule.leaveTwoDates', {}, LEAVE);
  noExtra(args, LEAVE);
  const from = parseUserDate(fromRaw, scope.now, who.timezone);
  if (!from) throw new UserError('schedule.badDate', { value: fromRaw.slice(0, 30) }, LEAVE);
  const to = toRaw ? parseUserDate(toRaw, scope.now, who.timezone) : from;
  if (!to) throw new UserError('schedule.badDate', { value: (toRaw ?? '').slice(0, 30) }, LEAVE);
  if (to < from) throw new UserError('schedule.leaveBackwards', { from, to }, LEAVE);
  if (to < today) throw new UserError('schedule.leavePast', { to }, LEAVE);
  const days = daysBetween(from, to) + 1;
  if (days > MAX_LEAVE_DAYS) throw new UserError('schedule.leaveTooLong', { days, max: MAX_LEAVE_DAYS }, LEAVE);
  const clash = await scheduleService.overlapping(scope, who.id, from, to);
  if (clash) throw new UserError('schedule.leaveOverlaps', { id: clash.id, from: clash.fromDate, to: clash.toDate }, LEAVE);
  const row = await scheduleService.addLeave(scope, who.id, from, to);
  // The manager hears about an assistant's leave (a DM, once per leave).
  const managerId = who.managerId;
  if (managerId && managerId !== ctx.member.id) {
    const manager = await getMember(scope, managerId);
    if (manager) {
      const tm = ctx.translatorFor(manager.locale);
      await ctx.outbox.enqueue(scope, { memberId: manager.id },
        message().text(tm('schedule.leaveNotice', { name: mention(who.id), from, to, days })).build(), `leave:${row.id}`);
    }
  }
  const key = who.id === ctx.member.id ? 'schedule.leaveAdded' : 'schedule.leaveAddedFor';
  return ok(t(key, { id: row.id, from, to, days, name: mention(who.id) }));
}

/** A JobContext that runs inside the command's transaction (so a failed run changes nothing). */
function commandJobContext(ctx: CommandContext): JobContext {
  const database: Database = {
    db: ctx.scope.db,
    kind: 'postgres',
    migrate: async () => {},
    ping: async () => {},
    close: async () => {},
    statementCount: () => 0,
  };
  return { database, clock: ctx.clock, logger: ctx.logger, outbox: ctx.outbox, translator: ctx.translatorFor };
}

/** `/kam admin …` (管理): jobs, run a job, team channel, digest time, report cadence. */
async function admin(ctx: CommandContext, args: Args): Promise<HandlerResult> {
  const { t, scope } = ctx;
  requireRole(ctx, 'admin');
  const sub = args.shift()?.toLowerCase();
  if (!sub) throw new UserError('error.required', { field: t('schedule.subcommand') }, ADMIN);
  if (['jobs', '任务'].includes(sub)) {
    noExtra(args, ADMIN);
    const stats = await scheduleService.jobStats(scope);
    const recent = await scheduleService.recentRuns(scope);
    return ephemeral(jobsList(t, JOBS, stats, recent, ctx.member.timezone));
  }
  if (['run', '运行', '执行'].includes(sub)) {
    const dryRun = args.takeFlag('--dry-run', '--dryrun', 'dry-run', '--preview', '预览');
    const name = args.shift();
    if (!name) throw new UserError('schedule.jobRequired', { jobs: JOBS.map((j) => j.name).join(', ') }, ADMIN);
    const job = JOBS.find((j) => j.name === name.toLowerCase());
    if (!job) throw new UserError('schedule.unknownJob', { value: name.slice(0, 40), jobs: JOBS.map((j) => j.name).join(', ') }, ADMIN);
    let target: Member | undefined;
    if (args.length) target = await resolveMemberArg(ctx, args.shift(), ADMIN);
    noExtra(args, ADMIN);
    const report = await job.run(commandJobContext(ctx), {
      now: scope.now, workspaceId: scope.workspaceId, memberId: target?.id, force: true, dryRun,
    });
    const who = target ? mention(target.id) : t('schedule.everyone');
    if (!dryRun) {
      return ok(t(report.due ? 'schedule.ran' : 'schedule.ranNothing', { job: job.name, who, due: report.due, enqueued: report.enqueued }));
    }
    const b = message().text(t('schedule.preview', { job: job.name, who, count: report.previews.length }));
    for (const p of report.previews.slice(0, 5)) {
      const to = 'memberId' in p.target ? mention(p.target.memberId) : t('schedule.channel');
      b.divider().context(t('schedule.previewTo', { to })).text(toPlainText(p.message, (id) => mention(id)).split('\n').map((l) => `> ${l}`).join('\n'));
    }
    if (report.previews.length > 5) b.context(t('schedule.previewMore', { count: report.previews.length - 5 }));
    if (!report.previews.length) b.context(t('schedule.previewEmpty'));
    return ephemeral(b.build());
  }
  if (['channel', '频道', '团队频道'].includes(sub)) {
    noExtra(args, ADMIN);
    if (ctx.conversation.kind !== 'channel') throw new UserError('schedule.channelOnlyInChannel', {}, ADMIN);
    await mergeWorkspaceSettings(scope, { teamChannel: ctx.conversation.ref });
    return ok(t('schedule.channelSet'));
  }
  if (['digest', '周报', '摘要'].includes(sub)) {
    const dayRaw = args.shift();
    const weekday = parseWeekday(dayRaw);
    if (weekday === null) throw new UserError('schedule.badWeekday', { value: (dayRaw ?? '').slice(0, 20) }, ADMIN);
    const minutes = parseTime(args.shift(), ctx, ADMIN);
    noExtra(args, ADMIN);
    await mergeWorkspaceSettings(scope, { digestWeekday: weekday, digestMinutes: minutes });
    return ok(t('schedule.digestSet', { day: weekdayName(t, weekday), time: formatClockTime(minutes) }));
  }
  if (['reports', 'report', '汇报'].includes(sub)) {
    const raw = args.shift()?.toLowerCase();
    const aliases: Record<string, 'day' | 'week' | 'off'> = { day: 'day', daily: 'day', '每天': 'day', '日报': 'day', week: 'week', weekly: 'week', '每周': 'week', '周报': 'week', off: 'off', '关': 'off', '关闭': 'off' };
    const cadence = raw ? aliases[raw] : undefined;
    if (!cadence) throw new UserError('error.badChoice', { value: (raw ?? '').slice(0, 20), field: t('schedule.reportCadence'), choices: 'day, week, off' }, ADMIN);
    noExtra(args, ADMIN);
    await mergeWorkspaceSettings(scope, { reportCadence: cadence });
    return ok(t(`schedule.reportCadenceSet.${cadence}`));
  }
  if (['settings', '设置'].includes(sub)) {
    const s = await readWorkspaceSettings(scope);
    return ok(t('schedule.workspaceSettings', {
      channel: s.teamChannel ? t('schedule.channelYes') : t('schedule.channelNo'),
      digest: `${weekdayName(t, Number(s.digestWeekday ?? 1))} ${formatClockTime(Number(s.digestMinutes ?? 510))}`,
      reports: t(`schedule.cadence.${String(s.reportCadence ?? 'day')}`),
    }));
  }
  throw new UserError('schedule.unknownAdmin', { value: sub.slice(0, 40) }, ADMIN);
}

/** Snooze button on a nudge item: hidden for three days (today included). */
async function snooze(ctx: CommandContext, value: string): Promise<HandlerResult> {
  if (!ITEM_KEY.test(value)) throw new UserError('schedule.badItem');
  const until = snoozeUntil(localDate(ctx.scope.now, ctx.member.timezone));
  await scheduleService.snooze(ctx.scope, ctx.member.id, value, until);
  return ok(ctx.t('schedule.snoozed', { until }));
}

/** Nudge buttons that run another capability's action, without replacing the whole nudge. */
async function delegate(ctx: CommandContext, value: string, getRegistry: () => Registry): Promise<HandlerResult> {
  const i = value.lastIndexOf(':');
  const target = value.slice(0, i);
  const arg = value.slice(i + 1);
  if (i <= 0 || !DELEGATED_ACTIONS.has(target) || !/^\d{1,9}$/.test(arg)) throw new UserError('schedule.badItem');
  const action = getRegistry().action(target);
  if (!action) return ok(ctx.t('schedule.actionUnavailable'));
  const result = await action.run(ctx, arg);
  const replies = !result ? [] : Array.isArray(result) ? result : [result];
  // The nudge bundles several items: an answer must not replace it.
  return replies.map((r) => (r.type === 'message' && r.replaceOriginal ? { ...r, replaceOriginal: false } : r));
}

/** "Write report" button: opens the reports capability's form for the period in the value. */
async function openReport(ctx: CommandContext, value: string): Promise<HandlerResult> {
  const m = value.match(/^(day|week):(\d{4}-\d{2}-\d{2}|\d{4}-W\d{2})$/);
  if (!m || (m[1] === 'day') !== !m[2]!.includes('W')) throw new UserError('schedule.badItem');
  const kind = m[1] as 'day' | 'week';
  const existing = await reportService.get(ctx.scope, ctx.member.id, kind, m[2]!);
  return openForm(reportForm(ctx.t, kind, m[2]!, existing));
}

/** Schedules: personal reminder settings, leave, and admin job tooling. */
export function createScheduleCapability(getRegistry: () => Registry): Capability {
  return {
    name: 'schedule',
    messages,
    commands: [
      { name: SCHEDULE, aliases: ['提醒设置', '提醒'], run: schedule },
      { name: LEAVE, aliases: ['请假', '休假'], run: leave },
      { name: ADMIN, aliases: ['管理'], roles: ['admin'], run: admin },
    ],
    actions: [
      { id: NUDGE_ACTIONS.snooze, run: snooze },
      { id: NUDGE_ACTIONS.act, run: (ctx, value) => delegate(ctx, value, getRegistry) },
      { id: NUDGE_ACTIONS.report, run: openReport },
    ],
  };
}
