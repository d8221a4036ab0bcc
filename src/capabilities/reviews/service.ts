import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import { reviews, type Review, type ReviewArea, type ReviewRating } from '../../../db/schema/reviews.ts';
import type { Scope } from '../../chat/context.ts';
import type { Period } from '../../lib/time.ts';
import { computeKpis, type KpiSnapshot } from '../kpi/service.ts';

/** A feedback highlight kept in the review snapshot. */
export interface Highlight { account: string; score: number | null; text: string; at: string; complaint: boolean }

/** What a review shows besides the ratings, frozen when the review is drafted. */
export interface ReviewSnapshot {
  periodKey: string;
  /** The KPI snapshot with money as strings (JSON has no bigint). */
  kpi: KpiSnapshot;
  highlights: Highlight[];
  /** null when the kudos feature is not installed. */
  kudos: { count: number; items: Array<{ giverId: number; reason: string; valueTag: string | null; at: string }> } | null;
  /** null when the training feature is not installed. */
  training: { completed: Array<{ title: string | null; key?: string | null; at: string }> } | null;
}

/** JSON-safe copy: bigints become strings. */
function toJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as T;
}

/** Which optional tables exist (kudos and training are separate features). */
async function optionalTables(scope: Scope): Promise<{ kudos: boolean; assignments: boolean; invites: boolean }> {
  const [row] = await queryRows<{ k: boolean; a: boolean; i: boolean }>(scope.db, sql`
    select to_regclass('kudos') is not null as k,
      (to_regclass('training_assignments') is not null and to_regclass('training_items') is not null) as a,
      (to_regclass('training_invites') is not null and to_regclass('training_sessions') is not null) as i`);
  return { kudos: !!row?.k, assignments: !!row?.a, invites: !!row?.i };
}

/**
 * Gathers everything a review shows for many members of one quarter, set-based: the KPI batch,
 * then one statement each for feedback highlights, kudos and completed training.
 */
export async function gatherSnapshots(scope: Scope, memberIds: number[], quarter: Period, at: Date, complete = false): Promise<Map<number, ReviewSnapshot>> {
  const kpis = await computeKpis(scope, memberIds, 'quarter', at, { complete });
  const ids = [...kpis.keys()];
  const result = new Map<number, ReviewSnapshot>();
  if (!ids.length) return result;
  // A little slack around the UTC quarter covers every member's local quarter for the side lists.
  const start = new Date(quarter.start.getTime() - 14 * 3_600_000).toISOString();
  const end = new Date(quarter.end.getTime() + 12 * 3_600_000).toISOString();
  const idList = sql.join(ids.map((id) => sql`${id}`), sql`, `);
  const highlightRows = await queryRows<{ member_id: number; name: string; score: number | null; text: string; received_at: string | Date; is_complaint: boolean }>(scope.db, sql`
    select member_id, name, score, text, received_at, is_complaint from (
      select f.member_id, a.name, f.score, f.text, f.received_at, f.is_complaint,
        row_number() over (partition by f.member_id order by f.score desc nulls last, f.received_at desc) as rn
      from feedback f join accounts a on a.id = f.account_id and a.workspace_id = f.workspace_id
      where f.workspace_id = ${scope.workspaceId} and f.member_id in (${idList})
        and f.received_at >= ${start}::timestamptz and f.received_at < ${end}::timestamptz
        and (f.score >= 4 or f.is_complaint)
    ) x where rn <= 3 order by member_id, rn`);
  const tables = await optionalTables(scope);
  const kudosRows = tables.kudos ? await queryRows<{ receiver_id: number; giver_id: number; reason: string; value_tag: string | null; given_at: string | Date }>(scope.db, sql`
    select receiver_id, giver_id, reason, value_tag, given_at from kudos
    where workspace_id = ${scope.workspaceId} and receiver_id in (${idList})
      and given_at >= ${start}::timestamptz and given_at < ${end}::timestamptz
    order by given_at desc`) : [];
  const trainingRows = [
    ...(tables.assignments ? await queryRows<{ member_id: number; title: string | null; key: string | null; at: string | Date }>(scope.db, sql`
      select ta.member_id, ti.title, ti.key, ta.completed_at as at
      from training_assignments ta join training_items ti on ti.id = ta.item_id
      where ta.workspace_id = ${scope.workspaceId} and ta.member_id in (${idList})
        and ta.completed_at >= ${start}::timestamptz and ta.completed_at < ${end}::timestamptz`) : []),
    ...(tables.invites ? await queryRows<{ member_id: number; title: string | null; key: string | null; at: string | Date }>(scope.db, sql`
      select ti.member_id, ts.title, null::text as key, ti.attended_at as at
      from training_invites ti join training_sessions ts on ts.id = ti.session_id
      where ti.workspace_id = ${scope.workspaceId} and ti.member_id in (${idList})
        and ti.attended_at >= ${start}::timestamptz and ti.attended_at < ${end}::timestamptz`) : []),
  ];
  const iso = (v: string | Date) => new Date(v).toISOString();
  for (const id of ids) {
    const k = kpis.get(id)!;
    const inPeriod = (v: string | Date) => { const d = new Date(v); return d >= k.period.start && d < k.period.end; };
    const mine = kudosRows.filter((r) => Number(r.receiver_id) === id && inPeriod(r.given_at));
    result.set(id, {
      periodKey: k.period.key,
      kpi: toJson(k),
      highlights: highlightRows.filter((r) => Number(r.member_id) === id && inPeriod(r.received_at)).map((r) => ({
        account: r.name, score: r.score === null ? null : Number(r.score), text: r.text.slice(0, 300), at: iso(r.received_at), complaint: !!r.is_complaint,
      })),
      kudos: tables.kudos ? {
        count: mine.length,
        items: mine.slice(0, 5).map((r) => ({ giverId: Number(r.giver_id), reason: r.reason.slice(0, 200), valueTag: r.value_tag, at: iso(r.given_at) })),
      } : null,
      training: tables.assignments || tables.invites ? {
        completed: trainingRows.filter((r) => Number(r.member_id) === id && inPeriod(r.at)).map((r) => ({ title: r.title, key: r.key, at: iso(r.at) })),
      } : null,
    });
  }
  return result;
}

export const reviewsService = {
  async get(scope: Scope, id: number): Promise<Review | undefined> {
    const [row] = await scope.db.select().from(reviews).where(and(eq(reviews.workspaceId, scope.workspaceId), eq(reviews.id, id)));
    return row;
  },

  async existing(scope: Scope, memberIds: number[], periodKey: string): Promise<Review[]> {
    if (!memberIds.length) return [];
    return scope.db.select().from(reviews).where(and(
      eq(reviews.workspaceId, scope.workspaceId), inArray(reviews.memberId, memberIds), eq(reviews.periodKey, periodKey),
    ));
  },

  /** Inserts drafts in one statement; members who already have a review for the quarter are skipped. */
  async createDrafts(scope: Scope, managerId: number, periodKey: string, snapshots: Map<number, ReviewSnapshot>): Promise<Review[]> {
    if (!snapshots.size) return [];
    return scope.db.insert(reviews).values([...snapshots].map(([memberId, snapshot]) => ({
      workspaceId: scope.workspaceId, memberId, managerId, periodKey, status: 'draft' as const, snapshot,
      createdAt: scope.now, updatedAt: scope.now,
    }))).onConflictDoNothing().returning();
  },

  async saveRatings(scope: Scope, id: number, ratings: Partial<Record<ReviewArea, ReviewRating>>, summary: string): Promise<void> {
    await scope.db.update(reviews).set({ ratings, summary, updatedAt: scope.now })
      .where(and(eq(reviews.workspaceId, scope.workspaceId), eq(reviews.id, id)));
  },

  async share(scope: Scope, id: number): Promise<void> {
    await scope.db.update(reviews).set({ status: 'shared', sharedAt: scope.now, updatedAt: scope.now })
      .where(and(eq(reviews.workspaceId, scope.workspaceId), eq(reviews.id, id), eq(reviews.status, 'draft')));
  },

  async acknowledge(scope: Scope, id: number, comment: string | null): Promise<void> {
    await scope.db.update(reviews).set({ status: 'acknowledged', acknowledgedAt: scope.now, ackComment: comment, updatedAt: scope.now })
      .where(and(eq(reviews.workspaceId, scope.workspaceId), eq(reviews.id, id), eq(reviews.status, 'shared')));
  },

  /** A member's latest review waiting for their acknowledgement. */
  async latestShared(scope: Scope, memberId: number): Promise<Review | undefined> {
    const [row] = await scope.db.select().from(reviews).where(and(
      eq(reviews.workspaceId, scope.workspaceId), eq(reviews.memberId, memberId), eq(reviews.status, 'shared'),
    )).orderBy(desc(reviews.sharedAt)).limit(1);
    return row;
  },

  /** Review history of members, newest quarter first. */
  async history(scope: Scope, memberIds: number[]): Promise<Review[]> {
    if (!memberIds.length) return [];
    return scope.db.select().from(reviews).where(and(eq(reviews.workspaceId, scope.workspaceId), inArray(reviews.memberId, memberIds)))
      .orderBy(desc(reviews.periodKey), desc(reviews.id)).limit(50);
  },
};
