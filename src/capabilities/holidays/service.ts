import { and, asc, eq, gte, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { accounts } from '../../../db/schema/accounts.ts';
import { greetingLogs, holidayOverrides, type HolidayOverride } from '../../../db/schema/holidays.ts';
import { members, type Member } from '../../../db/schema/members.ts';
import { touches } from '../../../db/schema/touches.ts';
import type { Scope } from '../../chat/context.ts';
import { addDays, daysBetween, localDate, weekdayOf } from '../../lib/time.ts';
import {
  builtInEntries, builtInEntry, DEFAULT_CALENDARS, FESTIVALS, festivalsBetween, parseCalendars, parseFestival,
  type CalendarId, type Festival,
} from './calendar.ts';
import { mergeWorkspaceSettings, readWorkspaceSettings } from '../team/settings.ts';

export type { CalendarId, Festival };

/** What kind of day a local date is for a workspace. */
export interface DayInfo {
  date: string;
  working: boolean;
  /** weekday / weekend, a holiday, or a make-up working day (调休上班). */
  kind: 'weekday' | 'weekend' | 'holiday' | 'workday';
  /** Built-in code (translate `holidays.name.<code>`) or an admin-typed name. */
  code?: string;
  name?: string;
  source?: 'built-in' | 'custom';
  provisional?: boolean;
}

export const DEFAULT_GREETING_LEAD_DAYS = 3;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The calendars a workspace follows (setting `holidayCalendars`, default China). */
export async function workspaceCalendars(scope: Scope): Promise<CalendarId[]> {
  const settings = await readWorkspaceSettings(scope);
  return parseCalendars(settings.holidayCalendars) ?? DEFAULT_CALENDARS;
}

function classify(date: string, calendars: readonly CalendarId[], override: HolidayOverride | undefined): DayInfo {
  const weekend = weekdayOf(date) >= 6;
  const plain: DayInfo = { date, working: !weekend, kind: weekend ? 'weekend' : 'weekday' };
  if (override?.kind === 'cleared') return plain;
  if (override) {
    return { date, working: override.kind === 'workday', kind: override.kind, name: override.name, source: 'custom' };
  }
  const entry = builtInEntry(date, calendars);
  if (!entry) return plain;
  return { date, working: entry.kind === 'workday', kind: entry.kind, code: entry.code, source: 'built-in', provisional: entry.provisional };
}

/**
 * Day information for many local dates at once (one query), for schedules and calendars.
 * `calendar` overrides the workspace setting (e.g. `cn`, `intl`, `cn+intl`, `none`).
 */
export async function calendarDays(scope: Scope, dates: readonly string[], calendar?: string): Promise<Map<string, DayInfo>> {
  const valid = [...new Set(dates.filter((d) => DATE.test(d)))];
  const calendars = calendar !== undefined ? (parseCalendars(calendar) ?? DEFAULT_CALENDARS) : await workspaceCalendars(scope);
  const overrides = valid.length ? await scope.db.select().from(holidayOverrides)
    .where(and(eq(holidayOverrides.workspaceId, scope.workspaceId), inArray(holidayOverrides.date, valid))) : [];
  const byDate = new Map(overrides.map((o) => [o.date, o]));
  return new Map(valid.map((d) => [d, classify(d, calendars, byDate.get(d))]));
}

/**
 * True when a local date (YYYY-MM-DD) is a working day in the workspace: Monday to Friday
 * unless a holiday, and a weekend day only when it is a make-up working day (调休上班).
 * Admin changes (`/kam holidays …`) win over the built-in calendar.
 */
export async function isWorkingDay(scope: Scope, date: string, calendar?: string): Promise<boolean> {
  if (!DATE.test(date)) throw new Error(`isWorkingDay expects YYYY-MM-DD, got ${date}`);
  return (await calendarDays(scope, [date], calendar)).get(date)!.working;
}

/** Batch variant of isWorkingDay: local date → working? (one query for all dates). */
export async function workingDayMap(scope: Scope, dates: readonly string[], calendar?: string): Promise<Map<string, boolean>> {
  const days = await calendarDays(scope, dates, calendar);
  return new Map([...days].map(([d, info]) => [d, info.working]));
}

/** Holidays and make-up working days between two local dates (inclusive), built-in merged with admin changes. */
export async function listCalendar(scope: Scope, from: string, to: string): Promise<DayInfo[]> {
  const calendars = await workspaceCalendars(scope);
  const overrides = await scope.db.select().from(holidayOverrides).where(and(
    eq(holidayOverrides.workspaceId, scope.workspaceId), gte(holidayOverrides.date, from), lte(holidayOverrides.date, to),
  ));
  const dates = new Set([...builtInEntries(from, to, calendars).map((e) => e.date), ...overrides.map((o) => o.date)]);
  const byDate = new Map(overrides.map((o) => [o.date, o]));
  return [...dates].sort().map((d) => classify(d, calendars, byDate.get(d))).filter((d) => d.kind === 'holiday' || d.kind === 'workday');
}

/** Admin: marks a date as a holiday (or, with kind workday, a make-up working day). */
export async function setDay(scope: Scope, actorId: number, date: string, kind: 'holiday' | 'workday', name: string): Promise<void> {
  await scope.db.insert(holidayOverrides).values({ workspaceId: scope.workspaceId, date, kind, name, createdBy: actorId, createdAt: scope.now })
    .onConflictDoUpdate({ target: [holidayOverrides.workspaceId, holidayOverrides.date], set: { kind, name, createdBy: actorId, createdAt: scope.now } });
}

/**
 * Admin: the date becomes an ordinary day. A custom entry is deleted; a built-in one is
 * cleared for this workspace. Returns false when there was nothing to remove.
 */
export async function clearDay(scope: Scope, actorId: number, date: string): Promise<boolean> {
  const before = (await calendarDays(scope, [date])).get(date)!;
  if (before.kind !== 'holiday' && before.kind !== 'workday') return false;
  const calendars = await workspaceCalendars(scope);
  if (builtInEntry(date, calendars)) {
    await scope.db.insert(holidayOverrides).values({ workspaceId: scope.workspaceId, date, kind: 'cleared', name: '', createdBy: actorId, createdAt: scope.now })
      .onConflictDoUpdate({ target: [holidayOverrides.workspaceId, holidayOverrides.date], set: { kind: 'cleared', name: '', createdBy: actorId, createdAt: scope.now } });
  } else {
    await scope.db.delete(holidayOverrides).where(and(eq(holidayOverrides.workspaceId, scope.workspaceId), eq(holidayOverrides.date, date)));
  }
  return true;
}

// ---- Greeting reminders ----

export interface GreetingSettings {
  festivals: Festival[];
  leadDays: number;
}

/** Which festivals get greeting reminders and how many days ahead (settings, with defaults). */
export async function greetingSettings(scope: Scope): Promise<GreetingSettings> {
  const s = await readWorkspaceSettings(scope);
  const festivals = Array.isArray(s.greetingFestivals)
    ? (s.greetingFestivals as unknown[]).map((f) => parseFestival(String(f))).filter((f): f is Festival => !!f)
    : [...FESTIVALS];
  const lead = Number(s.greetingLeadDays);
  return { festivals, leadDays: Number.isInteger(lead) && lead >= 0 && lead <= 30 ? lead : DEFAULT_GREETING_LEAD_DAYS };
}

/** Admin: changes greeting reminder settings (only the keys given). */
export async function setGreetingSettings(scope: Scope, patch: Partial<GreetingSettings>): Promise<void> {
  const out: Record<string, unknown> = {};
  if (patch.festivals) out.greetingFestivals = patch.festivals;
  if (patch.leadDays !== undefined) out.greetingLeadDays = patch.leadDays;
  await mergeWorkspaceSettings(scope, out);
}

/** One assistant's reminder for one festival: the accounts still to greet. */
export interface GreetingReminder {
  member: Member;
  festival: Festival;
  /** The festival day (local date). */
  festivalDate: string;
  /** Whole days from the member's today to the festival (0 = today). */
  daysLeft: number;
  accounts: Array<{ id: number; name: string }>;
  /** Outbox dedupe key: one reminder per member and festival day. */
  dedupeKey: string;
}

/**
 * Greeting reminders due at `now` for every assistant with accounts: festivals (from the
 * workspace's list) whose day is within the lead window in the member's own time zone, listing
 * the accounts not yet greeted for that festival. The scheduler enqueues each with its dedupeKey
 * (see `greetingReminderMessage`), so calling this every tick sends each reminder once.
 */
export async function greetingRemindersDue(scope: Scope, now: Date = scope.now): Promise<GreetingReminder[]> {
  const settings = await greetingSettings(scope);
  if (!settings.festivals.length) return [];
  const rows = await scope.db.select({ member: members, accountId: accounts.id, accountName: accounts.name })
    .from(accounts).innerJoin(members, eq(members.id, accounts.assistantId))
    .where(and(
      eq(accounts.workspaceId, scope.workspaceId), isNull(accounts.archivedAt), isNotNull(accounts.assistantId),
      eq(members.workspaceId, scope.workspaceId), eq(members.active, true), eq(members.isBot, false),
    ))
    .orderBy(asc(members.id), asc(accounts.name));
  const byMember = new Map<number, { member: Member; accounts: Array<{ id: number; name: string }> }>();
  for (const r of rows) {
    const entry = byMember.get(r.member.id) ?? { member: r.member, accounts: [] };
    entry.accounts.push({ id: r.accountId, name: r.accountName });
    byMember.set(r.member.id, entry);
  }
  const candidates: GreetingReminder[] = [];
  for (const { member, accounts: list } of byMember.values()) {
    const today = localDate(now, member.timezone);
    for (const f of festivalsBetween(today, addDays(today, settings.leadDays), settings.festivals)) {
      candidates.push({
        member, festival: f.festival, festivalDate: f.date, accounts: list,
        daysLeft: daysBetween(today, f.date),
        dedupeKey: `greeting-reminder:${member.id}:${f.festival}:${f.date}`,
      });
    }
  }
  if (!candidates.length) return [];
  const accountIds = [...new Set(candidates.flatMap((c) => c.accounts.map((a) => a.id)))];
  const dates = [...new Set(candidates.map((c) => c.festivalDate))];
  const logged = await scope.db.select({ accountId: greetingLogs.accountId, festival: greetingLogs.festival, date: greetingLogs.festivalDate })
    .from(greetingLogs).where(and(
      eq(greetingLogs.workspaceId, scope.workspaceId), inArray(greetingLogs.accountId, accountIds), inArray(greetingLogs.festivalDate, dates),
    ));
  const done = new Set(logged.map((l) => `${l.accountId}:${l.festival}:${l.date}`));
  return candidates
    .map((c) => ({ ...c, accounts: c.accounts.filter((a) => !done.has(`${a.id}:${c.festival}:${c.festivalDate}`)) }))
    .filter((c) => c.accounts.length > 0);
}

/**
 * Logs a festival greeting for an account: one touch of kind `greeting`, once per account and
 * festival day. Returns the touch id, or null when a greeting was already logged.
 */
export async function logGreetingTouch(scope: Scope, memberId: number, accountId: number, festival: Festival, festivalDate: string, summary: string): Promise<number | null> {
  const [log] = await scope.db.insert(greetingLogs).values({
    workspaceId: scope.workspaceId, accountId, festival, festivalDate, memberId, loggedAt: scope.now,
  }).onConflictDoNothing().returning({ id: greetingLogs.id });
  if (!log) return null;
  const [touch] = await scope.db.insert(touches).values({
    workspaceId: scope.workspaceId, accountId, memberId, kind: 'greeting', occurredAt: scope.now, summary, createdAt: scope.now,
  }).returning({ id: touches.id });
  await scope.db.update(greetingLogs).set({ touchId: touch!.id }).where(and(eq(greetingLogs.workspaceId, scope.workspaceId), eq(greetingLogs.id, log.id)));
  return touch!.id;
}

/** How many greetings a member logged for a festival day (for the confirmation text). */
export async function greetingsLogged(scope: Scope, memberId: number, festival: Festival, festivalDate: string): Promise<number> {
  const [row] = await scope.db.select({ n: sql<number>`count(*)::int` }).from(greetingLogs).where(and(
    eq(greetingLogs.workspaceId, scope.workspaceId), eq(greetingLogs.memberId, memberId),
    eq(greetingLogs.festival, festival), eq(greetingLogs.festivalDate, festivalDate),
  ));
  return row?.n ?? 0;
}
