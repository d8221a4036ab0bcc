import { and, asc, desc, eq, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import { accounts, type Account } from '../../../db/schema/accounts.ts';
import { feedback, type Feedback, type FeedbackCategory } from '../../../db/schema/feedback.ts';
import { members, type Member } from '../../../db/schema/members.ts';
import type { Scope } from '../../chat/context.ts';
import { visibleAccountsWhere } from '../accounts/lookup.ts';
import { teamIdsQuery } from '../team/service.ts';

/** Limits commands and forms validate against. */
export const FEEDBACK_LIMITS = { textLength: 2000, noteLength: 2000, minScore: 1, maxScore: 5, listSize: 20 } as const;

/** A score at or below this alerts the manager at once. */
export const LOW_SCORE = 2;

export interface NewFeedback {
  account: Account;
  score: number | null;
  category: FeedbackCategory;
  isComplaint: boolean;
  text: string;
}

/** A feedback row with the names a list or card shows. */
export interface FeedbackView {
  feedback: Feedback;
  accountName: string;
}

/** Why a complaint transition was refused; the command turns it into a localised error. */
export type TransitionRefusal = 'notComplaint' | 'alreadyAcknowledged' | 'alreadyResolved';

export type TransitionResult =
  | { ok: true; feedback: Feedback }
  | { ok: false; reason: TransitionRefusal; feedback: Feedback };

/** True when a feedback entry needs the manager's attention right away. */
export function needsAlert(row: Pick<Feedback, 'score' | 'isComplaint'>): boolean {
  return row.isComplaint || (row.score !== null && row.score <= LOW_SCORE);
}

/**
 * The feedback rows `viewer` may see: an assistant their own, a manager their own and their
 * team's, an admin everything in the workspace.
 */
function visibleWhere(scope: Scope, viewer: Member): SQL | undefined {
  if (viewer.role === 'admin') return undefined;
  if (viewer.role === 'manager') {
    return or(eq(feedback.memberId, viewer.id), inArray(feedback.memberId, teamIdsQuery(scope, viewer.id)));
  }
  return eq(feedback.memberId, viewer.id);
}

/** Client feedback (客户反馈) and the complaint lifecycle open → acknowledged → resolved. */
export const feedbackService = {
  /** Records feedback logged by `author`; complaints start open. */
  async record(scope: Scope, author: Member, input: NewFeedback): Promise<Feedback> {
    const [row] = await scope.db.insert(feedback).values({
      workspaceId: scope.workspaceId,
      accountId: input.account.id,
      memberId: author.id,
      score: input.score,
      category: input.category,
      text: input.text,
      isComplaint: input.isComplaint,
      status: input.isComplaint ? 'open' : null,
      receivedAt: scope.now,
      createdAt: scope.now,
    }).returning();
    return row!;
  },

  /** One feedback entry with its account name, within the workspace. */
  async get(scope: Scope, id: number): Promise<FeedbackView | undefined> {
    const [row] = await scope.db.select({ feedback, accountName: accounts.name }).from(feedback)
      .innerJoin(accounts, eq(accounts.id, feedback.accountId))
      .where(and(eq(feedback.workspaceId, scope.workspaceId), eq(feedback.id, id)));
    return row;
  },

  /**
   * Locks and reads one entry for a state change, so two clicks at the same moment run one
   * after the other and the second sees the first's result.
   */
  async lock(scope: Scope, id: number): Promise<Feedback | undefined> {
    const [row] = await scope.db.select().from(feedback)
      .where(and(eq(feedback.workspaceId, scope.workspaceId), eq(feedback.id, id))).for('update');
    return row;
  },

  /** open → acknowledged. Anything else is refused with the reason and nothing changes. */
  async acknowledge(scope: Scope, id: number): Promise<TransitionResult | undefined> {
    const row = await this.lock(scope, id);
    if (!row) return undefined;
    if (!row.isComplaint) return { ok: false, reason: 'notComplaint', feedback: row };
    if (row.status === 'resolved') return { ok: false, reason: 'alreadyResolved', feedback: row };
    if (row.status === 'acknowledged') return { ok: false, reason: 'alreadyAcknowledged', feedback: row };
    const [updated] = await scope.db.update(feedback).set({ status: 'acknowledged', acknowledgedAt: scope.now })
      .where(and(eq(feedback.workspaceId, scope.workspaceId), eq(feedback.id, id), eq(feedback.status, 'open'))).returning();
    return { ok: true, feedback: updated! };
  },

  /**
   * open | acknowledged → resolved with a note. Resolving an open complaint also stamps the
   * acknowledgement: somebody clearly looked at it.
   */
  async resolve(scope: Scope, id: number, note: string): Promise<TransitionResult | undefined> {
    const row = await this.lock(scope, id);
    if (!row) return undefined;
    if (!row.isComplaint) return { ok: false, reason: 'notComplaint', feedback: row };
    if (row.status === 'resolved') return { ok: false, reason: 'alreadyResolved', feedback: row };
    const [updated] = await scope.db.update(feedback).set({
      status: 'resolved', resolvedAt: scope.now, resolutionNote: note, acknowledgedAt: row.acknowledgedAt ?? scope.now,
    }).where(and(eq(feedback.workspaceId, scope.workspaceId), eq(feedback.id, id), ne(feedback.status, 'resolved'))).returning();
    return { ok: true, feedback: updated! };
  },

  /** Newest feedback the viewer may see, optionally for one account and/or open complaints only. */
  async list(scope: Scope, viewer: Member, options: { accountId?: number; openOnly?: boolean; limit?: number }): Promise<FeedbackView[]> {
    return scope.db.select({ feedback, accountName: accounts.name }).from(feedback)
      .innerJoin(accounts, eq(accounts.id, feedback.accountId))
      .where(and(
        eq(feedback.workspaceId, scope.workspaceId),
        visibleWhere(scope, viewer),
        options.accountId ? eq(feedback.accountId, options.accountId) : undefined,
        options.openOnly ? and(eq(feedback.isComplaint, true), ne(feedback.status, 'resolved')) : undefined,
      ))
      .orderBy(desc(feedback.receivedAt), desc(feedback.id))
      .limit(options.limit ?? FEEDBACK_LIMITS.listSize);
  },

  /** Feedback summary of one account: average score and open complaints (all time). */
  async accountSummary(scope: Scope, accountId: number): Promise<{ count: number; average: number | null; openComplaints: number }> {
    const [row] = await scope.db.select({
      count: sql<number>`count(*)::int`,
      average: sql<number | null>`avg(${feedback.score})::float8`,
      openComplaints: sql<number>`(count(*) filter (where ${feedback.isComplaint} and ${feedback.status} <> 'resolved'))::int`,
    }).from(feedback).where(and(eq(feedback.workspaceId, scope.workspaceId), eq(feedback.accountId, accountId)));
    return { count: row?.count ?? 0, average: row?.average ?? null, openComplaints: row?.openComplaints ?? 0 };
  },

  /**
   * Accounts offered in the feedback form: an assistant their own, a manager the ones they own
   * or their team holds, an admin every active account.
   */
  async accountsFor(scope: Scope, member: Member): Promise<Account[]> {
    // The shared visibility rule; a manager may also hold accounts as their assistant.
    const visible = visibleAccountsWhere(scope, member);
    const where = member.role === 'manager' ? or(visible, eq(accounts.assistantId, member.id)) : visible;
    return scope.db.select().from(accounts)
      .where(and(eq(accounts.workspaceId, scope.workspaceId), isNull(accounts.archivedAt), where))
      .orderBy(asc(accounts.name)).limit(100);
  },

  /**
   * Who is alerted about the author's low score or complaint: their manager, or when they have
   * none, the workspace admins (other than the author, who already knows).
   */
  async alertRecipients(scope: Scope, author: Member): Promise<Member[]> {
    if (author.managerId) {
      const [manager] = await scope.db.select().from(members)
        .where(and(eq(members.workspaceId, scope.workspaceId), eq(members.id, author.managerId), eq(members.active, true)));
      if (manager) return [manager];
    }
    return scope.db.select().from(members).where(and(
      eq(members.workspaceId, scope.workspaceId), eq(members.role, 'admin'), eq(members.active, true),
      eq(members.isBot, false), ne(members.id, author.id),
    )).orderBy(asc(members.id));
  },
};
