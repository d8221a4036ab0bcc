import { DateTime, IANAZone } from 'luxon';

/** A half-open instant range [start, end) plus the local label it was computed for. */
export interface Period {
  kind: PeriodKind;
  /** Local label: 2026-11-30 (day), 2026-W49 (week), 2026-11 (month), 2026-Q4 (quarter). */
  key: string;
  start: Date;
  end: Date;
  timezone: string;
}

export type PeriodKind = 'day' | 'week' | 'month' | 'quarter' | 'year';

export const DEFAULT_TIMEZONE = 'UTC';

/** True when the string names a real IANA time zone (e.g. Asia/Shanghai, Asia/Kolkata). */
export function isValidTimezone(tz: string): boolean {
  return tz.length <= 64 && IANAZone.isValidZone(tz);
}

function zoned(at: Date, timezone: string): DateTime {
  return DateTime.fromJSDate(at, { zone: timezone });
}

function periodKey(start: DateTime, kind: PeriodKind): string {
  switch (kind) {
    case 'day': return start.toISODate()!;
    case 'week': return `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`;
    case 'month': return start.toFormat('yyyy-MM');
    case 'quarter': return `${start.year}-Q${start.quarter}`;
    case 'year': return String(start.year);
  }
}

/** The period of the given kind containing `at`, computed in `timezone` (weeks start Monday). */
export function periodContaining(kind: PeriodKind, at: Date, timezone: string): Period {
  const start = zoned(at, timezone).startOf(kind, { useLocaleWeeks: false });
  const end = start.plus({ [`${kind}s`]: 1 });
  return { kind, key: periodKey(start, kind), start: start.toJSDate(), end: end.toJSDate(), timezone };
}

/** The period `offset` periods away from the one containing `at` (-1 = previous). */
export function periodOffset(kind: PeriodKind, at: Date, timezone: string, offset: number): Period {
  const base = zoned(at, timezone).startOf(kind, { useLocaleWeeks: false }).plus({ [`${kind}s`]: offset });
  return periodContaining(kind, base.toJSDate(), timezone);
}

/** Parses a period label such as 2026-Q4, 2026-11, 2026-W49 or 2026-11-30 into a period in `timezone`. */
export function parsePeriodKey(key: string, timezone: string): Period | null {
  const trimmed = key.trim().toUpperCase();
  let dt: DateTime | null = null;
  let kind: PeriodKind | null = null;
  let m: RegExpMatchArray | null;
  if ((m = trimmed.match(/^(\d{4})-?Q([1-4])$/))) {
    dt = DateTime.fromObject({ year: Number(m[1]), month: (Number(m[2]) - 1) * 3 + 1, day: 1 }, { zone: timezone });
    kind = 'quarter';
  } else if ((m = trimmed.match(/^(\d{4})-W(\d{1,2})$/))) {
    dt = DateTime.fromObject({ weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 1 }, { zone: timezone });
    kind = 'week';
  } else if ((m = trimmed.match(/^(\d{4})-(\d{1,2})$/))) {
    dt = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: timezone });
    kind = 'month';
  } else if ((m = trimmed.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/))) {
    dt = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone: timezone });
    kind = 'day';
  }
  // Year 0 does not exist in PostgreSQL, and keys assume four-digit years.
  if (!dt || !kind || !dt.isValid || dt.year < 1000) return null;
  return periodContaining(kind, dt.toJSDate(), timezone);
}

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timezone: string): string {
  return zoned(at, timezone).toISODate()!;
}

/** Local wall-clock parts of an instant in a time zone. */
export function localParts(at: Date, timezone: string): { date: string; hour: number; minute: number; weekday: number } {
  const z = zoned(at, timezone);
  return { date: z.toISODate()!, hour: z.hour, minute: z.minute, weekday: z.weekday };
}

/** The instant at which a local date and time happen in a time zone (DST gaps roll forward). */
export function zonedTimeToInstant(date: string, time: string, timezone: string): Date | null {
  const dt = DateTime.fromISO(`${date}T${time}`, { zone: timezone });
  return dt.isValid ? dt.toJSDate() : null;
}

/** Adds whole local days to a local date string. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** Whole local days from date `a` to date `b` (b - a). */
export function daysBetween(a: string, b: string): number {
  return Math.round(DateTime.fromISO(b, { zone: 'UTC' }).diff(DateTime.fromISO(a, { zone: 'UTC' }), 'days').days);
}

/** ISO weekday 1 (Monday) .. 7 (Sunday) of a local date string. */
export function weekdayOf(date: string): number {
  return DateTime.fromISO(date, { zone: 'UTC' }).weekday;
}

const RELATIVE_DAYS: Record<string, number> = {
  today: 0, '今天': 0, now: 0, '现在': 0,
  yesterday: -1, '昨天': -1,
  tomorrow: 1, '明天': 1,
  '前天': -2, '后天': 2,
};

/**
 * Parses a user-typed date in the member's time zone: today / yesterday / tomorrow / 今天 / 昨天 / 明天,
 * YYYY-MM-DD, YYYY/MM/DD, MM-DD, "3 days ago", "-3d", "+2d". Returns the local date string or null.
 */
export function parseUserDate(input: string, now: Date, timezone: string): string | null {
  const text = input.trim().toLowerCase();
  const today = zoned(now, timezone).startOf('day');
  if (text in RELATIVE_DAYS) return today.plus({ days: RELATIVE_DAYS[text]! }).toISODate();
  let m: RegExpMatchArray | null;
  if ((m = text.match(/^([+-]?\d{1,3})d$/))) return today.plus({ days: Number(m[1]) }).toISODate();
  if ((m = text.match(/^(\d{1,3}) ?days? ago$/)) || (m = text.match(/^(\d{1,3}) ?天前$/))) {
    return today.minus({ days: Number(m[1]) }).toISODate();
  }
  if ((m = text.match(/^in (\d{1,3}) ?days?$/)) || (m = text.match(/^(\d{1,3}) ?天后$/))) {
    return today.plus({ days: Number(m[1]) }).toISODate();
  }
  if ((m = text.match(/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/)) || (m = text.match(/^(\d{4})年(\d{1,2})月(\d{1,2})日?$/))) {
    const dt = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone: timezone });
    return dt.isValid && dt.year >= 1000 ? dt.toISODate() : null;
  }
  if ((m = text.match(/^(\d{1,2})[-/](\d{1,2})$/)) || (m = text.match(/^(\d{1,2})月(\d{1,2})日?$/))) {
    const dt = DateTime.fromObject({ year: today.year, month: Number(m[1]), day: Number(m[2]) }, { zone: timezone });
    return dt.isValid ? dt.toISODate() : null;
  }
  return null;
}

/** Parses HH:MM (24h) into minutes after midnight, or null. */
export function parseClockTime(input: string): number | null {
  const m = input.trim().match(/^([01]?\d|2[0-3])[:：]([0-5]\d)$/);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Formats minutes after midnight as HH:MM. */
export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
