import { and, eq } from 'drizzle-orm';
import { queryRows, sql } from '../../../db/client.ts';
import type { Account } from '../../../db/schema/accounts.ts';
import { members, type Member } from '../../../db/schema/members.ts';
import type { Scope } from '../../chat/context.ts';
import { periodContaining, type Period } from '../../lib/time.ts';
import { accountService } from '../accounts/service.ts';
import { computeKpis, type KpiSnapshot } from '../kpi/service.ts';

const DAY_MS = 24 * 60 * 60_000;
/** Accounts whose next touch falls within this many days show as "due soon". */
export const DUE_SOON_DAYS = 2;
export const HOME_LIST_LIMIT = 8;

export interface DueAccount {
  id: number;
  name: string;
  tier: string;
  cadenceDays: number;
  lastTouchAt: Date | null;
  /** When the next touch is due (null: never touched, due now). */
  dueAt: Date | null;
  overdueDays: number;
  status: 'overdue' | 'never' | 'soon';
}

export interface OpenComplaint {
  id: number;
  account: string;
  text: string;
  status: 'open' | 'acknowledged';
  receivedAt: Date;
}

export interface TeamLine {
  member: Member;
  touches: number;
  overdue: number;
  complaints: number;
}

const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));

function classify({ account: a, lastAt: last }: { account: Account; lastAt: Date | null }, now: Date): DueAccount | undefined {
  const base = { id: a.id, name: a.name, tier: a.tier, cadenceDays: a.cadenceDays, lastTouchAt: last };
  if (!last) return { ...base, dueAt: null, overdueDays: 0, status: 'never' };
  const dueAt = new Date(last.getTime() + a.cadenceDays * DAY_MS);
  const diff = now.getTime() - dueAt.getTime();
  if (diff > 0) return { ...base, dueAt, overdueDays: Math.max(1, Math.floor(diff / DAY_MS)), status: 'overdue' };
  if (-diff <= DUE_SOON_DAYS * DAY_MS) return { ...base, dueAt, overdueDays: 0, status: 'soon' };
  return undefined;
}

const ORDER: Record<DueAccount['status'], number> = { never: 0, overdue: 1, soon: 2 };

/** Open complaints on the given assistants' accounts or logged by them, newest first. */
async function openComplaintRows(scope: Scope, memberIds: number[]) {
  if (!memberIds.length) return [];
  const ids = sql.join(memberIds.map((id) => sql`${id}`), sql`, `);
  return queryRows<{ id: number; account: string; text: string; status: 'open' | 'acknowledged'; received_at: unknown; owner_id: number }>(scope.db, sql`
    select f.id::int as id, a.name as account, f.text, f.status, f.received_at,
      coalesce(a.assistant_id, f.member_id)::int as owner_id
    from feedback f join accounts a on a.id = f.account_id and a.workspace_id = f.workspace_id
    where f.workspace_id = ${scope.workspaceId} and f.is_complaint and f.status in ('open', 'acknowledged')
      and (a.assistant_id in (${ids}) or (a.assistant_id is null and f.member_id in (${ids})))
    order by f.received_at desc`);
}

/** What the home tab shows; computed in one pass of set-based queries. */
export const homeService = {
  /** An assistant's accounts that are overdue, never touched, or due within two days. */
  async dueAccounts(scope: Scope, assistantId: number): Promise<DueAccount[]> {
    const rows = await accountService.assignedWithLastTouch(scope, [assistantId]);
    return rows.map((r) => classify(r, scope.now)).filter((d): d is DueAccount => !!d)
      .sort((a, b) => ORDER[a.status] - ORDER[b.status] || b.overdueDays - a.overdueDays || (a.dueAt?.getTime() ?? 0) - (b.dueAt?.getTime() ?? 0));
  },

  async openComplaints(scope: Scope, memberId: number): Promise<OpenComplaint[]> {
    const rows = await openComplaintRows(scope, [memberId]);
    return rows.map((r) => ({ id: r.id, account: r.account, text: r.text, status: r.status, receivedAt: asDate(r.received_at)! }));
  },

  /** This month's KPI snapshot in the member's time zone. */
  async monthKpis(scope: Scope, memberId: number): Promise<KpiSnapshot | undefined> {
    return (await computeKpis(scope, [memberId], 'month', scope.now)).get(memberId);
  },

  /** The month the member is in, in their time zone. */
  monthOf(member: Member, now: Date): Period {
    return periodContaining('month', now, member.timezone);
  },

  /** Per assistant on a manager's team: touches this month, overdue accounts, open complaints. */
  async teamGlance(scope: Scope, manager: Member): Promise<TeamLine[]> {
    const team = await scope.db.select().from(members).where(and(
      eq(members.workspaceId, scope.workspaceId), eq(members.managerId, manager.id), eq(members.active, true), eq(members.isBot, false),
    ));
    if (!team.length) return [];
    const ids = team.map((m) => m.id);
    const [kpis, accounts, complaints] = [
      await computeKpis(scope, ids, 'month', scope.now),
      await accountService.assignedWithLastTouch(scope, ids),
      await openComplaintRows(scope, ids),
    ];
    const overdue = new Map<number, number>();
    for (const row of accounts) {
      const due = classify(row, scope.now);
      if (due && due.status !== 'soon') overdue.set(row.account.assistantId!, (overdue.get(row.account.assistantId!) ?? 0) + 1);
    }
    const open = new Map<number, number>();
    for (const row of complaints) open.set(row.owner_id, (open.get(row.owner_id) ?? 0) + 1);
    return team
      .map((member) => ({ member, touches: kpis.get(member.id)?.touches.actual ?? 0, overdue: overdue.get(member.id) ?? 0, complaints: open.get(member.id) ?? 0 }))
      .sort((a, b) => b.overdue + b.complaints - (a.overdue + a.complaints) || a.member.displayName.localeCompare(b.member.displayName));
  },
};
