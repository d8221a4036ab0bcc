import { and, eq, isNull } from 'drizzle-orm';
import { accounts } from '../../../db/schema/accounts.ts';
import type { Scope } from '../../chat/context.ts';
import { periodContaining } from '../../lib/time.ts';
import { normaliseCurrency, parseAmount } from './money.ts';
import { assistantsAtTheTime, parseMonth, upsertSales, type SaleImportRow } from './sales.ts';
import { kpiCurrency } from './service.ts';

/** One problem found in a CSV file, with its 1-based line number. */
export interface ImportProblem { line: number; message: string }

/** What an import did (or would do, on a dry run or when any row is invalid). */
export interface ImportReport {
  rows: number;
  valid: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errors: ImportProblem[];
  warnings: ImportProblem[];
  written: boolean;
}

export const MAX_IMPORT_ROWS = 50_000;

/** Splits CSV text into records (RFC 4180: quoted fields, doubled quotes, CRLF), with line numbers. */
export function parseCsv(text: string): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') { field += '"'; i += 1; }
      else if (ch === '"') quoted = false;
      else { if (ch === '\n') line += 1; field += ch; }
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') { fields.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i += 1;
      fields.push(field);
      if (fields.some((f) => f.trim() !== '')) records.push({ line: recordLine, fields });
      fields = []; field = ''; line += 1; recordLine = line;
    } else field += ch;
  }
  fields.push(field);
  if (fields.some((f) => f.trim() !== '')) records.push({ line: recordLine, fields });
  return records;
}

/**
 * Imports monthly sales per account from CSV (`account,month,amount,currency`; currency may be
 * left out and defaults to the workspace KPI currency). All or nothing: when any row is invalid
 * nothing is written and the report lists every problem. Re-running the same file changes
 * nothing (upsert per account and month).
 */
export async function importSalesCsv(scope: Scope, csv: string, options: { dryRun?: boolean; recordedBy?: number | null } = {}): Promise<ImportReport> {
  const report: ImportReport = { rows: 0, valid: 0, inserted: 0, updated: 0, unchanged: 0, errors: [], warnings: [], written: false };
  const records = parseCsv(csv);
  const header = records.shift();
  if (!header) { report.errors.push({ line: 1, message: 'the file is empty; expected a header: account,month,amount,currency' }); return report; }
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const col = (name: string) => columns.indexOf(name);
  const missing = ['account', 'month', 'amount'].filter((c) => col(c) === -1);
  if (missing.length) {
    report.errors.push({ line: header.line, message: `missing column(s): ${missing.join(', ')}; expected a header: account,month,amount,currency` });
    return report;
  }
  if (records.length > MAX_IMPORT_ROWS) {
    report.errors.push({ line: header.line, message: `too many rows (${records.length}); split the file into parts of at most ${MAX_IMPORT_ROWS}` });
    return report;
  }
  const defaultCurrency = await kpiCurrency(scope);
  const active = await scope.db.select().from(accounts).where(and(eq(accounts.workspaceId, scope.workspaceId), isNull(accounts.archivedAt)));
  const byName = new Map(active.map((a) => [a.name.trim().toLowerCase(), a]));
  const latestMonth = `${periodContaining('month', scope.now, 'Pacific/Kiritimati').key}-01`;
  const seen = new Map<string, number>();
  const rows: SaleImportRow[] = [];
  for (const record of records) {
    report.rows += 1;
    const value = (name: string) => (col(name) === -1 ? '' : (record.fields[col(name)] ?? '').trim());
    const problems: string[] = [];
    const name = value('account');
    const account = byName.get(name.toLowerCase());
    if (!name) problems.push('account is empty');
    else if (!account) problems.push(`unknown account "${name.slice(0, 80)}"`);
    const month = parseMonth(value('month'));
    if (!month) problems.push(`month "${value('month').slice(0, 20)}" is not YYYY-MM`);
    else if (month > latestMonth) problems.push(`month ${month.slice(0, 7)} is in the future`);
    const currency = value('currency') ? normaliseCurrency(value('currency')) : defaultCurrency;
    if (!currency) problems.push(`currency "${value('currency').slice(0, 20)}" is not a three-letter code`);
    const amount = currency ? parseAmount(value('amount'), currency) : null;
    if (currency && amount === null) problems.push(`amount "${value('amount').slice(0, 30)}" is not an exact non-negative amount in ${currency}`);
    if (account && month) {
      const key = `${account.id}:${month}`;
      const first = seen.get(key);
      if (first !== undefined) problems.push(`${account.name} ${month.slice(0, 7)} already appears on line ${first}`);
      else seen.set(key, record.line);
    }
    if (problems.length) { report.errors.push({ line: record.line, message: problems.join('; ') }); continue; }
    if (!account!.assistantId) report.warnings.push({ line: record.line, message: `${account!.name} has no assistant; the sale is stored but counts for nobody` });
    rows.push({ accountId: account!.id, assistantId: account!.assistantId, month: month!, amountMinor: amount!, currency: currency! });
  }
  report.valid = rows.length;
  if (report.errors.length || options.dryRun || !rows.length) return report;
  // Past months go to the assistant at that time (see assistantsAtTheTime); existing rows keep their credit.
  const currentMonth = `${scope.now.toISOString().slice(0, 7)}-01`;
  const past = rows.filter((r) => r.month < currentMonth);
  const atTheTime = await assistantsAtTheTime(scope, past.map((r) => ({ accountId: r.accountId, month: r.month })));
  for (const r of past) r.assistantId = atTheTime.get(`${r.accountId}:${r.month}`) ?? r.assistantId;
  const result = await upsertSales(scope, rows, options.recordedBy ?? null);
  Object.assign(report, result, { written: true });
  return report;
}
