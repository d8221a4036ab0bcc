import { and, desc, eq, gte, isNull, lt } from 'drizzle-orm';
import { accounts } from '../../../db/schema/accounts.ts';
import type { Member } from '../../../db/schema/members.ts';
import { touches, type Touch, type TouchKind } from '../../../db/schema/touches.ts';
import type { Scope } from '../../chat/context.ts';
import { visibleAccountsWhere } from '../accounts/lookup.ts';

/** Input limits, shared by commands, forms and their error messages. */
export const TOUCH_LIMITS = { summary: 2000, nextStep: 500, attendees: 500, clientNeeds: 2000, outcome: 2000, listRows: 30 } as const;

export interface NewTouch {
  accountId: number;
  memberId: number;
  kind: TouchKind;
  occurredAt: Date;
  summary: string;
  nextStep: string | null;
  nextStepDue: string | null;
  attendees?: string | null;
  clientNeeds?: string | null;
  outcome?: string | null;
}

/** A touch with the name of its account, for lists. */
export interface TouchRow {
  touch: Touch;
  accountName: string;
}

export interface TouchQuery {
  accountId?: number;
  /** Half-open range on occurred_at. */
  from?: Date;
  to?: Date;
  limit?: number;
}

/** Client touches (客户维护) and visit reports (拜访报告). */
export const touchService = {
  /** Records a touch (a visit report when kind = visit). */
  async log(scope: Scope, input: NewTouch): Promise<Touch> {
    const [row] = await scope.db.insert(touches).values({
      workspaceId: scope.workspaceId,
      accountId: input.accountId,
      memberId: input.memberId,
      kind: input.kind,
      occurredAt: input.occurredAt,
      summary: input.summary,
      nextStep: input.nextStep,
      nextStepDue: input.nextStepDue,
      attendees: input.attendees ?? null,
      clientNeeds: input.clientNeeds ?? null,
      outcome: input.outcome ?? null,
      createdAt: scope.now,
    }).returning();
    return row!;
  },

  /** A touch by id within the workspace. */
  async get(scope: Scope, touchId: number): Promise<Touch | undefined> {
    const [row] = await scope.db.select().from(touches).where(and(eq(touches.workspaceId, scope.workspaceId), eq(touches.id, touchId)));
    return row;
  },

  /**
   * Touches on the accounts the viewer sees (assistant: own accounts; manager: team's; admin:
   * all), newest first, in one query.
   */
  async listVisible(scope: Scope, viewer: Member, query: TouchQuery = {}): Promise<TouchRow[]> {
    const rows = await scope.db.select({ touch: touches, accountName: accounts.name }).from(touches)
      .innerJoin(accounts, and(eq(accounts.id, touches.accountId), eq(accounts.workspaceId, touches.workspaceId)))
      .where(and(
        eq(touches.workspaceId, scope.workspaceId),
        visibleAccountsWhere(scope, viewer),
        query.accountId !== undefined ? eq(touches.accountId, query.accountId) : undefined,
        query.from ? gte(touches.occurredAt, query.from) : undefined,
        query.to ? lt(touches.occurredAt, query.to) : undefined,
      ))
      .orderBy(desc(touches.occurredAt), desc(touches.id))
      .limit(query.limit ?? TOUCH_LIMITS.listRows);
    return rows;
  },

  /** Deletes one touch (a mistaken entry); returns false when it was already gone. */
  async remove(scope: Scope, touch: Touch): Promise<boolean> {
    const rows = await scope.db.delete(touches)
      .where(and(eq(touches.workspaceId, scope.workspaceId), eq(touches.id, touch.id))).returning({ id: touches.id });
    return rows.length > 0;
  },

  /** Marks a touch's next step done; undefined when it was already done (double click). */
  async completeNextStep(scope: Scope, touch: Touch): Promise<Touch | undefined> {
    const [row] = await scope.db.update(touches).set({ nextStepDoneAt: scope.now })
      .where(and(eq(touches.workspaceId, scope.workspaceId), eq(touches.id, touch.id), isNull(touches.nextStepDoneAt)))
      .returning();
    return row;
  },
};
