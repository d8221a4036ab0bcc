import { TOUCH_KINDS, type TouchKind } from '../../../db/schema/touches.ts';
import type { CommandContext } from '../../chat/context.ts';
import { UserError } from '../../chat/errors.ts';
import { addDays, localDate, parseUserDate, zonedTimeToInstant } from '../../lib/time.ts';

/** Kind words people type, English and Chinese. */
const KIND_WORDS: Record<string, TouchKind> = {
  call: 'call', phone: 'call', '电话': 'call', '通话': 'call',
  email: 'email', mail: 'email', '邮件': 'email',
  visit: 'visit', '拜访': 'visit',
  meeting: 'meeting', meet: 'meeting', '会议': 'meeting', '开会': 'meeting',
  greeting: 'greeting', '问候': 'greeting',
  event: 'event', '活动': 'event',
  other: 'other', '其他': 'other', '其它': 'other',
};

/** Oldest back-dating we accept: a year of history is plenty and catches typos like 2025 for 2026. */
const MAX_BACKDATE_DAYS = 365;

/** The touch kind a word names, or undefined. */
export function parseKind(word: string | undefined): TouchKind | undefined {
  if (!word) return undefined;
  const lower = word.trim().toLowerCase();
  return KIND_WORDS[lower] ?? ((TOUCH_KINDS as readonly string[]).includes(lower) ? (lower as TouchKind) : undefined);
}

/** True when a token was probably meant as a date (so a typo is reported, not logged as text). */
export function looksLikeDate(token: string | undefined, ctx: CommandContext): boolean {
  if (!token) return false;
  if (parseUserDate(token, ctx.scope.now, ctx.member.timezone)) return true;
  return /^\d{1,4}[-/.年月]\d{1,2}/.test(token) || /^[+-]?\d{1,3}d$/i.test(token);
}

/** Today's local date for the member. */
export function memberToday(ctx: CommandContext): string {
  return localDate(ctx.scope.now, ctx.member.timezone);
}

/**
 * When a touch happened. Empty means now. A past local date is stored at local noon, so it
 * stays on that calendar day in the member's zone; future dates and dates over a year back
 * are refused.
 */
export function parseWhen(ctx: CommandContext, raw: string | undefined, usageOf?: string): Date {
  const now = ctx.scope.now;
  const text = raw?.trim();
  if (!text) return now;
  const tz = ctx.member.timezone;
  const date = parseUserDate(text, now, tz);
  if (!date) throw new UserError('error.badDate', { value: text.slice(0, 40) }, usageOf);
  const today = localDate(now, tz);
  if (date > today) throw new UserError('touches.futureDate', { date, today }, usageOf);
  if (date < addDays(today, -MAX_BACKDATE_DAYS)) throw new UserError('touches.tooOld', { date }, usageOf);
  if (date === today) return now;
  return zonedTimeToInstant(date, '12:00', tz)!;
}

/** A next-step due date: a local date, today or later. */
export function parseDue(ctx: CommandContext, raw: string | undefined, usageOf?: string): string | null {
  const text = raw?.trim();
  if (!text) return null;
  const date = parseUserDate(text, ctx.scope.now, ctx.member.timezone);
  if (!date) throw new UserError('error.badDate', { value: text.slice(0, 40) }, usageOf);
  if (date < memberToday(ctx)) throw new UserError('touches.duePast', { date }, usageOf);
  return date;
}

/** Trims free text and enforces its limit; `field` is an i18n key for the field name. */
export function checkText(ctx: CommandContext, raw: string | undefined, field: string, max: number, usageOf?: string): string | null {
  const text = raw?.trim();
  if (!text) return null;
  if (text.length > max) throw new UserError('error.tooLong', { field: ctx.t(field), length: text.length, max }, usageOf);
  return text;
}

/** Like checkText but the field must be present. */
export function requireText(ctx: CommandContext, raw: string | undefined, field: string, max: number, usageOf?: string): string {
  const text = checkText(ctx, raw, field, max, usageOf);
  if (!text) throw new UserError('error.required', { field: ctx.t(field) }, usageOf);
  return text;
}

/**
 * Runs a field check for a form: a UserError becomes that field's inline message, so every
 * field is checked and all problems are shown at once.
 */
export function fieldCheck<T>(ctx: CommandContext, errors: Record<string, string>, field: string, check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    if (error instanceof UserError) { errors[field] = ctx.t(error.key, error.params); return undefined; }
    throw error;
  }
}
