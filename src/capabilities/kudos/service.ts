import { and, asc, count, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { kudos, kudosValues, type Kudos, type KudosValue } from '../../../db/schema/kudos.ts';
import { members, type Member } from '../../../db/schema/members.ts';
import type { Scope } from '../../chat/context.ts';
import { periodContaining, type Period } from '../../lib/time.ts';
import { mergeWorkspaceSettings, readWorkspaceSettings } from '../team/settings.ts';

/** Value tags every workspace starts with (admins add or remove their own). */
export const DEFAULT_VALUE_TAGS = ['customer-first', 'teamwork', 'ownership'] as const;
export const DEFAULT_WEEKLY_ALLOWANCE = 5;
export const MAX_WEEKLY_ALLOWANCE = 100;
export const MAX_REASON_LENGTH = 500;
export const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_-]{0,39}$/u;

/** Kudos one member received in a range, for reviews, digests and recognition posts. */
export interface KudosSummary {
  count: number;
  /** Value tag → count (kudos without a tag are not listed). */
  byValue: Record<string, number>;
  /** Newest first. */
  items: Array<{ id: number; giverId: number; reason: string; valueTag: string | null; givenAt: Date }>;
}

/**
 * Kudos received by each of `memberIds` with given_at in [start, end), in one query.
 * Members without kudos are present with count 0, so callers can render "0" without checks.
 */
export async function kudosReceived(scope: Scope, memberIds: readonly number[], start: Date, end: Date): Promise<Map<number, KudosSummary>> {
  const result = new Map<number, KudosSummary>(memberIds.map((id) => [id, { count: 0, byValue: {}, items: [] }]));
  if (!memberIds.length) return result;
  const rows = await scope.db.select().from(kudos).where(and(
    eq(kudos.workspaceId, scope.workspaceId), inArray(kudos.receiverId, [...memberIds]), gte(kudos.givenAt, start), lt(kudos.givenAt, end),
  )).orderBy(desc(kudos.givenAt), desc(kudos.id));
  for (const r of rows) {
    const s = result.get(r.receiverId)!;
    s.count += 1;
    if (r.valueTag) s.byValue[r.valueTag] = (s.byValue[r.valueTag] ?? 0) + 1;
    s.items.push({ id: r.id, giverId: r.giverId, reason: r.reason, valueTag: r.valueTag, givenAt: r.givenAt });
  }
  return result;
}

/** Total kudos a member has ever received (for the 10-kudos badge). */
export async function kudosReceivedTotal(scope: Scope, memberId: number): Promise<number> {
  const [row] = await scope.db.select({ n: count() }).from(kudos)
    .where(and(eq(kudos.workspaceId, scope.workspaceId), eq(kudos.receiverId, memberId)));
  return Number(row?.n ?? 0);
}

export const kudosService = {
  /** The workspace's active value tags; the defaults are created on first use. */
  async values(scope: Scope): Promise<KudosValue[]> {
    const all = await scope.db.select().from(kudosValues).where(eq(kudosValues.workspaceId, scope.workspaceId)).orderBy(asc(kudosValues.id));
    if (!all.length) {
      await scope.db.insert(kudosValues)
        .values(DEFAULT_VALUE_TAGS.map((tag) => ({ workspaceId: scope.workspaceId, tag, createdAt: scope.now })))
        .onConflictDoNothing();
      return this.values(scope);
    }
    return all.filter((v) => !v.archived);
  },

  /** Adds (or brings back) a value tag. Returns false when it was already active. */
  async addValue(scope: Scope, tag: string, description: string): Promise<boolean> {
    const active = await this.values(scope);
    if (active.some((v) => v.tag === tag)) return false;
    await scope.db.insert(kudosValues).values({ workspaceId: scope.workspaceId, tag, description, createdAt: scope.now })
      .onConflictDoUpdate({ target: [kudosValues.workspaceId, kudosValues.tag], set: { archived: false, description } });
    return true;
  },

  /** Archives a value tag (past kudos keep it). Returns false when no such active tag. */
  async removeValue(scope: Scope, tag: string): Promise<boolean> {
    await this.values(scope);
    const rows = await scope.db.update(kudosValues).set({ archived: true })
      .where(and(eq(kudosValues.workspaceId, scope.workspaceId), eq(kudosValues.tag, tag), eq(kudosValues.archived, false)))
      .returning({ id: kudosValues.id });
    return rows.length > 0;
  },

  /** Kudos each member may give per week (workspace setting, default 5). */
  async weeklyAllowance(scope: Scope): Promise<number> {
    const n = Number((await readWorkspaceSettings(scope)).kudosWeeklyAllowance);
    return Number.isInteger(n) && n >= 1 && n <= MAX_WEEKLY_ALLOWANCE ? n : DEFAULT_WEEKLY_ALLOWANCE;
  },

  async setWeeklyAllowance(scope: Scope, allowance: number): Promise<void> {
    await mergeWorkspaceSettings(scope, { kudosWeeklyAllowance: allowance });
  },

  /** The giver's current week (Monday start, their time zone) and how many kudos they gave in it. */
  async givenThisWeek(scope: Scope, giver: Member): Promise<{ week: Period; used: number }> {
    const week = periodContaining('week', scope.now, giver.timezone);
    const [row] = await scope.db.select({ n: count() }).from(kudos).where(and(
      eq(kudos.workspaceId, scope.workspaceId), eq(kudos.giverId, giver.id), gte(kudos.givenAt, week.start), lt(kudos.givenAt, week.end),
    ));
    return { week, used: Number(row?.n ?? 0) };
  },

  async give(scope: Scope, input: { giverId: number; receiverId: number; reason: string; valueTag: string | null; conversation: string | null }): Promise<Kudos> {
    const [row] = await scope.db.insert(kudos).values({ workspaceId: scope.workspaceId, ...input, givenAt: scope.now }).returning();
    return row!;
  },

  /** Top receivers in [start, end): most kudos first, ties by name. Only people with kudos appear. */
  async leaderboard(scope: Scope, start: Date, end: Date, limit = 10): Promise<Array<{ memberId: number; count: number; topValue: string | null }>> {
    const rows = await scope.db.select({
      memberId: kudos.receiverId,
      count: sql<number>`count(*)::int`,
      topValue: sql<string | null>`mode() within group (order by ${kudos.valueTag})`,
    }).from(kudos).innerJoin(members, eq(members.id, kudos.receiverId))
      .where(and(eq(kudos.workspaceId, scope.workspaceId), gte(kudos.givenAt, start), lt(kudos.givenAt, end)))
      .groupBy(kudos.receiverId, members.displayName)
      .orderBy(desc(sql`count(*)`), asc(members.displayName))
      .limit(limit);
    return rows.map((r) => ({ memberId: r.memberId, count: Number(r.count), topValue: r.topValue }));
  },

  /** A member's most recent kudos received, newest first, and the total. */
  async history(scope: Scope, receiverId: number, limit = 15): Promise<{ total: number; items: Kudos[] }> {
    const items = await scope.db.select().from(kudos)
      .where(and(eq(kudos.workspaceId, scope.workspaceId), eq(kudos.receiverId, receiverId)))
      .orderBy(desc(kudos.givenAt), desc(kudos.id)).limit(limit);
    return { total: await kudosReceivedTotal(scope, receiverId), items };
  },
};
