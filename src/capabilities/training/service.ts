import { and, asc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import type { Member } from '../../../db/schema/members.ts';
import {
  trainingAssignments, trainingInvites, trainingItems, trainingSessions,
  type RsvpAnswer, type TrainingAssignment, type TrainingInvite, type TrainingItem, type TrainingSession,
} from '../../../db/schema/training.ts';
import type { Scope } from '../../chat/context.ts';
import { addDays, localDate } from '../../lib/time.ts';

/** The onboarding checklist every workspace starts with (from the mission), with due offsets in days. */
export const DEFAULT_CHECKLIST: ReadonlyArray<{ key: string; dueOffsetDays: number }> = [
  { key: 'culture', dueOffsetDays: 3 },
  { key: 'product', dueOffsetDays: 7 },
  { key: 'customer_service', dueOffsetDays: 10 },
  { key: 'complaints', dueOffsetDays: 14 },
  { key: 'crm', dueOffsetDays: 5 },
  { key: 'sales_basics', dueOffsetDays: 21 },
];

export const MAX_TITLE_LENGTH = 120;
export const MAX_DUE_OFFSET_DAYS = 365;

/** A member's checklist item with its assignment. */
export interface ChecklistEntry {
  assignment: TrainingAssignment;
  item: TrainingItem;
}

/** A training item reference for other capabilities: built-in items have a key and no title. */
export interface TrainingItemRef {
  key: string;
  /** Custom title; null for built-in items (translate `training.item.<key>`). */
  title: string | null;
}

export const trainingService = {
  /** The active checklist items, in order; the defaults are created on first use. */
  async items(scope: Scope): Promise<TrainingItem[]> {
    const all = await scope.db.select().from(trainingItems).where(eq(trainingItems.workspaceId, scope.workspaceId))
      .orderBy(asc(trainingItems.position), asc(trainingItems.id));
    if (!all.length) {
      await scope.db.insert(trainingItems).values(DEFAULT_CHECKLIST.map((d, i) => ({
        workspaceId: scope.workspaceId, key: d.key, dueOffsetDays: d.dueOffsetDays, position: i + 1, createdAt: scope.now,
      }))).onConflictDoNothing();
      return this.items(scope);
    }
    return all.filter((i) => !i.archived);
  },

  /** Adds a custom item at the end (or brings back one with the same title). */
  async addItem(scope: Scope, title: string, dueOffsetDays: number): Promise<TrainingItem> {
    const existing = await this.items(scope);
    const key = `custom:${title.toLowerCase()}`;
    const position = Math.max(0, ...existing.map((i) => i.position)) + 1;
    const [row] = await scope.db.insert(trainingItems).values({ workspaceId: scope.workspaceId, key, title, dueOffsetDays, position, createdAt: scope.now })
      .onConflictDoUpdate({ target: [trainingItems.workspaceId, trainingItems.key], set: { archived: false, title, dueOffsetDays, position } })
      .returning();
    return row!;
  },

  /** Archives an item: it leaves the checklist and everybody's progress; past completions stay. */
  async removeItem(scope: Scope, itemId: number): Promise<void> {
    await scope.db.update(trainingItems).set({ archived: true })
      .where(and(eq(trainingItems.workspaceId, scope.workspaceId), eq(trainingItems.id, itemId)));
  },

  /**
   * Assigns the checklist to a member; due dates count from today in the member's time zone.
   * Items already assigned are kept as they are. Returns how many were newly assigned.
   */
  async assignOnboarding(scope: Scope, member: Member): Promise<number> {
    const items = await this.items(scope);
    if (!items.length) return 0;
    const today = localDate(scope.now, member.timezone);
    const rows = await scope.db.insert(trainingAssignments).values(items.map((i) => ({
      workspaceId: scope.workspaceId, memberId: member.id, itemId: i.id, dueDate: addDays(today, i.dueOffsetDays), assignedAt: scope.now,
    }))).onConflictDoNothing().returning({ id: trainingAssignments.id });
    return rows.length;
  },

  /** A member's checklist (active items only), in checklist order. */
  async checklist(scope: Scope, memberId: number): Promise<ChecklistEntry[]> {
    const rows = await scope.db.select({ assignment: trainingAssignments, item: trainingItems }).from(trainingAssignments)
      .innerJoin(trainingItems, eq(trainingItems.id, trainingAssignments.itemId))
      .where(and(eq(trainingAssignments.workspaceId, scope.workspaceId), eq(trainingAssignments.memberId, memberId), eq(trainingItems.archived, false)))
      .orderBy(asc(trainingItems.position), asc(trainingItems.id));
    return rows;
  },

  /** Marks an assignment done. `already` when it was done before (nothing changes). */
  async complete(scope: Scope, assignmentId: number): Promise<'done' | 'already'> {
    const rows = await scope.db.update(trainingAssignments).set({ completedAt: scope.now })
      .where(and(eq(trainingAssignments.workspaceId, scope.workspaceId), eq(trainingAssignments.id, assignmentId), isNull(trainingAssignments.completedAt)))
      .returning({ id: trainingAssignments.id });
    return rows.length ? 'done' : 'already';
  },

  async assignment(scope: Scope, assignmentId: number): Promise<TrainingAssignment | undefined> {
    const [row] = await scope.db.select().from(trainingAssignments)
      .where(and(eq(trainingAssignments.workspaceId, scope.workspaceId), eq(trainingAssignments.id, assignmentId)));
    return row;
  },

  /** Schedules a session and invites the members (once each). */
  async createSession(scope: Scope, input: { title: string; startsAt: Date; createdBy: number; memberIds: number[] }): Promise<TrainingSession> {
    const [session] = await scope.db.insert(trainingSessions).values({
      workspaceId: scope.workspaceId, title: input.title, startsAt: input.startsAt, createdBy: input.createdBy, createdAt: scope.now,
    }).returning();
    if (input.memberIds.length) {
      await scope.db.insert(trainingInvites).values(input.memberIds.map((memberId) => ({ workspaceId: scope.workspaceId, sessionId: session!.id, memberId })))
        .onConflictDoNothing();
    }
    return session!;
  },

  async session(scope: Scope, sessionId: number): Promise<TrainingSession | undefined> {
    const [row] = await scope.db.select().from(trainingSessions)
      .where(and(eq(trainingSessions.workspaceId, scope.workspaceId), eq(trainingSessions.id, sessionId)));
    return row;
  },

  async invite(scope: Scope, sessionId: number, memberId: number): Promise<TrainingInvite | undefined> {
    const [row] = await scope.db.select().from(trainingInvites).where(and(
      eq(trainingInvites.workspaceId, scope.workspaceId), eq(trainingInvites.sessionId, sessionId), eq(trainingInvites.memberId, memberId),
    ));
    return row;
  },

  /** Records an RSVP. `same` when the answer did not change (a double click changes nothing). */
  async rsvp(scope: Scope, sessionId: number, memberId: number, answer: RsvpAnswer): Promise<'changed' | 'same' | 'notInvited'> {
    const invite = await this.invite(scope, sessionId, memberId);
    if (!invite) return 'notInvited';
    if (invite.rsvp === answer) return 'same';
    await scope.db.update(trainingInvites).set({ rsvp: answer, rsvpAt: scope.now })
      .where(and(eq(trainingInvites.workspaceId, scope.workspaceId), eq(trainingInvites.id, invite.id)));
    return 'changed';
  },

  /** Records attendance (which completes the session for them); walk-ins get an invite row. Returns newly recorded ids. */
  async attend(scope: Scope, sessionId: number, memberIds: number[]): Promise<number[]> {
    if (!memberIds.length) return [];
    await scope.db.insert(trainingInvites).values(memberIds.map((memberId) => ({ workspaceId: scope.workspaceId, sessionId, memberId })))
      .onConflictDoNothing();
    const rows = await scope.db.update(trainingInvites).set({ attendedAt: scope.now }).where(and(
      eq(trainingInvites.workspaceId, scope.workspaceId), eq(trainingInvites.sessionId, sessionId),
      inArray(trainingInvites.memberId, memberIds), isNull(trainingInvites.attendedAt),
    )).returning({ memberId: trainingInvites.memberId });
    return rows.map((r) => r.memberId);
  },

  /** Sessions a member is invited to that have not started yet, soonest first. */
  async upcomingFor(scope: Scope, memberId: number): Promise<Array<{ session: TrainingSession; invite: TrainingInvite }>> {
    return scope.db.select({ session: trainingSessions, invite: trainingInvites }).from(trainingInvites)
      .innerJoin(trainingSessions, eq(trainingSessions.id, trainingInvites.sessionId))
      .where(and(eq(trainingInvites.workspaceId, scope.workspaceId), eq(trainingInvites.memberId, memberId), gte(trainingSessions.startsAt, scope.now)))
      .orderBy(asc(trainingSessions.startsAt)).limit(10);
  },

  /** Per member: checklist done/total/overdue and sessions invited/attended, in one statement. */
  async teamCompletion(scope: Scope, memberIds: number[]): Promise<Map<number, { done: number; total: number; overdue: number; invited: number; attended: number }>> {
    const result = new Map(memberIds.map((id) => [id, { done: 0, total: 0, overdue: 0, invited: 0, attended: 0 }]));
    if (!memberIds.length) return result;
    const ids = sql.join(memberIds.map((id) => sql`${id}`), sql`, `);
    const rows = await queryRows<{ member_id: number; done: number; total: number; overdue: number; invited: number; attended: number }>(scope.db, sql`
      select m.id as member_id,
        coalesce(c.done, 0)::int as done, coalesce(c.total, 0)::int as total, coalesce(c.overdue, 0)::int as overdue,
        coalesce(s.invited, 0)::int as invited, coalesce(s.attended, 0)::int as attended
      from members m
      left join (
        select a.member_id, count(*) filter (where a.completed_at is not null) as done, count(*) as total,
          count(*) filter (where a.completed_at is null and a.due_date < (${scope.now.toISOString()}::timestamptz at time zone mm.timezone)::date) as overdue
        from training_assignments a
        join training_items i on i.id = a.item_id and not i.archived
        join members mm on mm.id = a.member_id
        where a.workspace_id = ${scope.workspaceId} and a.member_id in (${ids})
        group by a.member_id
      ) c on c.member_id = m.id
      left join (
        select v.member_id, count(*) as invited, count(v.attended_at) as attended
        from training_invites v where v.workspace_id = ${scope.workspaceId} and v.member_id in (${ids})
        group by v.member_id
      ) s on s.member_id = m.id
      where m.workspace_id = ${scope.workspaceId} and m.id in (${ids})`);
    for (const r of rows) {
      result.set(Number(r.member_id), { done: Number(r.done), total: Number(r.total), overdue: Number(r.overdue), invited: Number(r.invited), attended: Number(r.attended) });
    }
    return result;
  },
};

/**
 * Open onboarding items past their due date, per member, judged by today's date in each
 * member's own time zone (one query). Members with nothing overdue map to an empty list.
 */
export async function overdueTraining(scope: Scope, memberIds: readonly number[], now: Date = scope.now): Promise<Map<number, Array<TrainingItemRef & { dueDate: string }>>> {
  const result = new Map<number, Array<TrainingItemRef & { dueDate: string }>>(memberIds.map((id) => [id, []]));
  if (!memberIds.length) return result;
  const ids = sql.join(memberIds.map((id) => sql`${id}`), sql`, `);
  const rows = await queryRows<{ member_id: number; key: string; title: string | null; due_date: string }>(scope.db, sql`
    select a.member_id, i.key, i.title, a.due_date::text as due_date
    from training_assignments a
    join training_items i on i.id = a.item_id and not i.archived
    join members m on m.id = a.member_id
    where a.workspace_id = ${scope.workspaceId} and a.member_id in (${ids}) and a.completed_at is null
      and a.due_date < (${now.toISOString()}::timestamptz at time zone m.timezone)::date
    order by a.member_id, a.due_date, i.position`);
  for (const r of rows) result.get(Number(r.member_id))?.push({ key: r.key, title: r.title, dueDate: r.due_date });
  return result;
}

/** Training a member completed in a range. */
export interface TrainingCompletion {
  items: Array<TrainingItemRef & { completedAt: Date }>;
  sessions: Array<{ id: number; title: string; attendedAt: Date }>;
}

/**
 * Onboarding items completed and sessions attended with the moment in [start, end), per
 * member (two queries), for reviews and digests.
 */
export async function trainingCompleted(scope: Scope, memberIds: readonly number[], start: Date, end: Date): Promise<Map<number, TrainingCompletion>> {
  const result = new Map<number, TrainingCompletion>(memberIds.map((id) => [id, { items: [], sessions: [] }]));
  if (!memberIds.length) return result;
  const items = await scope.db.select({ memberId: trainingAssignments.memberId, key: trainingItems.key, title: trainingItems.title, completedAt: trainingAssignments.completedAt })
    .from(trainingAssignments).innerJoin(trainingItems, eq(trainingItems.id, trainingAssignments.itemId))
    .where(and(
      eq(trainingAssignments.workspaceId, scope.workspaceId), inArray(trainingAssignments.memberId, [...memberIds]),
      gte(trainingAssignments.completedAt, start), lt(trainingAssignments.completedAt, end),
    )).orderBy(asc(trainingAssignments.completedAt));
  for (const r of items) result.get(r.memberId)?.items.push({ key: r.key, title: r.title, completedAt: r.completedAt! });
  const sessions = await scope.db.select({ memberId: trainingInvites.memberId, id: trainingSessions.id, title: trainingSessions.title, attendedAt: trainingInvites.attendedAt })
    .from(trainingInvites).innerJoin(trainingSessions, eq(trainingSessions.id, trainingInvites.sessionId))
    .where(and(
      eq(trainingInvites.workspaceId, scope.workspaceId), inArray(trainingInvites.memberId, [...memberIds]),
      gte(trainingInvites.attendedAt, start), lt(trainingInvites.attendedAt, end),
    )).orderBy(asc(trainingInvites.attendedAt));
  for (const r of sessions) result.get(r.memberId)?.sessions.push({ id: r.id, title: r.title, attendedAt: r.attendedAt! });
  return result;
}
