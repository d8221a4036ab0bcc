import { and, asc, desc, eq, gte, isNull, lte, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import { jobRuns } from '../../../db/schema/jobs.ts';
import { memberLeaves, memberScheduleSettings, nudgeSnoozes, type MemberLeave } from '../../../db/schema/schedule.ts';
import type { Scope } from '../../chat/context.ts';

/** Settings a member can change; absent keys stay as they are. */
export interface SchedulePatch {
  nudgesEnabled?: boolean;
  nudgeMinutes?: number;
  quietStartMinutes?: number | null;
  quietEndMinutes?: number | null;
  meetingWeekday?: number | null;
  meetingMinutes?: number | null;
}

/** The longest leave one command may record. */
export const MAX_LEAVE_DAYS = 366;

/** Per-member schedule settings, leave and nudge snoozes. */
export const scheduleService = {
  /** A member's settings row, if they ever changed anything. */
  async settings(scope: Scope, memberId: number) {
    const [row] = await scope.db.select().from(memberScheduleSettings)
      .where(and(eq(memberScheduleSettings.workspaceId, scope.workspaceId), eq(memberScheduleSettings.memberId, memberId)));
    return row;
  },

  /** Upserts the given settings in one statement. */
  async update(scope: Scope, memberId: number, patch: SchedulePatch): Promise<void> {
    await scope.db.insert(memberScheduleSettings)
      .values({ workspaceId: scope.workspaceId, memberId, ...patch, updatedAt: scope.now })
      .onConflictDoUpdate({
        target: [memberScheduleSettings.workspaceId, memberScheduleSettings.memberId],
        set: { ...patch, updatedAt: scope.now },
      });
  },

  /** Active leave that ends on or after `fromDate`, soonest first. */
  async upcomingLeave(scope: Scope, memberId: number, fromDate: string): Promise<MemberLeave[]> {
    return scope.db.select().from(memberLeaves).where(and(
      eq(memberLeaves.workspaceId, scope.workspaceId), eq(memberLeaves.memberId, memberId),
      isNull(memberLeaves.cancelledAt), gte(memberLeaves.toDate, fromDate),
    )).orderBy(asc(memberLeaves.fromDate)).limit(20);
  },

  /** An active leave overlapping [from, to], if any. */
  async overlapping(scope: Scope, memberId: number, from: string, to: string): Promise<MemberLeave | undefined> {
    const [row] = await scope.db.select().from(memberLeaves).where(and(
      eq(memberLeaves.workspaceId, scope.workspaceId), eq(memberLeaves.memberId, memberId), isNull(memberLeaves.cancelledAt),
      lte(memberLeaves.fromDate, to), gte(memberLeaves.toDate, from),
    )).limit(1);
    return row;
  },

  /** Records leave (local dates, inclusive). */
  async addLeave(scope: Scope, memberId: number, from: string, to: string): Promise<MemberLeave> {
    const [row] = await scope.db.insert(memberLeaves)
      .values({ workspaceId: scope.workspaceId, memberId, fromDate: from, toDate: to, createdAt: scope.now }).returning();
    return row!;
  },

  /** A leave row by id in this workspace. */
  async leave(scope: Scope, id: number): Promise<MemberLeave | undefined> {
    const [row] = await scope.db.select().from(memberLeaves)
      .where(and(eq(memberLeaves.workspaceId, scope.workspaceId), eq(memberLeaves.id, id)));
    return row;
  },

  /** Cancels a leave; false when it was already cancelled. */
  async cancelLeave(scope: Scope, id: number): Promise<boolean> {
    const rows = await scope.db.update(memberLeaves).set({ cancelledAt: scope.now })
      .where(and(eq(memberLeaves.workspaceId, scope.workspaceId), eq(memberLeaves.id, id), isNull(memberLeaves.cancelledAt)))
      .returning({ id: memberLeaves.id });
    return rows.length > 0;
  },

  /** Hides a nudge item for a member until `untilDate` (inclusive); snoozing again extends it. */
  async snooze(scope: Scope, memberId: number, itemKey: string, untilDate: string): Promise<void> {
    await scope.db.insert(nudgeSnoozes)
      .values({ workspaceId: scope.workspaceId, memberId, itemKey, untilDate, createdAt: scope.now })
      .onConflictDoUpdate({ target: [nudgeSnoozes.workspaceId, nudgeSnoozes.memberId, nudgeSnoozes.itemKey], set: { untilDate, createdAt: scope.now } });
  },

  /** Per job in this workspace: last run, runs and messages in the last 24 hours. */
  async jobStats(scope: Scope): Promise<Map<string, { lastRun: Date | null; runs: number; messages: number }>> {
    const rows = await queryRows<{ job: string; last_run: string | Date | null; runs: number; messages: number }>(scope.db, sql`
      select job, max(ran_at) as last_run,
        count(*) filter (where ran_at > ${scope.now.toISOString()}::timestamptz - interval '1 day')::int as runs,
        coalesce(sum(message_count) filter (where ran_at > ${scope.now.toISOString()}::timestamptz - interval '1 day'), 0)::int as messages
      from job_runs where workspace_id = ${scope.workspaceId} group by job`);
    return new Map(rows.map((r) => [r.job, { lastRun: r.last_run ? new Date(r.last_run) : null, runs: Number(r.runs), messages: Number(r.messages) }]));
  },

  /** The most recent runs that sent something in this workspace. */
  async recentRuns(scope: Scope, limit = 8) {
    return scope.db.select().from(jobRuns)
      .where(and(eq(jobRuns.workspaceId, scope.workspaceId), sql`${jobRuns.messageCount} > 0`))
      .orderBy(desc(jobRuns.ranAt)).limit(limit);
  },
};
