import { and, eq, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import { recognitionPreferences, recognitions } from '../../../db/schema/meetings.ts';
import type { Locale } from '../../../db/schema/members.ts';
import type { Scope } from '../../chat/context.ts';
import type { Translator } from '../../chat/i18n/index.ts';
import { mention, message, type Message } from '../../chat/message.ts';
import { periodContaining, type Period } from '../../lib/time.ts';
import { getTargets } from '../kpi/service.ts';

/** Weeks in a row with at least one visit that make a streak worth celebrating. */
export const MIN_VISIT_STREAK = 3;

export type Win =
  | { kind: 'targetHit'; metric: 'touches' | 'visits'; actual: number }
  | { kind: 'fiveStar'; count: number }
  | { kind: 'streak'; weeks: number }
  | { kind: 'kudos'; count: number }
  | { kind: 'training'; count: number };

export interface MemberWins {
  memberId: number;
  optedOut: boolean;
  wins: Win[];
}

/** Opts a member out of (or back into) being named in recognition posts. */
export async function setRecognitionOptOut(scope: Scope, memberId: number, optedOut: boolean): Promise<void> {
  await scope.db.insert(recognitionPreferences).values({ workspaceId: scope.workspaceId, memberId, optedOut, updatedAt: scope.now })
    .onConflictDoUpdate({ target: [recognitionPreferences.workspaceId, recognitionPreferences.memberId], set: { optedOut, updatedAt: scope.now } });
}

export async function isOptedOut(scope: Scope, memberId: number): Promise<boolean> {
  const [row] = await scope.db.select({ optedOut: recognitionPreferences.optedOut }).from(recognitionPreferences)
    .where(and(eq(recognitionPreferences.workspaceId, scope.workspaceId), eq(recognitionPreferences.memberId, memberId)));
  return row?.optedOut ?? false;
}

/** The time zone and language most of the workspace uses (recognition weeks are the team's weeks). */
export async function workspaceHabits(scope: Scope): Promise<{ timezone: string; locale: Locale }> {
  const [row] = await queryRows<{ tz: string | null; locale: string | null }>(scope.db, sql`
    select mode() within group (order by timezone) as tz, mode() within group (order by locale) as locale
    from members where workspace_id = ${scope.workspaceId} and active and not is_bot`);
  return { timezone: row?.tz ?? 'UTC', locale: row?.locale === 'en' ? 'en' : 'zh-CN' };
}

/**
 * Everyone's wins in a week (only good news: targets hit, five-star ratings, visit streaks,
 * kudos received, training completed). A fixed number of statements for the whole workspace.
 */
export async function weeklyWins(scope: Scope, week: Period): Promise<MemberWins[]> {
  const ws = scope.workspaceId;
  const from = week.start.toISOString();
  const to = week.end.toISOString();
  const streakFrom = new Date(week.start.getTime() - 12 * 7 * 86_400_000).toISOString();
  const rows = await queryRows<Record<string, unknown>>(scope.db, sql`
    select m.id, coalesce(p.opted_out, false) as opted_out,
      (select count(*) from touches t where t.workspace_id = ${ws} and t.member_id = m.id and t.occurred_at >= ${from}::timestamptz and t.occurred_at < ${to}::timestamptz)::int as touches,
      (select count(*) from touches t where t.workspace_id = ${ws} and t.member_id = m.id and t.kind = 'visit' and t.occurred_at >= ${from}::timestamptz and t.occurred_at < ${to}::timestamptz)::int as visits,
      (select count(*) from feedback f where f.workspace_id = ${ws} and f.member_id = m.id and f.score = 5 and f.received_at >= ${from}::timestamptz and f.received_at < ${to}::timestamptz)::int as five_star,
      (select count(*) from kudos k where k.workspace_id = ${ws} and k.receiver_id = m.id and k.given_at >= ${from}::timestamptz and k.given_at < ${to}::timestamptz)::int as kudos,
      ((select count(*) from training_assignments a where a.workspace_id = ${ws} and a.member_id = m.id and a.completed_at >= ${from}::timestamptz and a.completed_at < ${to}::timestamptz)
        + (select count(*) from training_invites i where i.workspace_id = ${ws} and i.member_id = m.id and i.attended_at >= ${from}::timestamptz and i.attended_at < ${to}::timestamptz))::int as training,
      (select coalesce(array_agg(distinct floor(extract(epoch from (${to}::timestamptz - t.occurred_at)) / 604800)::int), '{}')
        from touches t where t.workspace_id = ${ws} and t.member_id = m.id and t.kind = 'visit'
          and t.occurred_at >= ${streakFrom}::timestamptz and t.occurred_at < ${to}::timestamptz) as visit_weeks
    from members m
    left join recognition_preferences p on p.workspace_id = m.workspace_id and p.member_id = m.id
    where m.workspace_id = ${ws} and m.active and not m.is_bot
    order by m.display_name, m.id`);
  const targets = await getTargets(scope, rows.map((r) => Number(r.id)), 'week');
  return rows.map((r) => {
    const id = Number(r.id);
    const wins: Win[] = [];
    const goal = targets.get(id) ?? {};
    for (const metric of ['touches', 'visits'] as const) {
      const actual = Number(r[metric]);
      if (goal[metric] && goal[metric]! > 0 && actual >= goal[metric]!) wins.push({ kind: 'targetHit', metric, actual });
    }
    if (Number(r.five_star)) wins.push({ kind: 'fiveStar', count: Number(r.five_star) });
    // Week 0 is this week; count back while each week had a visit.
    const weeks = new Set(parseIntArray(r.visit_weeks));
    let streak = 0;
    while (weeks.has(streak)) streak += 1;
    if (streak >= MIN_VISIT_STREAK) wins.push({ kind: 'streak', weeks: streak });
    if (Number(r.kudos)) wins.push({ kind: 'kudos', count: Number(r.kudos) });
    if (Number(r.training)) wins.push({ kind: 'training', count: Number(r.training) });
    return { memberId: id, optedOut: Boolean(r.opted_out), wins };
  }).filter((m) => m.wins.length);
}

function parseIntArray(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(Number);
  if (typeof value === 'string') return value.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number);
  return [];
}

function winText(t: Translator, w: Win): string {
  switch (w.kind) {
    case 'targetHit': return t('recognition.targetHit', { metric: t(`recognition.metric.${w.metric}`), actual: w.actual });
    case 'fiveStar': return t('recognition.fiveStar', { count: w.count });
    case 'streak': return t('recognition.streak', { weeks: w.weeks });
    case 'kudos': return t('recognition.kudos', { count: w.count });
    case 'training': return t('recognition.training', { count: w.count });
  }
}

/** The public recognition post: named wins of those who allow it, a count of the others. Praise only. */
export function recognitionMessage(t: Translator, weekKey: string, wins: MemberWins[]): Message | null {
  const named = wins.filter((w) => !w.optedOut);
  const quiet = wins.length - named.length;
  if (!named.length && !quiet) return null;
  return message()
    .header(t('recognition.title', { week: weekKey }))
    .text(t('recognition.intro'))
    .text(named.map((w) => `- ${mention(w.memberId)}: ${w.wins.map((x) => winText(t, x)).join(' · ')}`).join('\n'))
    .text(quiet ? t('recognition.others', { count: quiet }) : '')
    .context(t('recognition.footer'))
    .build();
}

/** Remembers who was named, for "not recognised in 30 days" in the manager digest. */
export async function recordRecognitions(scope: Scope, weekKey: string, wins: MemberWins[]): Promise<void> {
  const named = wins.filter((w) => !w.optedOut);
  if (!named.length) return;
  await scope.db.insert(recognitions).values(named.map((w) => ({
    workspaceId: scope.workspaceId, memberId: w.memberId, weekKey, reasons: w.wins.map((x) => x.kind), postedAt: scope.now,
  }))).onConflictDoNothing();
}

/** The ISO week containing `at` in a zone. */
export function weekOf(at: Date, timezone: string): Period {
  return periodContaining('week', at, timezone);
}
