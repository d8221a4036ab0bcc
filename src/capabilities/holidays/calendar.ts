import { addDays, daysBetween } from '../../lib/time.ts';

/**
 * Built-in holiday calendars. Dates are local calendar dates (YYYY-MM-DD) in whatever time zone
 * the caller's member lives in: a holiday is a day, not an instant.
 *
 * China 2026 follows the State Council notice of 2025-11-04 (国办发明电〔2025〕…), including the
 * make-up working days (调休上班). For 2027 only the statutory days are listed and they are marked
 * provisional: the official 2027 schedule (with its make-up days) was not known when this shipped,
 * and admins can correct it with `/kam holidays add|remove|workday`.
 */

export type DayKind = 'holiday' | 'workday';

export interface CalendarEntry {
  date: string;
  kind: DayKind;
  /** Festival/holiday code; the display name is translated (`holidays.name.<code>`). */
  code: string;
  /** True when the date is our best knowledge, not an announced schedule. */
  provisional?: boolean;
}

export const CALENDAR_IDS = ['cn', 'intl'] as const;
export type CalendarId = (typeof CALENDAR_IDS)[number];
/** The calendars a workspace uses by default. */
export const DEFAULT_CALENDARS: CalendarId[] = ['cn'];

function range(code: string, from: string, to: string, provisional = false): CalendarEntry[] {
  const out: CalendarEntry[] = [];
  for (let i = 0; i <= daysBetween(from, to); i += 1) out.push({ date: addDays(from, i), kind: 'holiday', code, provisional: provisional || undefined });
  return out;
}

function workdays(code: string, ...dates: string[]): CalendarEntry[] {
  return dates.map((date) => ({ date, kind: 'workday' as const, code }));
}

const CN: CalendarEntry[] = [
  // 2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04).
  ...range('new_year', '2026-01-01', '2026-01-03'), ...workdays('new_year', '2026-01-04'),
  ...range('spring_festival', '2026-02-15', '2026-02-23'), ...workdays('spring_festival', '2026-02-14', '2026-02-28'),
  ...range('qingming', '2026-04-04', '2026-04-06'),
  ...range('labour_day', '2026-05-01', '2026-05-05'), ...workdays('labour_day', '2026-05-09'),
  ...range('dragon_boat', '2026-06-19', '2026-06-21'),
  ...range('mid_autumn', '2026-09-25', '2026-09-27'),
  ...range('national_day', '2026-10-01', '2026-10-07'), ...workdays('national_day', '2026-09-20', '2026-10-10'),
  // 2027: statutory days only (provisional until the State Council publishes the schedule).
  ...range('new_year', '2027-01-01', '2027-01-01', true),
  ...range('spring_festival', '2027-02-05', '2027-02-08', true), // 除夕 Feb 5 to 初三 Feb 8
  ...range('qingming', '2027-04-05', '2027-04-05', true),
  ...range('labour_day', '2027-05-01', '2027-05-02', true),
  ...range('dragon_boat', '2027-06-09', '2027-06-09', true),
  ...range('mid_autumn', '2027-09-15', '2027-09-15', true),
  ...range('national_day', '2027-10-01', '2027-10-03', true),
];

const INTL: CalendarEntry[] = [
  ...range('new_year', '2026-01-01', '2026-01-01'), ...range('christmas', '2026-12-25', '2026-12-25'),
  ...range('new_year', '2027-01-01', '2027-01-01'), ...range('christmas', '2027-12-25', '2027-12-25'),
  ...range('new_year', '2028-01-01', '2028-01-01'), ...range('christmas', '2028-12-25', '2028-12-25'),
];

const BUILT_IN: Record<CalendarId, CalendarEntry[]> = { cn: CN, intl: INTL };

/** The built-in entry for a date in the given calendars (a holiday wins over a make-up day). */
export function builtInEntry(date: string, calendars: readonly CalendarId[]): CalendarEntry | undefined {
  let found: CalendarEntry | undefined;
  for (const id of calendars) {
    for (const entry of BUILT_IN[id]) {
      if (entry.date !== date) continue;
      if (!found || entry.kind === 'holiday') found = entry;
    }
  }
  return found;
}

/** Built-in entries between two local dates (inclusive), sorted by date. */
export function builtInEntries(from: string, to: string, calendars: readonly CalendarId[]): CalendarEntry[] {
  const byDate = new Map<string, CalendarEntry>();
  for (const id of calendars) {
    for (const entry of BUILT_IN[id]) {
      if (entry.date < from || entry.date > to) continue;
      const prev = byDate.get(entry.date);
      if (!prev || entry.kind === 'holiday') byDate.set(entry.date, entry);
    }
  }
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** Parses a calendar setting such as `cn`, `intl` or `cn+intl`; `none` is the empty list. */
export function parseCalendars(value: unknown): CalendarId[] | null {
  if (Array.isArray(value)) value = value.join('+');
  if (typeof value !== 'string') return null;
  const v = value.trim().toLowerCase();
  if (v === 'none' || v === '无') return [];
  const parts = v.split(/[+,，]/).map((p) => p.trim()).filter(Boolean);
  if (!parts.length || !parts.every((p) => (CALENDAR_IDS as readonly string[]).includes(p))) return null;
  return [...new Set(parts)] as CalendarId[];
}

// ---- Festivals for greeting reminders ----

export const FESTIVALS = ['spring_festival', 'mid_autumn', 'national_day', 'new_year', 'christmas'] as const;
export type Festival = (typeof FESTIVALS)[number];

/** Lunar festivals by Gregorian year (the festival day itself: 春节 = 正月初一, 中秋 = 八月十五). */
const LUNAR_DATES: Record<'spring_festival' | 'mid_autumn', Record<number, string>> = {
  spring_festival: { 2026: '2026-02-17', 2027: '2027-02-06', 2028: '2028-01-26', 2029: '2029-02-13', 2030: '2030-02-03' },
  mid_autumn: { 2026: '2026-09-25', 2027: '2027-09-15', 2028: '2028-10-03', 2029: '2029-09-22', 2030: '2030-09-12' },
};

const FIXED_DATES: Record<'national_day' | 'new_year' | 'christmas', string> = { national_day: '10-01', new_year: '01-01', christmas: '12-25' };

/** The day of a festival in a Gregorian year, or undefined when we do not know it. */
export function festivalDate(festival: Festival, year: number): string | undefined {
  if (festival === 'spring_festival' || festival === 'mid_autumn') return LUNAR_DATES[festival][year];
  return `${year}-${FIXED_DATES[festival]}`;
}

/** Festivals (of those given) whose day falls between two local dates, inclusive, by date. */
export function festivalsBetween(from: string, to: string, festivals: readonly Festival[]): Array<{ festival: Festival; date: string }> {
  const out: Array<{ festival: Festival; date: string }> = [];
  const first = Number(from.slice(0, 4));
  const last = Number(to.slice(0, 4));
  for (let year = first; year <= last; year += 1) {
    for (const festival of festivals) {
      const date = festivalDate(festival, year);
      if (date && date >= from && date <= to) out.push({ festival, date });
    }
  }
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

/** Parses a festival name typed in English or Chinese. */
export function parseFestival(input: string): Festival | undefined {
  const v = input.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const aliases: Record<string, Festival> = {
    spring_festival: 'spring_festival', chinese_new_year: 'spring_festival', cny: 'spring_festival', '春节': 'spring_festival',
    mid_autumn: 'mid_autumn', midautumn: 'mid_autumn', '中秋': 'mid_autumn', '中秋节': 'mid_autumn',
    national_day: 'national_day', '国庆': 'national_day', '国庆节': 'national_day',
    new_year: 'new_year', newyear: 'new_year', '元旦': 'new_year', '新年': 'new_year',
    christmas: 'christmas', xmas: 'christmas', '圣诞': 'christmas', '圣诞节': 'christmas',
  };
  return aliases[v];
}
