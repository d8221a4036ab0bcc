import { and, eq, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import type { Account } from '../../../db/schema/accounts.ts';
import { sales } from '../../../db/schema/sales.ts';
import type { Scope } from '../../chat/context.ts';

/** The outcome of recording one month of sales for an account. */
export interface SaleResult {
  memberId: number | null;
  previous: { amountMinor: bigint; currency: string } | null;
}

/** Parses YYYY-MM (or YYYY/MM, YYYY年MM月) into the first day of the month, or null. */
export function parseMonth(raw: string): string | null {
  const m = raw.trim().match(/^(\d{4})[-/年.](\d{1,2})月?$/);
  if (!m) return null;
  const month = Number(m[2]);
  // Year 0 does not exist in PostgreSQL dates.
  if (month < 1 || month > 12 || Number(m[1]) < 1000) return null;
  return `${m[1]}-${String(month).padStart(2, '0')}-01`;
}

/**
 * Who worked each (account, past month): the assistant who logged the most touches on the
 * account in that (UTC) month. There is no assignment history table, so this is the best
 * evidence of "the assistant at that time"; null when nobody logged touches. One statement.
 */
export async function assistantsAtTheTime(scope: Scope, pairs: Array<{ accountId: number; month: string }>): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (!pairs.length) return result;
  const rows = await queryRows<{ account_id: number; month: string | Date; member_id: number | null }>(scope.db, sql`
    select p.account_id, p.month::text as month, (
      select t.member_id from touches t
      join members m on m.id = t.member_id and m.workspace_id = t.workspace_id and m.role = 'assistant'
      where t.workspace_id = ${scope.workspaceId} and t.account_id = p.account_id
        and t.occurred_at >= p.month::timestamp at time zone 'UTC'
        and t.occurred_at < (p.month + interval '1 month')::timestamp at time zone 'UTC'
      group by t.member_id order by count(*) desc, max(t.occurred_at) desc limit 1
    ) as member_id
    from unnest(${`{${pairs.map((p) => p.accountId).join(',')}}`}::int[], ${`{${pairs.map((p) => p.month).join(',')}}`}::date[]) as p(account_id, month)`);
  for (const r of rows) if (r.member_id !== null) result.set(`${r.account_id}:${String(r.month).slice(0, 10)}`, Number(r.member_id));
  return result;
}

/**
 * Records (or replaces) an account's sales for one month. A new figure is credited to the
 * assistant at that time: for the current month the account's assistant; for a past month the
 * assistant who logged most touches on it that month (else the current assistant). A later
 * correction keeps the credit, so re-assigning an account never moves past sales.
 */
export async function recordSale(scope: Scope, account: Account, month: string, amountMinor: bigint, currency: string, recordedBy: number | null, source: 'chat' | 'import' = 'chat'): Promise<SaleResult> {
  const [existing] = await scope.db.select().from(sales).where(and(
    eq(sales.workspaceId, scope.workspaceId), eq(sales.accountId, account.id), eq(sales.month, month),
  )).for('update');
  if (existing) {
    await scope.db.update(sales).set({ amountMinor, currency, recordedBy, recordedAt: scope.now, source })
      .where(and(eq(sales.workspaceId, scope.workspaceId), eq(sales.id, existing.id)));
    return { memberId: existing.memberId, previous: { amountMinor: existing.amountMinor, currency: existing.currency } };
  }
  const currentMonth = `${scope.now.toISOString().slice(0, 7)}-01`;
  const memberId = month < currentMonth
    ? (await assistantsAtTheTime(scope, [{ accountId: account.id, month }])).get(`${account.id}:${month}`) ?? account.assistantId
    : account.assistantId;
  await scope.db.insert(sales).values({
    workspaceId: scope.workspaceId, accountId: account.id, memberId, month, amountMinor, currency,
    source, recordedBy, recordedAt: scope.now,
  });
  return { memberId, previous: null };
}

/** Rows to upsert from an import, already validated. */
export interface SaleImportRow { accountId: number; assistantId: number | null; month: string; amountMinor: bigint; currency: string }

/**
 * Idempotent bulk upsert per (account, month) in one statement: re-running an import changes
 * nothing; a corrected figure replaces the old one and keeps the original credit.
 */
export async function upsertSales(scope: Scope, rows: SaleImportRow[], recordedBy: number | null): Promise<{ inserted: number; updated: number; unchanged: number }> {
  if (!rows.length) return { inserted: 0, updated: 0, unchanged: 0 };
  const result = await scope.db.insert(sales).values(rows.map((r) => ({
    workspaceId: scope.workspaceId, accountId: r.accountId, memberId: r.assistantId, month: r.month,
    amountMinor: r.amountMinor, currency: r.currency, source: 'import' as const, recordedBy, recordedAt: scope.now,
  }))).onConflictDoUpdate({
    target: [sales.workspaceId, sales.accountId, sales.month],
    set: { amountMinor: sql`excluded.amount_minor`, currency: sql`excluded.currency`, recordedAt: sql`excluded.recorded_at`, source: sql`excluded.source` },
    setWhere: sql`(${sales.amountMinor}, ${sales.currency}) is distinct from (excluded.amount_minor, excluded.currency)`,
  }).returning({ inserted: sql<boolean>`(xmax = 0)` });
  const inserted = result.filter((r) => r.inserted === true || String(r.inserted) === 'true').length;
  const updated = result.length - inserted;
  return { inserted, updated, unchanged: rows.length - result.length };
}
