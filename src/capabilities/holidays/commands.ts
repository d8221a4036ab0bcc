import type { Locale } from '../../../db/schema/members.ts';
import type { CommandContext, Outbox, Scope } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { message } from '../../chat/message.ts';
import { Args } from '../../chat/parser.ts';
import type { Capability, HandlerResult } from '../../chat/registry.ts';
import { ephemeral } from '../../chat/reply.ts';
import { addDays, localDate, parseUserDate } from '../../lib/time.ts';
import { canWorkOnAccount, getAccount } from '../accounts/lookup.ts';
import { requireRole } from '../team/access.ts';
import { FESTIVALS, parseCalendars, parseFestival, type Festival } from './calendar.ts';
import { messages } from './i18n.ts';
import { mergeWorkspaceSettings } from '../team/settings.ts';
import {
  calendarDays, clearDay, greetingRemindersDue, greetingSettings, greetingsLogged, listCalendar, logGreetingTouch,
  setDay, setGreetingSettings, workspaceCalendars,
} from './service.ts';
import { calendarList, dayName, greetingReminderMessage } from './views.ts';

const USAGE = 'holidays';
const MAX_NAME = 80;

function parseDate(ctx: CommandContext, raw: string | undefined): string {
  if (!raw) throw new UserError('holidays.dateRequired', {}, USAGE);
  const date = parseUserDate(raw, ctx.scope.now, ctx.member.timezone);
  if (!date) throw new UserError('error.badDate', { value: raw.slice(0, 40) }, USAGE);
  return date;
}

function parseName(args: Args): string {
  const name = args.rest();
  if (!name) throw new UserError('holidays.nameRequired', {}, USAGE);
  if (name.length > MAX_NAME) throw new UserError('holidays.nameTooLong', { length: name.length, max: MAX_NAME }, USAGE);
  return name;
}

function calendarsText(t: Translator, ids: string[]): string {
  return ids.length ? ids.map((id) => t(`holidays.calendar.${id}`)).join(' + ') : t('holidays.calendar.none');
}

async function list(ctx: CommandContext, args: Args) {
  const raw = args.shift();
  if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, USAGE);
  let from: string;
  let to: string;
  if (raw) {
    if (!/^\d{4}$/.test(raw) || Number(raw) < 2020 || Number(raw) > 2100) throw new UserError('holidays.badYear', { value: raw.slice(0, 20) }, USAGE);
    from = `${raw}-01-01`;
    to = `${raw}-12-31`;
  } else {
    from = localDate(ctx.scope.now, ctx.member.timezone);
    to = addDays(from, 365);
  }
  const days = await listCalendar(ctx.scope, from, to);
  return ephemeral(calendarList(ctx.t, from, to, days, calendarsText(ctx.t, await workspaceCalendars(ctx.scope))));
}

async function check(ctx: CommandContext, args: Args) {
  const date = parseDate(ctx, args.shift());
  const day = (await calendarDays(ctx.scope, [date])).get(date)!;
  const name = dayName(ctx.t, day);
  return ephemeral(message().text(ctx.t('holidays.checkLine', {
    date, kind: ctx.t(`holidays.kind.${day.kind}`), name: name ? ` (${name})` : '',
    working: ctx.t(day.working ? 'holidays.working' : 'holidays.notWorking'),
  })).build());
}

async function greetings(ctx: CommandContext, args: Args) {
  const { t, scope } = ctx;
  const sub = args.shift()?.toLowerCase();
  const show = async (key: string) => {
    const s = await greetingSettings(scope);
    const text = s.festivals.length
      ? t(key, { days: s.leadDays, festivals: s.festivals.map((f) => t(`holidays.name.${f}`)).join(', ') })
      : t('holidays.greetingsOff');
    return ephemeral(message().header(t('holidays.greetingsTitle')).text(text).context(t('holidays.greetingsHint')).build());
  };
  if (!sub) return show('holidays.greetingsInfo');
  requireRole(ctx, 'admin');
  if (['days', 'lead', '天数'].includes(sub)) {
    const raw = args.shift() ?? '';
    if (!/^\d{1,2}$/.test(raw) || Number(raw) > 30) throw new UserError('holidays.badLeadDays', { value: raw.slice(0, 20) }, USAGE);
    await setGreetingSettings(scope, { leadDays: Number(raw) });
    return show('holidays.greetingsSet');
  }
  if (['festivals', 'festival', '节日'].includes(sub)) {
    const names = args.rest().split(/[\s,，、]+/).filter(Boolean);
    if (!names.length) throw new UserError('holidays.badFestival', { value: '' }, USAGE);
    const festivals: Festival[] = [];
    for (const n of names) {
      const f = parseFestival(n);
      if (!f) throw new UserError('holidays.badFestival', { value: n.slice(0, 40) }, USAGE);
      if (!festivals.includes(f)) festivals.push(f);
    }
    await setGreetingSettings(scope, { festivals });
    return show('holidays.greetingsSet');
  }
  if (['off', '关闭'].includes(sub)) {
    await setGreetingSettings(scope, { festivals: [] });
    return show('holidays.greetingsSet');
  }
  if (['on', '开启', 'reset'].includes(sub)) {
    await setGreetingSettings(scope, { festivals: [...FESTIVALS] });
    return show('holidays.greetingsSet');
  }
  throw new UserError('holidays.unknownSubcommand', { value: sub.slice(0, 40) }, USAGE);
}

async function holidays(ctx: CommandContext, args: Args): Promise<HandlerResult> {
  const { t, scope } = ctx;
  const sub = args.shift()?.toLowerCase() ?? 'list';
  if (['list', 'ls', '列表', '查看'].includes(sub)) return list(ctx, args);
  if (/^\d{4}$/.test(sub)) return list(ctx, new Args([sub, ...args.all()]));
  if (['check', 'is', '查询'].includes(sub)) return check(ctx, args);
  if (['greetings', 'greeting', '问候'].includes(sub)) return greetings(ctx, args);
  if (['add', '添加'].includes(sub)) {
    requireRole(ctx, 'admin');
    const date = parseDate(ctx, args.shift());
    const name = parseName(args);
    await setDay(scope, ctx.member.id, date, 'holiday', name);
    return ephemeral(message().text(t('holidays.added', { date, name })).build());
  }
  if (['workday', 'makeup', '调休', '上班'].includes(sub)) {
    requireRole(ctx, 'admin');
    const date = parseDate(ctx, args.shift());
    const name = parseName(args);
    await setDay(scope, ctx.member.id, date, 'workday', name);
    return ephemeral(message().text(t('holidays.workdayAdded', { date, name })).build());
  }
  if (['remove', 'rm', 'delete', '删除', '移除'].includes(sub)) {
    requireRole(ctx, 'admin');
    const date = parseDate(ctx, args.shift());
    if (args.length) throw new UserError('error.extraArguments', { value: args.rest().slice(0, 40) }, USAGE);
    const removed = await clearDay(scope, ctx.member.id, date);
    return ephemeral(message().text(t(removed ? 'holidays.removed' : 'holidays.nothingToRemove', { date })).build());
  }
  if (['calendar', '日历'].includes(sub)) {
    requireRole(ctx, 'admin');
    const raw = args.rest();
    const calendars = parseCalendars(raw);
    if (!calendars) throw new UserError('holidays.badCalendar', { value: raw.slice(0, 40) }, USAGE);
    await mergeWorkspaceSettings(scope, { holidayCalendars: calendars.length ? calendars.join('+') : 'none' });
    return ephemeral(message().text(t('holidays.calendarSet', { calendars: calendarsText(t, calendars) })).build());
  }
  throw new UserError('holidays.unknownSubcommand', { value: sub.slice(0, 40) }, USAGE);
}

async function logGreetingAction(ctx: CommandContext, value: string): Promise<HandlerResult> {
  const [rawAccount, rawFestival, date] = value.split('|');
  const accountId = /^\d{1,9}$/.test(rawAccount ?? '') ? Number(rawAccount) : NaN;
  const festival = parseFestival(rawFestival ?? '');
  // A real calendar day only (2027-13-45 would fail in SQL); button values can be forged.
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date ?? '') ? new Date(`${date}T00:00:00Z`) : undefined;
  const realDay = !!day && !Number.isNaN(day.getTime()) && day.getUTCFullYear() >= 1000 && day.toISOString().slice(0, 10) === date;
  if (!Number.isSafeInteger(accountId) || !festival || !realDay) throw new UserError('error.unknownAction');
  const account = await getAccount(ctx.scope, accountId);
  if (!account) throw new UserError('error.unknownAction');
  if (!(await canWorkOnAccount(ctx.scope, ctx.member, account))) throw new UserError('accounts.notYours', { name: account.name });
  const name = ctx.t(`holidays.name.${festival}`);
  const touchId = await logGreetingTouch(ctx.scope, ctx.member.id, account.id, festival, date!, ctx.t('holidays.greetingSummary', { festival: name }));
  if (touchId === null) return ephemeral(message().text(ctx.t('holidays.greetingAlready', { festival: name, account: account.name })).build());
  const count = await greetingsLogged(ctx.scope, ctx.member.id, festival, date!);
  return ephemeral(message().text(ctx.t('holidays.greetingLogged', { festival: name, account: account.name, count })).build());
}

/**
 * Enqueues every greeting reminder due at scope.now (one per assistant and festival day, deduped
 * by the outbox), for the scheduler's greeting job. Returns how many were newly queued.
 */
export async function enqueueGreetingReminders(scope: Scope, outbox: Outbox, translator: (locale: Locale) => Translator): Promise<number> {
  let queued = 0;
  for (const reminder of await greetingRemindersDue(scope, scope.now)) {
    const t = translator(reminder.member.locale);
    if (await outbox.enqueue(scope, { memberId: reminder.member.id }, greetingReminderMessage(t, reminder), reminder.dedupeKey)) queued += 1;
  }
  return queued;
}

/** Workspace holiday calendar (节日) and festival greeting reminders. */
export function createHolidaysCapability(): Capability {
  return {
    name: 'holidays',
    messages,
    commands: [{ name: 'holidays', aliases: ['节日', '节假日', '假期', 'holiday'], run: holidays }],
    actions: [{ id: 'greeting.log', run: logGreetingAction }],
  };
}
