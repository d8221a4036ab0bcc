import { and, asc, desc, eq, inArray, isNotNull, isNull, max, sql } from 'drizzle-orm';
import { accounts, type Account, type Tier } from '../../../db/schema/accounts.ts';
import { feedback, type Feedback } from '../../../db/schema/feedback.ts';
import type { Member } from '../../../db/schema/members.ts';
import { touches, type Touch } from '../../../db/schema/touches.ts';
import type { Scope } from '../../chat/context.ts';
import { daysBetween, localDate } from '../../lib/time.ts';
import { visibleAccountsWhere } from './lookup.ts';

/**
 * The last touch time of the row's account, for selects from `accounts`. A correlated max per
 * account reads one entry of touches_workspace_account_time_idx each, instead of aggregating the
 * workspace's whole touch history. Qualified by hand: drizzle drops table names in single-table
 * selects, which would make "id" bind to touches.id inside the subquery.
 */
function lastTouchAtSql(scope: Scope) {
  return sql<Date | null>`(select max(lt.occurred_at) from touches lt
    where lt.workspace_id = ${scope.workspaceId} and lt.account_id = "accounts"."id")`.mapWith(touches.occurredAt);
}

/** Limits that commands validate against (and views mention). */
export const ACCOUNT_LIMITS = { nameLength: 120, notesLength: 1000, minCadence: 1, maxCadence: 365 } as const;

/** An account row in a list, with its touch status for the viewer. */
export interface AccountStatus {
  account: Account;
  lastTouchAt: Date | null;
  /** Whole days since the last touch (or since the account was added, when never touched). */
  daysSince: number;
  /** daysSince minus cadence: positive means overdue by that many days. */
  overdueBy: number;
}

/** Everything `account show` displays. */
export interface AccountDetail {
  account: Account;
  recentTouches: Touch[];
  recentFeedback: Feedback[];
  openNextSteps: Touch[];
}

export interface NewAccountInput {
  name: string;
  tier: Tier;
  cadenceDays: number;
  managerId: number;
  assistantId: number | null;
  notes: string;
}

/** Touch status of an account as seen from a time zone (calendar days, not 24h blocks). */
export function touchStatus(account: Account, lastTouchAt: Date | null, now: Date, timezone: string): AccountStatus {
  const since = lastTouchAt ?? account.createdAt;
  const daysSince = Math.max(0, daysBetween(localDate(since, timezone), localDate(now, timezone)));
  return { account, lastTouchAt, daysSince, overdueBy: daysSince - account.cadenceDays };
}

/** Key accounts: creation, listing with touch status, details, assignment and cadence. */
export const accountService = {
  /** Any account (archived too) with this name, case-insensitive: names are unique per workspace. */
  async findAnyByName(scope: Scope, name: string): Promise<Account | undefined> {
    const [row] = await scope.db.select().from(accounts)
      .where(and(eq(accounts.workspaceId, scope.workspaceId), sql`lower(${accounts.name}) = lower(${name})`));
    return row;
  },

  /** Creates an account; returns undefined when the name is already taken (race-safe). */
  async create(scope: Scope, input: NewAccountInput): Promise<Account | undefined> {
    const [row] = await scope.db.insert(accounts).values({
      workspaceId: scope.workspaceId, name: input.name, tier: input.tier, cadenceDays: input.cadenceDays,
      managerId: input.managerId, assistantId: input.assistantId, notes: input.notes, createdAt: scope.now,
    }).onConflictDoNothing().returning();
    return row;
  },

  /**
   * Accounts the viewer sees, with last touch and overdue status in the viewer's time zone,
   * most overdue first. One query for the lot.
   */
  async listWithStatus(scope: Scope, viewer: Member): Promise<AccountStatus[]> {
    const rows = await scope.db.select({ account: accounts, lastAt: lastTouchAtSql(scope) }).from(accounts)
      .where(and(eq(accounts.workspaceId, scope.workspaceId), isNull(accounts.archivedAt), visibleAccountsWhere(scope, viewer)));
    return rows
      .map((r) => touchStatus(r.account, r.lastAt ? new Date(r.lastAt) : null, scope.now, viewer.timezone))
      .sort((a, b) => b.overdueBy - a.overdueBy || a.account.name.localeCompare(b.account.name));
  },

  /** Active accounts assigned to the given assistants, each with its last touch, in one query. */
  async assignedWithLastTouch(scope: Scope, assistantIds: readonly number[]): Promise<Array<{ account: Account; lastAt: Date | null }>> {
    if (!assistantIds.length) return [];
    const rows = await scope.db.select({ account: accounts, lastAt: lastTouchAtSql(scope) }).from(accounts)
      .where(and(eq(accounts.workspaceId, scope.workspaceId), isNull(accounts.archivedAt), inArray(accounts.assistantId, [...assistantIds])))
      .orderBy(asc(accounts.tier), asc(accounts.name));
    return rows.map((r) => ({ account: r.account, lastAt: r.lastAt ? new Date(r.lastAt) : null }));
  },

  /** Details for one account: last 5 touches, last 5 feedback items, open next steps. */
  async detail(scope: Scope, account: Account): Promise<AccountDetail> {
    const onAccount = (t: typeof touches) => and(eq(t.workspaceId, scope.workspaceId), eq(t.accountId, account.id));
    const recentTouches = await scope.db.select().from(touches).where(onAccount(touches))
      .orderBy(desc(touches.occurredAt), desc(touches.id)).limit(5);
    const recentFeedback = await scope.db.select().from(feedback)
      .where(and(eq(feedback.workspaceId, scope.workspaceId), eq(feedback.accountId, account.id)))
      .orderBy(desc(feedback.receivedAt), desc(feedback.id)).limit(5);
    const openNextSteps = await scope.db.select().from(touches)
      .where(and(onAccount(touches), isNotNull(touches.nextStep), isNull(touches.nextStepDoneAt)))
      .orderBy(asc(sql`coalesce(${touches.nextStepDue}, '9999-12-31')`), asc(touches.id)).limit(10);
    return { account, recentTouches, recentFeedback, openNextSteps };
  },

  /** The last touch time of one account, or null. */
  async lastTouchAt(scope: Scope, accountId: number): Promise<Date | null> {
    const [row] = await scope.db.select({ lastAt: max(touches.occurredAt) }).from(touches)
      .where(and(eq(touches.workspaceId, scope.workspaceId), eq(touches.accountId, accountId)));
    return row?.lastAt ? new Date(row.lastAt) : null;
  },

  /** Changes assistant, cadence, notes, tier or archive state of one account. */
  async update(scope: Scope, account: Account, patch: Partial<Pick<Account, 'assistantId' | 'cadenceDays' | 'notes' | 'archivedAt' | 'tier'>>): Promise<Account> {
    const [row] = await scope.db.update(accounts).set(patch)
      .where(and(eq(accounts.workspaceId, scope.workspaceId), eq(accounts.id, account.id))).returning();
    return row!;
  },
};
